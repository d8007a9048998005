//! `/api/v1/invitations`: simple invitations (B2) — a pasted list is
//! previewed, then each new person gets a personal sign-up link by e-mail
//! or SMS; pending invitations are listed, resent or destroyed. And
//! `/api/v1/signup/{secret}`, the public side of the link.

use roster_core::invitation::paste::{self, MAX_ENTRIES, Plan, Verdict};
use roster_core::invitation::{Address, Invitee, SIGN_UP_DAYS, message};
use roster_core::model::{Channel, PersonName, UserType};
use roster_core::permissions::{Need, Permission};
use roster_core::secret::{self, SecretKind};
use roster_core::time::Timestamp;
use roster_core::{FieldError, Language, Message};
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

use crate::caller::Caller;
use crate::db::simple_invitations::{self, Invitation, LinkRow, PendingRow, SignUp};
use crate::db::{Db, DbError, activity_invitations, companies};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body};
use crate::{auth, platform};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PastedList {
    /// The pasted text.
    text: String,
    /// The user type of the new people; `collaborator` by default.
    #[serde(default, deserialize_with = "crate::http::present")]
    user_type: Option<String>,
    /// A group they join.
    #[serde(default, deserialize_with = "crate::http::whole_number")]
    group: Option<i64>,
}

/// Reads the list and decides each entry's fate against the directory.
async fn plan_of(db: &Db, caller: &Caller, body: &PastedList) -> ApiResult<(Plan, UserType)> {
    let invalid = |field, code| ApiError::Invalid(vec![FieldError::new(field, code)], caller.language);
    let user_type = match body.user_type.as_deref() {
        None => UserType::default(),
        Some(raw) => UserType::parse(raw).map_err(|_| invalid("user_type", Message::UnknownValue))?,
    };
    if let Some(group) = body.group {
        let found = activity_invitations::picked_groups(db, caller.company, &[group]).await?;
        match found.first() {
            None => return Err(invalid("group", Message::UnknownGroup)),
            Some(g) if g.archived => return Err(invalid("group", Message::Archived)),
            Some(_) => {}
        }
    }
    let entries = paste::read(&body.text, caller.country_code);
    if entries.is_empty() {
        return Err(invalid("text", Message::Required));
    }
    if entries.len() > MAX_ENTRIES {
        return Err(invalid("text", Message::TooManyEntries));
    }
    let addresses: Vec<&Address> = entries.iter().filter_map(|e| e.address.as_ref().ok()).collect();
    let known = simple_invitations::known(db, caller.company, &addresses).await?;
    let plan = paste::plan(entries, |address| known.iter().find(|(a, _)| a == address.as_str()).map(|(_, k)| *k));
    Ok((plan, user_type))
}

fn plan_view(plan: &Plan, lang: Language) -> serde_json::Value {
    let lines: Vec<_> = plan
        .lines
        .iter()
        .map(|line| {
            let mut view = serde_json::to_value(line).unwrap_or_default();
            if let Some(problem) = line.problem {
                view["message"] = problem.text(lang).into();
            }
            view
        })
        .collect();
    json!({ "counts": plan.counts, "lines": lines })
}

/// What sending the list would do, line by line; nothing is written.
pub async fn preview(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Permission(Permission::EditUsers)).await?;
    let body: PastedList = json_body(req).await?;
    let (plan, _) = plan_of(db, &caller, &body).await?;
    json(200, &plan_view(&plan, caller.language))
}

/// A fresh sign-up link: the secret for the message, its digest for the database.
fn new_link(origin: &str) -> ApiResult<(String, String)> {
    let secret = secret::new_secret(SecretKind::SignUp, platform::random_bytes()?);
    Ok((format!("{origin}/#/signup/{secret}"), secret::secret_digest(&secret)))
}

/// The day and time a link stops working, in the company's time.
fn until(caller: &Caller, expires: Timestamp) -> String {
    caller.time_zone.local_for_people(expires)
}

/// Invites the list's new people (201) and says what became of every line.
pub async fn send(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Permission(Permission::EditUsers)).await?;
    let body: PastedList = json_body(req).await?;
    let (plan, user_type) = plan_of(db, &caller, &body).await?;
    let company = companies::summary(db, caller.company).await?.ok_or(ApiError::NotFound)?;
    let origin = req.url()?.origin().ascii_serialization();
    let expires = platform::now().plus_days(SIGN_UP_DAYS);
    let mut people = Vec::new();
    for line in plan.lines.iter().filter(|l| l.verdict == Verdict::Invite) {
        let Some(address) = line.address.clone() else { continue };
        let (last_name, first_name) = line.name.as_deref().map_or((None, None), paste::split_name);
        let (link, token_digest) = new_link(&origin)?;
        let text = message::sign_up(caller.language, address.channel(), &company.name, &link, &until(&caller, expires));
        let invitee = Invitee { address, last_name, first_name, user_type, language: caller.language };
        people.push(Invitation { invitee, token_digest, text });
    }
    if people.is_empty() {
        // Nobody to invite: nothing was created.
        return json(200, &plan_view(&plan, caller.language));
    }
    match simple_invitations::invite(db, caller.company, caller.user_id(), &people, body.group, expires).await {
        Ok(()) => json(201, &plan_view(&plan, caller.language)),
        // Someone invited or created one of them meanwhile: nothing was sent; look again.
        Err(DbError::Unique(_)) => Err(ApiError::Conflict),
        Err(e) => Err(e.into()),
    }
}

/// The pending invitations, last sent first.
pub async fn pending(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Permission(Permission::EditUsers)).await?;
    let now = platform::now();
    let items: Vec<_> =
        simple_invitations::pending(db, caller.company).await?.into_iter().map(|row| pending_view(&row, now)).collect();
    json(200, &json!({ "items": items }))
}

fn pending_view(row: &PendingRow, now: Timestamp) -> serde_json::Value {
    let mut view = serde_json::to_value(row).unwrap_or_default();
    view["expired"] = Timestamp::parse(&row.expires_at).is_some_and(|at| at <= now).into();
    view
}

/// Sends a pending invitation again with a new link (the old one stops working).
pub async fn resend(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Permission(Permission::EditUsers)).await?;
    let row = simple_invitations::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    let company = companies::summary(db, caller.company).await?.ok_or(ApiError::NotFound)?;
    let origin = req.url()?.origin().ascii_serialization();
    let expires = platform::now().plus_days(SIGN_UP_DAYS);
    let (link, digest) = new_link(&origin)?;
    let channel = Channel::parse(&row.channel).unwrap_or(Channel::Email);
    let text = message::sign_up(caller.language, channel, &company.name, &link, &until(&caller, expires));
    simple_invitations::resend(db, caller.company, caller.user_id(), &row, &digest, &text, expires).await?;
    let row = simple_invitations::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    json(200, &pending_view(&row, platform::now()))
}

/// Destroys a pending invitation (204).
pub async fn destroy(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Permission(Permission::EditUsers)).await?;
    let row = simple_invitations::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    simple_invitations::destroy(db, caller.company, caller.user_id(), &row).await?;
    Ok(Response::empty()?.with_status(204))
}

/// The invitation behind a link that still works; the same 404 for a link
/// that never existed, and 410 for one that expired or was used.
async fn live_link(db: &Db, secret_text: &str) -> ApiResult<(LinkRow, String)> {
    if !secret::looks_like(SecretKind::SignUp, secret_text) {
        return Err(ApiError::NotFound);
    }
    let digest = secret::secret_digest(secret_text);
    let link = simple_invitations::by_link(db, &digest).await?.ok_or(ApiError::NotFound)?;
    let expired = Timestamp::parse(&link.expires_at).is_none_or(|at| at <= platform::now());
    if link.used_at.is_some() || expired || link.status != "invited" {
        return Err(link_gone(Language::parse(&link.language).unwrap_or(Language::En)));
    }
    Ok((link, digest))
}

fn link_gone(lang: Language) -> ApiError {
    ApiError::Gone(Message::LinkExpired.text(lang).to_owned())
}

/// What the sign-up page shows: the company, the address, the names so far.
pub async fn sign_up_page(db: &Db, secret_text: &str) -> ApiResult<Response> {
    let (link, _) = live_link(db, secret_text).await?;
    json(
        200,
        &json!({
            "company": link.company,
            "address": link.address,
            "last_name": link.last_name,
            "first_name": link.first_name,
            "language": link.language,
            "expires_at": link.expires_at,
        }),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignUpForm {
    last_name: String,
    first_name: String,
    password: String,
}

/// Signs up through the link: names and password; the account becomes
/// active (200). The link works once.
pub async fn sign_up(req: &mut Request, db: &Db, secret_text: &str) -> ApiResult<Response> {
    let (link, digest) = live_link(db, secret_text).await?;
    let form: SignUpForm = json_body(req).await?;
    let lang = Language::parse(&link.language).unwrap_or_else(|_| auth::caller_language(req));
    let mut errors = Vec::new();
    let mut name =
        |field, raw: &str| PersonName::parse(raw).map_err(|e| errors.push(FieldError::new(field, e.message()))).ok();
    let last = name("last_name", &form.last_name);
    let first = name("first_name", &form.first_name);
    if let Err(code) = secret::check_new_password(&form.password) {
        errors.push(FieldError::new("password", code));
    }
    let (Some(last), Some(first)) = (last, first) else {
        return Err(ApiError::Invalid(errors, lang));
    };
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors, lang));
    }
    let hash = secret::hash_password(&form.password, platform::random_bytes()?);
    let (email, mobile) = if link.address.contains('@') {
        (Some(link.address.as_str()), None)
    } else {
        (None, Some(link.address.as_str()))
    };
    let sign_up = SignUp {
        last_name: last.as_str(),
        first_name: first.as_str(),
        sort_key: roster_core::form::sort_key(last.as_str(), first.as_str()),
        search_text: roster_core::form::search_text([Some(last.as_str()), Some(first.as_str()), email, mobile]),
        password_hash: hash,
    };
    let nonce = secret::random_id(platform::random_bytes()?);
    if !simple_invitations::complete(db, &link, &sign_up, &digest, &nonce).await? {
        return Err(link_gone(lang));
    }
    json(200, &json!({ "status": "active", "company": link.company, "address": link.address }))
}
