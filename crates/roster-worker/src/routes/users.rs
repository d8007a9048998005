//! `/api/v1/users`: the directory (F1) and the web form (B1).

use roster_core::directory::PageBounds;
use roster_core::form::NewUserForm;
use roster_core::licences::Licences;
use roster_core::model::{LicenceLevel, UserStatus};
use roster_core::permissions::{Need, Permission};
use roster_core::{FieldError, Message};
use serde_json::json;
use worker::{Request, Response};

use crate::db::{Db, DbError, activities, activity_invitations, public_links, simple_invitations, users};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body};
use crate::{auth, views};

/// A page of the directory: `{"items": […], "next_cursor": "…" | null}`.
pub async fn list(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Permission(Permission::SeeUsers)).await?;
    let query = auth::directory_query(req, db, &caller, Permission::SeeUsers, PageBounds::DIRECTORY).await?;
    let mut items = users::page(db, caller.company, &query).await?;
    let next_cursor = views::next_cursor(&mut items, query.limit, |row| row.cursor(query.sort));
    json(200, &json!({ "items": items, "next_cursor": next_cursor }))
}

/// Creates a user with status `created` (201), or reports every bad field (422).
pub async fn create(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Permission(Permission::EditUsers)).await?;
    let form: NewUserForm = json_body(req).await?;
    let user = form.parse(caller.form_context()).map_err(|errors| ApiError::Invalid(errors, caller.language))?;
    match users::create_unless_taken(db, caller.company, caller.user_id(), caller.licence_capacity, &user).await? {
        Ok(created) => json(201, &created),
        Err(clashes) => Err(ApiError::Invalid(clashes, caller.language)),
    }
}

/// Edits a user (F2): the fields given replace theirs, an empty one
/// clears it. The same field errors as creation (422), plus a role of
/// their own that administrators cannot change, a licence seat when the
/// level rises and none is left, and deleted users that stay as they are.
pub async fn update(req: &mut Request, db: &Db, id: i64) -> ApiResult<Response> {
    let need = Need::Permission(Permission::EditUsers);
    let caller = auth::caller(req, db, need).await?;
    auth::on_user(db, &caller, need, id).await?;
    let change: NewUserForm = json_body(req).await?;
    let before = users::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    let refuse = |errors| ApiError::Invalid(errors, caller.language);
    let status = UserStatus::parse(&before.status).map_err(|e| ApiError::Internal(e.to_string()))?;
    if status == UserStatus::Deleted {
        return Err(refuse(vec![FieldError::new("last_name", Message::UserDeleted)]));
    }
    let user =
        change.parse_edit(users::form_of(&before), caller.form_context(), id == caller.user_id()).map_err(refuse)?;
    let mut errors = users::clashes(db, caller.company, Some(id), &user).await?;
    let level_before = LicenceLevel::parse(&before.licence_level).unwrap_or_default();
    let asked = Licences::asked_by(Some((status, level_before)), (status, user.licence_level));
    if asked > 0 && users::licences(db, caller.company, caller.licence_capacity).await?.allow(asked).is_err() {
        errors.push(FieldError::new("licence_level", Message::NoLicenceLeft));
    }
    if !errors.is_empty() {
        return Err(refuse(errors));
    }
    match users::update(db, caller.company, caller.user_id(), &before, &user).await {
        Ok(Some(edited)) => json(200, &edited),
        Ok(None) => Err(ApiError::NotFound),
        Err(DbError::Unique(_)) => Err(refuse(users::clashes(db, caller.company, Some(id), &user).await?)),
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Transfer {
    #[serde(deserialize_with = "roster_core::numbers::id")]
    to: i64,
}

/// Hands every activity a user created over to another user of the
/// company (F6), who must hold a creator's licence seat. 404 when either
/// is not the company's.
pub async fn transfer(req: &mut Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Administrator).await?;
    auth::on_user(db, &caller, Need::Administrator, id).await?;
    let body: Transfer = json_body(req).await?;
    let from = users::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    let to = users::get(db, caller.company, body.to).await?.ok_or(ApiError::NotFound)?;
    let refuse = |code| ApiError::Invalid(vec![FieldError::new("to", code)], caller.language);
    if to.id == from.id {
        return Err(refuse(Message::TransferToSelf));
    }
    let status = UserStatus::parse(&to.status).unwrap_or(UserStatus::Deleted);
    let level = LicenceLevel::parse(&to.licence_level).unwrap_or_default();
    if !roster_core::licences::takes_seat(status, level) {
        return Err(refuse(Message::TransferNeedsCreator));
    }
    let transferred = activities::transfer(db, caller.company, caller.user_id(), from.id, to.id).await?;
    json(200, &json!({ "transferred": transferred, "to": to.id }))
}

/// One user of the caller's company with their groups and tags; 404 for anyone else's.
pub async fn show(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let need = Need::Permission(Permission::SeeUsers);
    let caller = auth::caller(req, db, need).await?;
    auth::on_user(db, &caller, need, id).await?;
    let user = users::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    let groups = users::memberships(db, caller.company, id).await?;
    let mut body = serde_json::to_value(&user)?;
    body["groups"] = serde_json::to_value(&groups)?;
    body["tags"] = serde_json::to_value(crate::db::tags::of_user(db, caller.company, id).await?)?;
    body["signup_invitation"] = serde_json::to_value(simple_invitations::of_user(db, caller.company, id).await?)?;
    let invitations = activity_invitations::of_person(db, caller.company, true, id).await?;
    body["invitations"] = invitations.iter().map(|i| views::person_invitation(i, &caller.time_zone)).collect();
    body["activities_created"] = activities::count_created_by(db, caller.company, id).await?.into();
    body["public_attempts"] = serde_json::to_value(
        public_links::attempts(db, caller.company, public_links::AttemptsOf::User(id), caller.sight()).await?,
    )?;
    json(200, &body)
}

/// The company's users and groups as a user import is checked against, so
/// the console can show the change plan before sending anything (C10, C11).
pub async fn import_snapshot(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Permission(Permission::ImportUsers)).await?;
    let snapshot = users::import_snapshot(db, caller.company, &caller.actor, caller.licence_capacity).await?;
    json(200, &json!({ "users": snapshot.users, "groups": snapshot.groups, "seats_left": snapshot.seats_left }))
}
