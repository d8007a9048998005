//! `/api/v1/tags`: create, rename and delete tags, and put them on users
//! or take them off (F2).

use roster_core::model::TagName;
use roster_core::permissions::{Need, Permission};
use roster_core::{FieldError, Message};
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

use crate::auth;
use crate::caller::Caller;
use crate::db::tags;
use crate::db::{Db, DbError};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body};

/// Every tag of the caller's company with how many of the users they see carry it.
pub async fn list(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::SignedIn).await?;
    json(200, &json!({ "items": tags::list(db, caller.company, caller.sight()).await? }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Named {
    name: String,
}

/// The answer to a name another tag holds, however close two requests came.
fn name_taken(caller: &Caller) -> ApiError {
    ApiError::Invalid(vec![FieldError::new("name", Message::TagNameTaken)], caller.language)
}

/// A name that is valid and free in the company (`except` the tag renamed).
async fn free_name(db: &Db, caller: &Caller, raw: &str, except: Option<i64>) -> ApiResult<TagName> {
    let name = TagName::parse(raw)
        .map_err(|e| ApiError::Invalid(vec![FieldError::new("name", e.message())], caller.language))?;
    if tags::name_taken(db, caller.company, &name, except).await? {
        return Err(name_taken(caller));
    }
    Ok(name)
}

/// Creates a tag (201); 422 when the name is bad or taken.
pub async fn create(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Permission(Permission::ManageTags)).await?;
    let body: Named = json_body(req).await?;
    let name = free_name(db, &caller, &body.name, None).await?;
    match tags::create(db, caller.company, caller.user_id(), &name).await {
        Ok(Some(tag)) => json(201, &tag),
        Ok(None) => Err(ApiError::Internal("created tag vanished".into())),
        Err(DbError::Unique(_)) => Err(name_taken(&caller)),
        Err(e) => Err(e.into()),
    }
}

/// Renames a tag.
pub async fn rename(req: &mut Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Permission(Permission::ManageTags)).await?;
    let body: Named = json_body(req).await?;
    let name = free_name(db, &caller, &body.name, Some(id)).await?;
    match tags::rename(db, caller.company, caller.user_id(), id, &name).await {
        Ok(true) => json(200, &tags::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?),
        Ok(false) => Err(ApiError::NotFound),
        Err(DbError::Unique(_)) => Err(name_taken(&caller)),
        Err(e) => Err(e.into()),
    }
}

/// Deletes a tag (204) and takes it off every user.
pub async fn delete(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Administrator).await?;
    if !tags::delete(db, caller.company, caller.user_id(), id).await? {
        return Err(ApiError::NotFound);
    }
    Ok(Response::empty()?.with_status(204))
}

/// Puts a tag on a user (`on`) or takes it off: the user's tags after it.
/// 404 when the user or the tag is another company's.
pub async fn set_on_user(req: &Request, db: &Db, user: i64, tag: i64, on: bool) -> ApiResult<Response> {
    let need = Need::Permission(Permission::EditUsers);
    let caller = auth::caller(req, db, need).await?;
    auth::on_user(db, &caller, need, user).await?;
    if !tags::set_on_user(db, caller.company, caller.user_id(), user, tag, on).await? {
        return Err(ApiError::NotFound);
    }
    json(200, &json!({ "items": tags::of_user(db, caller.company, user).await? }))
}
