//! `/api/v1/profiles` and `/api/v1/users/{id}/permissions`: permission
//! profiles (H3) and what each user holds (H4, H5). Only administrators
//! set permissions (H6), and only where the company uses advanced
//! permissions (H1): elsewhere these routes do not exist (404).

use roster_core::model::ProfileName;
use roster_core::permissions::{self, Need, Permission, Permissions, Preset};
use roster_core::{FieldError, Language, Message};
use serde::Deserialize;
use serde_json::{Value, json};
use worker::{Request, Response};

use crate::auth;
use crate::caller::Caller;
use crate::db::profiles::{self, Deletion, Holding};
use crate::db::{Db, DbError};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body};

/// The administrator behind the request, when the company uses profiles.
async fn administrator(req: &Request, db: &Db) -> ApiResult<Caller> {
    let caller = auth::caller(req, db, Need::Administrator).await?;
    if !caller.actor.advanced {
        return Err(ApiError::NotFound);
    }
    Ok(caller)
}

/// The catalogue of permissions in `lang`: code, label, and what limits each.
fn catalogue(lang: Language) -> Value {
    Permission::ALL
        .iter()
        .map(|p| {
            let reach = p.reach();
            json!({ "code": p, "label": p.label(lang), "bases": reach.bases, "users": reach.users })
        })
        .collect()
}

/// The company's profiles, predefined first, with the catalogue.
pub async fn list(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = administrator(req, db).await?;
    let items: Vec<Value> =
        profiles::list(db, caller.company).await?.iter().map(|p| p.shown(caller.language)).collect();
    json(200, &json!({ "items": items, "permissions": catalogue(caller.language) }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileForm {
    #[serde(default, deserialize_with = "crate::http::present")]
    name: Option<String>,
    #[serde(default, deserialize_with = "crate::http::present")]
    permissions: Option<Vec<String>>,
}

fn invalid(field: &'static str, message: Message, caller: &Caller) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, message)], caller.language)
}

/// Permission codes as typed: each must be in the catalogue.
fn permission_set(codes: &[String], caller: &Caller) -> ApiResult<Permissions> {
    codes
        .iter()
        .map(|code| Permission::parse(code).map_err(|_| invalid("permissions", Message::UnknownValue, caller)))
        .collect()
}

/// A name that is valid and free in the company (`except` the profile renamed).
async fn free_name(db: &Db, caller: &Caller, raw: &str, except: Option<i64>) -> ApiResult<ProfileName> {
    let name = ProfileName::parse(raw).map_err(|e| invalid("name", e.message(), caller))?;
    if Preset::reserves(name.as_str()) || profiles::name_taken(db, caller.company, &name, except).await? {
        return Err(invalid("name", Message::ProfileNameTaken, caller));
    }
    Ok(name)
}

/// Creates a profile (201).
pub async fn create(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let caller = administrator(req, db).await?;
    let form: ProfileForm = json_body(req).await?;
    let Some(raw) = form.name.as_deref() else {
        return Err(invalid("name", Message::Required, &caller));
    };
    let name = free_name(db, &caller, raw, None).await?;
    let set = permission_set(form.permissions.as_deref().unwrap_or_default(), &caller)?;
    let id = match profiles::create(db, caller.company, caller.user_id(), &name, set).await {
        Ok(id) => id,
        Err(DbError::Unique(_)) => return Err(invalid("name", Message::ProfileNameTaken, &caller)),
        Err(e) => return Err(e.into()),
    };
    let created = profiles::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    json(201, &created.shown(caller.language))
}

/// Renames a profile or sets its permissions; every holder's access
/// changes at once. Predefined profiles keep their names.
pub async fn update(req: &mut Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = administrator(req, db).await?;
    let form: ProfileForm = json_body(req).await?;
    let before = profiles::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    let name = match form.name.as_deref() {
        Some(_) if before.preset().is_some() => return Err(invalid("name", Message::PresetKept, &caller)),
        Some(raw) => Some(free_name(db, &caller, raw, Some(id)).await?),
        None => None,
    };
    let set = form.permissions.as_deref().map(|codes| permission_set(codes, &caller)).transpose()?;
    match profiles::update(db, caller.company, caller.user_id(), &before, name.as_ref(), set).await {
        Ok(true) => {}
        Ok(false) => return Err(ApiError::NotFound),
        Err(DbError::Unique(_)) => return Err(invalid("name", Message::ProfileNameTaken, &caller)),
        Err(e) => return Err(e.into()),
    }
    let after = profiles::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    json(200, &after.shown(caller.language))
}

/// Deletes the company's profiles `ids`, all or none: 404 when one is not
/// the company's, 422 when one is predefined.
async fn delete_all(db: &Db, caller: &Caller, ids: &[i64]) -> ApiResult<usize> {
    match profiles::delete(db, caller.company, caller.user_id(), ids).await? {
        Deletion::Deleted(n) => Ok(n),
        Deletion::Unknown => Err(ApiError::NotFound),
        Deletion::Preset => Err(invalid("profiles", Message::PresetKept, caller)),
    }
}

/// Deletes one profile (204).
pub async fn delete(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = administrator(req, db).await?;
    delete_all(db, &caller, &[id]).await?;
    Ok(Response::empty()?.with_status(204))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Selection {
    #[serde(deserialize_with = "crate::http::ids")]
    profiles: Vec<i64>,
}

/// Deletes a selection of profiles at once: how many went.
pub async fn delete_selection(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let caller = administrator(req, db).await?;
    let body: Selection = json_body(req).await?;
    if body.profiles.is_empty() {
        return Err(invalid("profiles", Message::NothingSelected, &caller));
    }
    let deleted = delete_all(db, &caller, &body.profiles).await?;
    json(200, &json!({ "deleted": deleted }))
}

/// What a user holds as the API shows it: their profiles and personal
/// permissions, the effective permissions each with its origin, and their
/// perimeter.
async fn holding_view(db: &Db, caller: &Caller, user: i64) -> ApiResult<Value> {
    let held = profiles::held(db, caller.company, user).await?.ok_or(ApiError::NotFound)?;
    let ids = profiles::ids_of(held.profiles.as_deref());
    let all = profiles::list(db, caller.company).await?;
    let theirs: Vec<(i64, Permissions)> =
        all.iter().filter(|p| ids.contains(&p.id)).map(|p| (p.id, Permissions::from_stored(&p.permissions))).collect();
    let personal = Permissions::from_stored(&held.personal);
    let effective: Vec<Value> = permissions::origins(&theirs, personal)
        .into_iter()
        .map(|o| {
            json!({ "permission": o.permission, "label": o.permission.label(caller.language),
                         "profiles": o.profiles, "personal": o.personal })
        })
        .collect();
    Ok(json!({
        "profiles": ids,
        "personal": personal,
        "effective": effective,
        "perimeter": {
            "all_users": held.all_users != 0,
            "groups": profiles::ids_of(held.groups.as_deref()),
            "all_bases": held.all_bases != 0,
            "bases": profiles::ids_of(held.bases.as_deref()),
        },
    }))
}

/// What a user holds.
pub async fn of_user(req: &Request, db: &Db, user: i64) -> ApiResult<Response> {
    let caller = administrator(req, db).await?;
    json(200, &holding_view(db, &caller, user).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Perimeter {
    #[serde(default)]
    all_users: bool,
    #[serde(default, deserialize_with = "crate::http::ids")]
    groups: Vec<i64>,
    #[serde(default)]
    all_bases: bool,
    #[serde(default, deserialize_with = "crate::http::ids")]
    bases: Vec<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HoldingForm {
    #[serde(deserialize_with = "crate::http::ids")]
    profiles: Vec<i64>,
    personal: Vec<String>,
    perimeter: Perimeter,
}

/// Sets what a user holds, replacing what they held: 404 for a user,
/// profile, group or base that is not the company's.
pub async fn set_for_user(req: &mut Request, db: &Db, user: i64) -> ApiResult<Response> {
    let caller = administrator(req, db).await?;
    auth::on_user(db, &caller, Need::Administrator, user).await?;
    let form: HoldingForm = json_body(req).await?;
    let holding = Holding {
        profiles: form.profiles,
        personal: permission_set(&form.personal, &caller)?,
        all_users: form.perimeter.all_users,
        groups: form.perimeter.groups,
        all_bases: form.perimeter.all_bases,
        bases: form.perimeter.bases,
    };
    if profiles::held(db, caller.company, user).await?.is_none()
        || !profiles::all_known(db, caller.company, &holding).await?
    {
        return Err(ApiError::NotFound);
    }
    profiles::hold(db, caller.company, caller.user_id(), user, &holding).await?;
    json(200, &holding_view(db, &caller, user).await?)
}
