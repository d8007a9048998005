//! `/api/v1/users/bulk`: one action on a selection of users (F3, F4),
//! ticked one by one or "all matching the filters". Small selections are
//! done while the admin waits; larger ones run as a job with progress on
//! the imports and exports dashboard. Either way each user is reported as
//! applied or skipped with the reason, in a downloadable report.

use roster_core::bulk::{Action, ActionForm, INLINE_MAX, MAX_TICKED};
use roster_core::directory::{MAX_ID, PageBounds, UserQuery};
use roster_core::jobs::{BulkAction, JobKind, JobParams};
use roster_core::permissions::{Need, Target};
use roster_core::secret;
use roster_core::{FieldError, Message};
use serde::Deserialize;
use serde_json::{Value, json};
use worker::{Env, Request, Response};

use crate::caller::Caller;
use crate::db::bulk::{self, Selection, Who};
use crate::db::jobs::{self, Claim};
use crate::db::{CompanyId, Db, companies, params};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body};
use crate::{auth, consumer, platform, queue, views};

/// The directory's filters, as a selection.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Matching {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default, deserialize_with = "crate::http::whole_number")]
    group: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::whole_number")]
    tag: Option<i64>,
    #[serde(default)]
    user_type: Option<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    licence_level: Option<String>,
    #[serde(default)]
    last_access: Option<String>,
    #[serde(default)]
    accessed_since: Option<String>,
    #[serde(default)]
    accessed_before: Option<String>,
}

impl Matching {
    /// The filters as the directory's query string would give them.
    fn param(&self, name: &str) -> Option<String> {
        let text = match name {
            "q" => &self.q,
            "status" => &self.status,
            "group" => return self.group.map(|g| g.to_string()),
            "tag" => return self.tag.map(|t| t.to_string()),
            "user_type" => &self.user_type,
            "role" => &self.role,
            "licence_level" => &self.licence_level,
            "last_access" => &self.last_access,
            "accessed_since" => &self.accessed_since,
            "accessed_before" => &self.accessed_before,
            _ => return None,
        };
        text.clone()
    }
}

/// A bulk action as posted.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BulkForm {
    action: String,
    #[serde(default)]
    change: Option<String>,
    #[serde(default, deserialize_with = "some_ids")]
    ids: Option<Vec<i64>>,
    /// Ticked users.
    #[serde(default, deserialize_with = "some_ids")]
    users: Option<Vec<i64>>,
    /// Or everyone the filters find.
    #[serde(default)]
    matching: Option<Matching>,
    /// The number of users the admin confirmed, when the action asks for it.
    #[serde(default, deserialize_with = "crate::http::whole_number")]
    confirm: Option<i64>,
    /// For an activation: a password every activated user gets.
    #[serde(default)]
    password: Option<String>,
}

/// Ids in either JSON form of whole numbers (`3`, `3.0`), when given.
fn some_ids<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
    crate::http::ids(d).map(Some)
}

#[derive(Deserialize)]
struct Count {
    n: usize,
}

/// What a checked form asks.
struct Asked {
    action: Action,
    selection: Selection,
}

fn invalid(field: &'static str, message: Message, caller: &Caller) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, message)], caller.language)
}

/// Checks the action and the selection, and that every named group or tag
/// is the company's (groups not archived).
async fn asked(db: &Db, caller: &Caller, form: BulkForm) -> ApiResult<Asked> {
    let mut errors = Vec::new();
    // Only the password's hash goes further: into the job, then the users.
    let password_hash = match form.password.as_deref() {
        None => None,
        Some(password) => match secret::check_new_password(password) {
            Ok(()) => Some(secret::hash_password(password, platform::random_bytes()?)),
            Err(message) => {
                errors.push(FieldError::new("password", message));
                None
            }
        },
    };
    let action_form = ActionForm { action: form.action, change: form.change, ids: form.ids, password_hash };
    let action = action_form.parse().map_err(|e| errors.extend(e)).ok();
    let selection = match (form.users, form.matching) {
        (Some(ids), None) => {
            if ids.is_empty() || ids.len() > MAX_TICKED || ids.iter().any(|id| !(1..=MAX_ID).contains(id)) {
                errors.push(FieldError::new("users", Message::OutOfRange));
            }
            Some(Who::Ticked(ids))
        }
        (None, Some(m)) => {
            let query = UserQuery::parse(|name| m.param(name), PageBounds::DIRECTORY, &caller.time_zone);
            if query.is_err() {
                errors.push(FieldError::new("matching", Message::UnknownValue));
            }
            query.ok().map(Who::Matching)
        }
        _ => {
            errors.push(FieldError::new("users", Message::Required));
            None
        }
    };
    let (Some(action), Some(who)) = (action, selection) else {
        return Err(ApiError::Invalid(errors, caller.language));
    };
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors, caller.language));
    }
    if let Action::Groups(_, ids) | Action::Tags(_, ids) | Action::Profiles(_, ids) = &action
        && !ids.is_empty()
    {
        let table = match action {
            Action::Groups(..) => "groups WHERE archived_at IS NULL AND",
            Action::Tags(..) => "tags WHERE",
            _ => "permission_profiles WHERE",
        };
        let found: Option<Count> = db
            .first(
                &format!("SELECT count(*) AS n FROM {table} company_id = ? AND id IN (SELECT value FROM json_each(?))"),
                params![caller.company, json!(ids).to_string()],
            )
            .await?;
        if found.map_or(0, |c| c.n) != ids.len() {
            return Err(invalid("ids", Message::UnknownGroupOrTag, caller));
        }
    }
    let need = action.need();
    caller.allow(need, Target::Company)?;
    let selection = Selection { who, bounds: caller.bounds(need) };
    Ok(Asked { action, selection })
}

/// What the admin must confirm for `action` on `selected` users.
async fn confirmation(db: &Db, company: CompanyId, action: &Action, selected: u64) -> ApiResult<&'static str> {
    let guard = companies::settings(db, company).await?.unwrap_or_default().mass_action_guard;
    let company_users = bulk::company_users(db, company).await?;
    Ok(if action.needs_typed_confirmation(guard, selected, company_users) {
        "typed"
    } else if action.needs_confirmation(guard, selected, company_users) {
        "count"
    } else {
        "none"
    })
}

/// `POST /api/v1/users/bulk/preview`: how many users the selection holds
/// by status, and what the action will ask the admin to confirm.
pub async fn preview(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::SignedIn).await?;
    let form: BulkForm = json_body(req).await?;
    let asked = asked(db, &caller, form).await?;
    let by_status = bulk::count_by_status(db, caller.company, &asked.selection).await?;
    let selected: u64 = by_status.iter().map(|(_, n)| n).sum();
    let confirmation = confirmation(db, caller.company, &asked.action, selected).await?;
    let by_status: serde_json::Map<String, Value> = by_status.into_iter().map(|(s, n)| (s, n.into())).collect();
    json(200, &json!({ "selected": selected, "by_status": by_status, "confirmation": confirmation }))
}

/// `POST /api/v1/users/bulk`: does the action. Up to [`INLINE_MAX`] users
/// it is done at once (200, the finished job); beyond, it runs as a job
/// (202). Deleting, and deleting or deactivating past the company's guard,
/// needs `confirm` equal to the number of users selected.
pub async fn create(req: &mut Request, db: &Db, env: &Env) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::SignedIn).await?;
    let form: BulkForm = json_body(req).await?;
    let confirm = form.confirm;
    let Asked { action, selection } = asked(db, &caller, form).await?;
    let selected: u64 = bulk::count_by_status(db, caller.company, &selection).await?.iter().map(|(_, n)| n).sum();
    if selected == 0 {
        let field = if matches!(selection.who, Who::Ticked(_)) { "users" } else { "matching" };
        return Err(invalid(field, Message::NothingSelected, &caller));
    }
    let must_confirm = confirmation(db, caller.company, &action, selected).await? != "none";
    match confirm {
        None if must_confirm => return Err(invalid("confirm", Message::ConfirmationRequired, &caller)),
        Some(n) if must_confirm && u64::try_from(n).ok() != Some(selected) => {
            return Err(invalid("confirm", Message::ConfirmationMismatch, &caller));
        }
        _ => {}
    }
    let id = secret::random_id(platform::random_bytes()?);
    let origin = Some(req.url()?.origin().ascii_serialization());
    let bulk_params = BulkAction { action: action.form(), selected, language: caller.language, origin };
    let params = JobParams::BulkAction(bulk_params.clone());
    let taken = bulk::create(db, caller.company, caller.user_id(), &id, &params, &selection).await?;
    if must_confirm && taken != selected {
        // The selection changed between the count and the taking: nothing is done.
        bulk::discard(db, caller.company, &id).await?;
        return Err(invalid("confirm", Message::ConfirmationMismatch, &caller));
    }
    if taken <= INLINE_MAX && jobs::claim(db, caller.company, &id).await? == Claim::Taken {
        let job = jobs::job(db, caller.company, &id).await?.ok_or(ApiError::NotFound)?;
        let requester = jobs::requester(db, caller.company, caller.user_id()).await?.ok_or(ApiError::NotFound)?;
        match consumer::bulk_action(db, env, caller.company, &job, &bulk_params, &requester).await {
            Ok(true) => return views::job_answer(db, caller.company, JobKind::Bulk, &id, 200).await,
            Ok(false) => return views::job_answer(db, caller.company, JobKind::Bulk, &id, 202).await,
            // What is done stays done; the queue finishes the rest.
            Err(e) => {
                worker::console_error!("bulk action {id} goes on in the background: {e:?}");
                jobs::release(db, caller.company, &id).await?;
            }
        }
    }
    queue::enqueue(env, caller.company, &id).await?;
    views::job_answer(db, caller.company, JobKind::Bulk, &id, 202).await
}
