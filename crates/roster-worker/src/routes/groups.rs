//! `/api/v1/groups`: create, rename, archive and delete groups (G1), and
//! their members through the membership matrix (G2).

use roster_core::directory::PageBounds;
use roster_core::membership::MembershipRequest;
use roster_core::model::GroupName;
use roster_core::permissions::{Need, Permission};
use roster_core::{FieldError, Message};
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

use crate::caller::Caller;
use crate::db::groups::{self, GroupChange, MembershipOutcome};
use crate::db::{Db, DbError, users};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body};
use crate::{auth, views};

/// What changing groups needs.
const MANAGE: Need = Need::Permission(Permission::ManageGroups);

/// Every group of the caller's company with its member counts.
pub async fn list(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::SignedIn).await?;
    let items = groups::list(db, caller.company, caller.users_perimeter(Permission::SeeUsers)).await?;
    json(200, &json!({ "items": items }))
}

/// One group of the caller's company.
pub async fn show(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::SignedIn).await?;
    let within = caller.users_perimeter(Permission::SeeUsers);
    json(200, &groups::get_within(db, caller.company, id, within).await?.ok_or(ApiError::NotFound)?)
}

/// 404 unless every group of `ids` is the company's and inside the
/// caller's perimeter when their group management is scoped.
async fn managed(db: &Db, caller: &Caller, ids: &[i64]) -> ApiResult<()> {
    let within = caller.users_perimeter(Permission::ManageGroups);
    if within.is_some() && !groups::all_within(db, caller.company, ids, within).await? {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewGroup {
    name: String,
}

/// The answer to a name another group holds, however close two requests came.
fn name_taken(caller: &Caller) -> ApiError {
    ApiError::Invalid(vec![FieldError::new("name", Message::GroupNameTaken)], caller.language)
}

/// A name that is valid and free in the company (`except` the group renamed).
async fn free_name(db: &Db, caller: &Caller, raw: &str, except: Option<i64>) -> ApiResult<GroupName> {
    let invalid = |code| ApiError::Invalid(vec![FieldError::new("name", code)], caller.language);
    let name = GroupName::parse(raw).map_err(|e| invalid(e.message()))?;
    if groups::name_taken(db, caller.company, &name, except).await? {
        return Err(name_taken(caller));
    }
    Ok(name)
}

/// Creates a group (201); 422 when the name is bad or taken.
pub async fn create(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, MANAGE).await?;
    let body: NewGroup = json_body(req).await?;
    let name = free_name(db, &caller, &body.name, None).await?;
    match groups::create(db, caller.company, caller.user_id(), &name).await {
        Ok(Some(group)) => json(201, &group),
        Ok(None) => Err(ApiError::Internal("created group vanished".into())),
        Err(DbError::Unique(_)) => Err(name_taken(&caller)),
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
    let caller = auth::caller(req, db, MANAGE).await?;
    managed(db, &caller, &[id]).await?;
    let body: Change = json_body(req).await?;
    let name = match &body.name {
        Some(raw) => Some(free_name(db, &caller, raw, Some(id)).await?),
        None => None,
    };
    let change = GroupChange { name, archived: body.archived };
    match groups::update(db, caller.company, caller.user_id(), id, &change).await {
        Ok(true) => {}
        Ok(false) => return Err(ApiError::NotFound),
        Err(DbError::Unique(_)) => return Err(name_taken(&caller)),
        Err(e) => return Err(e.into()),
    }
    json(200, &groups::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?)
}

/// Deletes a group (204); its members stay in the directory.
pub async fn delete(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Administrator).await?;
    if !groups::delete(db, caller.company, caller.user_id(), id).await? {
        return Err(ApiError::NotFound);
    }
    Ok(Response::empty()?.with_status(204))
}

/// The membership matrix (G2): a page of the directory (its filters, so
/// `group` gives a group's members only), each user with the ids of the
/// groups they belong to, and the company's groups that are not archived.
pub async fn matrix(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, MANAGE).await?;
    let query = auth::directory_query(req, db, &caller, Permission::ManageGroups, PageBounds::DIRECTORY).await?;
    let mut page = users::page(db, caller.company, &query).await?;
    let next_cursor = views::next_cursor(&mut page, query.limit, |row| row.cursor(query.sort));
    let ids: Vec<i64> = page.iter().map(|u| u.id).collect();
    let held = groups::memberships_of(db, caller.company, &ids).await?;
    let items: Vec<_> = page
        .iter()
        .map(|u| {
            let of: Vec<i64> = held.iter().filter(|m| m.user_id == u.id).map(|m| m.group_id).collect();
            json!({ "id": u.id, "last_name": u.last_name, "first_name": u.first_name, "email": u.email,
                    "status": u.status, "groups": of })
        })
        .collect();
    let columns = groups::open(db, caller.company, caller.users_perimeter(Permission::ManageGroups)).await?;
    json(200, &json!({ "groups": columns, "items": items, "next_cursor": next_cursor }))
}

/// Saves ticks and unticks of the matrix or a group's view together: all
/// of them or none. 404 for a user or group that is not the company's,
/// 422 for an archived group or a change that is empty, too large or
/// contradictory.
pub async fn change_memberships(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, MANAGE).await?;
    let request: MembershipRequest = json_body(req).await?;
    let change = request.checked().map_err(|e| ApiError::Invalid(vec![e], caller.language))?;
    auth::on_users(db, &caller, MANAGE, &change.users()).await?;
    managed(db, &caller, &change.groups()).await?;
    match groups::change_memberships(db, caller.company, caller.user_id(), &change).await? {
        MembershipOutcome::Saved { added, removed } => json(200, &json!({ "added": added, "removed": removed })),
        MembershipOutcome::Unknown => Err(ApiError::NotFound),
        MembershipOutcome::Archived => {
            Err(ApiError::Invalid(vec![FieldError::new("add", Message::UnknownGroupOrTag)], caller.language))
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Archiving {
    #[serde(deserialize_with = "crate::http::ids")]
    groups: Vec<i64>,
    archived: bool,
}

/// Archives or unarchives a selection of groups at once: how many changed.
pub async fn archive(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, MANAGE).await?;
    let body: Archiving = json_body(req).await?;
    if body.groups.is_empty() {
        return Err(ApiError::Invalid(vec![FieldError::new("groups", Message::NothingSelected)], caller.language));
    }
    managed(db, &caller, &body.groups).await?;
    let changed = groups::set_archived(db, caller.company, caller.user_id(), &body.groups, body.archived).await?;
    json(200, &json!({ "changed": changed }))
}

/// The code the caller's company gives partners who want to share a group
/// with it (J6).
pub async fn partner_code(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Administrator).await?;
    let fresh = roster_core::secret::random_id(crate::platform::random_bytes()?);
    let code = groups::partner_code(db, caller.company, &roster_core::sharing::partner_code(&fresh)).await?;
    json(200, &json!({ "code": code }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShareRequest {
    code: String,
}

/// The company's own group `id` (404 for one shared with it, or unknown).
async fn own_group(db: &Db, caller: &Caller, id: i64) -> ApiResult<groups::GroupRow> {
    groups::get_owned(db, caller.company, id).await?.ok_or(ApiError::NotFound)
}

/// Shares one of the company's groups with a partner company, named by
/// its partner code (J6): 200 with the group as it now is; 422 for a code
/// no company has, or the company's own.
pub async fn share(req: &mut Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Administrator).await?;
    own_group(db, &caller, id).await?;
    let body: ShareRequest = json_body(req).await?;
    let code = roster_core::sharing::read_partner_code(&body.code);
    let refuse = |message| ApiError::Invalid(vec![FieldError::new("code", message)], caller.language);
    match groups::share(db, caller.company, caller.user_id(), id, &code).await? {
        groups::Shared::With(..) => json(200, &own_group(db, &caller, id).await?),
        groups::Shared::UnknownCode => Err(refuse(Message::UnknownPartnerCode)),
        groups::Shared::OwnCode => Err(refuse(Message::OwnPartnerCode)),
    }
}

/// Stops sharing one of the company's groups with a partner (204); the
/// partner's members leave the group.
pub async fn unshare(req: &Request, db: &Db, id: i64, partner: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Administrator).await?;
    own_group(db, &caller, id).await?;
    if !groups::unshare(db, caller.company, caller.user_id(), id, partner).await? {
        return Err(ApiError::NotFound);
    }
    Ok(Response::empty()?.with_status(204))
}
