//! `/api/v1/exports`: ask for a users export (J1, J2), followed under
//! `jobs`; and `/api/v1/users/export`, the pages the console builds its own
//! exports from (J3).

use roster_core::Language;
use roster_core::directory::{PageBounds, UserQuery};
use roster_core::export::Format;
use roster_core::export::users::MAX_EXPORT_USERS;
use roster_core::insights::Measure;
use roster_core::jobs::{self as rules, JobKind, JobParams, UserExport};
use roster_core::permissions::{Need, Permission};
use roster_core::{FieldError, Message};
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

use crate::auth;
use crate::caller::Caller;
use crate::db::{Db, exports, groups, jobs, users};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body};
use crate::{platform, queue, views};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportRequest {
    kind: String,
    format: String,
    /// For `group_members`: the groups whose members it lists.
    #[serde(default, deserialize_with = "crate::http::ids")]
    groups: Vec<i64>,
    /// For `monthly_active`: the month (`2026-11`) …
    #[serde(default, deserialize_with = "crate::http::present")]
    month: Option<String>,
    /// … and the figure (`mau` or `maa`) whose users it lists.
    #[serde(default, deserialize_with = "crate::http::present")]
    measure: Option<String>,
    /// The language of the headers; the requester's by default.
    #[serde(default, deserialize_with = "crate::http::present")]
    language: Option<String>,
}

const EXPORT: Need = Need::Permission(Permission::ExportUsers);

/// Records a queued export and hands it to the queue (202): every user
/// (`users`, three files), or the members of chosen groups
/// (`group_members`, one file, each with all their groups).
pub async fn create(req: &mut Request, db: &Db, env: &Env) -> ApiResult<Response> {
    let caller = auth::caller(req, db, EXPORT).await?;
    let body: ExportRequest = json_body(req).await?;
    let month = if body.kind == "monthly_active" {
        monthly(&body, &caller)?
    } else if body.month.is_some() || body.measure.is_some() {
        return Err(ApiError::Invalid(vec![FieldError::new("month", Message::UnknownValue)], caller.language));
    } else {
        None
    };
    let group_names = match body.kind.as_str() {
        "users" | "monthly_active" if body.groups.is_empty() => Vec::new(),
        "group_members" if !body.groups.is_empty() => {
            // Groups outside the caller's perimeter are absent to them.
            let within = caller.users_perimeter(Permission::ExportUsers);
            if !groups::all_within(db, caller.company, &body.groups, within).await? {
                return Err(ApiError::NotFound);
            }
            groups::names(db, caller.company, &body.groups).await?
        }
        // Groups go with a group members export, and it needs some.
        "users" | "group_members" | "monthly_active" => {
            let message = if body.groups.is_empty() { Message::NothingSelected } else { Message::UnknownValue };
            return Err(ApiError::Invalid(vec![FieldError::new("groups", message)], caller.language));
        }
        other => {
            return Err(ApiError::BadRequest(format!(
                "There is no export of kind “{other}”; try “users”, “group_members” or “monthly_active”."
            )));
        }
    };
    let format = Format::parse(&body.format)
        .ok_or_else(|| ApiError::BadRequest(format!("The format “{}” is not csv or xlsx.", body.format)))?;
    let language = match body.language.as_deref() {
        None => caller.language,
        Some(code) => Language::parse(code)
            .map_err(|_| ApiError::BadRequest(format!("The language “{code}” is not fr, en or de.")))?,
    };
    let within_perimeter_of = caller.users_perimeter(Permission::ExportUsers);
    let everyone = UserQuery { within_perimeter_of, ..UserQuery::everyone(1) };
    if users::count(db, caller.company, &everyone).await? > MAX_EXPORT_USERS {
        return Err(ApiError::BadRequest(format!(
            "An export takes at most {MAX_EXPORT_USERS} users; this company has more. Export the list by status or group instead."
        )));
    }
    let origin = req.url()?.origin().ascii_serialization();
    let id = roster_core::secret::random_id(platform::random_bytes()?);
    let groups = body.groups;
    let params =
        JobParams::UserExport(UserExport { format, language, origin, within_perimeter_of, groups, group_names, month });
    jobs::create(db, caller.company, caller.user_id(), &id, &params, &[]).await?;
    queue::enqueue(env, caller.company, &id).await?;
    views::job_answer(db, caller.company, JobKind::Export, &id, 202).await
}

/// The month and figure of a `monthly_active` export: one of the twelve
/// months Insights shows, and `mau` or `maa` (422 otherwise).
fn monthly(body: &ExportRequest, caller: &Caller) -> ApiResult<Option<(String, Measure)>> {
    let months = roster_core::insights::last_months(&caller.time_zone, platform::now());
    let refuse = |field| ApiError::Invalid(vec![FieldError::new(field, Message::UnknownValue)], caller.language);
    let month = body.month.as_deref().filter(|m| months.iter().any(|k| k == m)).ok_or_else(|| refuse("month"))?;
    let measure = body.measure.as_deref().and_then(|m| Measure::parse(m).ok()).ok_or_else(|| refuse("measure"))?;
    Ok(Some((month.to_owned(), measure)))
}

/// A page of [`list_page`]: up to a thousand users.
const EXPORT_PAGE: PageBounds = PageBounds { default: 1_000, max: 1_000 };

/// One page of the directory as exports show it (the list's filters), for
/// the console to build its own file; the first page also counts them all.
pub async fn list_page(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, EXPORT).await?;
    let query = auth::directory_query(req, db, &caller, Permission::ExportUsers, EXPORT_PAGE).await?;
    let total = if query.after.is_none() { Some(users::count(db, caller.company, &query).await?) } else { None };
    let since = rules::statistics_since(platform::now());
    let one_more = UserQuery { limit: query.limit + 1, ..query.clone() };
    let mut rows = exports::page(db, caller.company, &one_more, since).await?;
    let next = views::next_cursor(&mut rows, query.limit, |row| row.cursor(query.sort));
    let items: Vec<_> = rows.into_iter().map(|r| r.user).collect();
    json(200, &json!({ "items": items, "next_cursor": next, "total": total }))
}
