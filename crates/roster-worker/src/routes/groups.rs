//! `/api/v1/groups`: create, rename, archive and delete groups (G1).

use roster_core::model::GroupName;
use roster_core::{FieldError, Message};
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

use crate::auth;
use crate::db::groups::{self, GroupChange};
use crate::db::{Db, DbError};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body};
use crate::tenant::Admin;

/// Every group of the caller's company with its member counts.
pub async fn list(req: &Request, db: &Db) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    json(200, &json!({ "items": groups::list(db, admin.company).await? }))
}

/// One group of the caller's company.
pub async fn show(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    json(200, &groups::get(db, admin.company, id).await?.ok_or(ApiError::NotFound)?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewGroup {
    name: String,
}

/// The answer to a name another group holds, however close two requests came.
fn name_taken(admin: &Admin) -> ApiError {
    ApiError::Invalid(vec![FieldError::new("name", Message::GroupNameTaken)], admin.language)
}

/// A name that is valid and free in the company (`except` the group renamed).
async fn free_name(db: &Db, admin: &Admin, raw: &str, except: Option<i64>) -> ApiResult<GroupName> {
    let invalid = |code| ApiError::Invalid(vec![FieldError::new("name", code)], admin.language);
    let name = GroupName::parse(raw).map_err(|e| invalid(e.message()))?;
    if groups::name_taken(db, admin.company, &name, except).await? {
        return Err(name_taken(admin));
    }
    Ok(name)
}

/// Creates a group (201); 422 when the name is bad or taken.
pub async fn create(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let body: NewGroup = json_body(req).await?;
    let name = free_name(db, &admin, &body.name, None).await?;
    match groups::create(db, admin.company, admin.user_id, &name).await {
        Ok(Some(group)) => json(201, &group),
        Ok(None) => Err(ApiError::Internal("created group vanished".into())),
        Err(DbError::Unique(_)) => Err(name_taken(&admin)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Change {
    #[serde(default, deserialize_with = "crate::http::present")]
    name: Option<String>,
    #[serde(default, deserialize_with = "crate::http::present")]
    archived: Option<bool>,
}

/// Renames, archives or unarchives a group.
pub async fn update(req: &mut Request, db: &Db, id: i64) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let body: Change = json_body(req).await?;
    let name = match &body.name {
        Some(raw) => Some(free_name(db, &admin, raw, Some(id)).await?),
        None => None,
    };
    let change = GroupChange { name, archived: body.archived };
    match groups::update(db, admin.company, admin.user_id, id, &change).await {
        Ok(true) => {}
        Ok(false) => return Err(ApiError::NotFound),
        Err(DbError::Unique(_)) => return Err(name_taken(&admin)),
        Err(e) => return Err(e.into()),
    }
    json(200, &groups::get(db, admin.company, id).await?.ok_or(ApiError::NotFound)?)
}

/// Deletes a group (204); its members stay in the directory.
pub async fn delete(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    if !groups::delete(db, admin.company, admin.user_id, id).await? {
        return Err(ApiError::NotFound);
    }
    Ok(Response::empty()?.with_status(204))
}
