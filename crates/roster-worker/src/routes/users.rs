//! `/api/v1/users`: the directory (F1) and the web form (B1).

use roster_core::directory::UserQuery;
use roster_core::form::{FormContext, NewUserForm};
use serde_json::json;
use worker::{Request, Response};

use super::{json, json_body, query_param};
use crate::auth;
use crate::db::{Db, users};
use crate::error::{ApiError, ApiResult};

/// A page of the directory: `{"items": […], "next_cursor": "…" | null}`.
pub async fn list(req: &Request, db: &Db) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let query = directory_query(req, query_param(req, "limit")?.as_deref())?;
    let mut items = users::page(db, admin.company, &query).await?;
    let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|last| last.cursor().encode())
    } else {
        None
    };
    json(200, &json!({ "items": items, "next_cursor": next_cursor }))
}

/// The directory query of the request's `q`, `status`, `group` and
/// `cursor`, with `limit` (a directory page's bounds apply).
pub fn directory_query(req: &Request, limit: Option<&str>) -> ApiResult<UserQuery> {
    let param = |name| query_param(req, name);
    let (q, status, group, cursor) = (param("q")?, param("status")?, param("group")?, param("cursor")?);
    UserQuery::parse(q.as_deref(), status.as_deref(), group.as_deref(), cursor.as_deref(), limit)
        .map_err(|e| ApiError::BadRequest(e.to_string()))
}

/// Creates a user with status `created` (201), or reports every bad field (422).
pub async fn create(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let form: NewUserForm = json_body(req).await?;
    let context =
        FormContext { admin_language: admin.language, admin_role: admin.role, country_code: admin.country_code };
    let user = form.parse(context).map_err(|errors| ApiError::Invalid(errors, admin.language))?;
    let clashes = users::clashes(db, admin.company, &user).await?;
    if !clashes.is_empty() {
        return Err(ApiError::Invalid(clashes, admin.language));
    }
    let created = users::create(db, admin.company, admin.user_id, &user, admin.language).await?;
    json(201, &created)
}

/// One user of the caller's company with their groups; 404 for anyone else's.
pub async fn show(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let user = users::get(db, admin.company, id).await?.ok_or(ApiError::NotFound)?;
    let groups = users::memberships(db, admin.company, id).await?;
    let mut body = serde_json::to_value(&user)?;
    body["groups"] = serde_json::to_value(&groups)?;
    json(200, &body)
}

/// The company's users and groups as a user import is checked against, so
/// the console can show the change plan before sending anything (C10, C11).
pub async fn import_snapshot(req: &Request, db: &Db) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let snapshot = users::import_snapshot(db, admin.company).await?;
    json(200, &json!({ "users": snapshot.users, "groups": snapshot.groups }))
}
