//! `/api/v1/contacts`: people without an account (A3) — listed, searched,
//! created by hand, and turned into users with their history.

use roster_core::directory::PageBounds;
use roster_core::form::NewUserForm;
use roster_core::model::{Contact, Email, Mobile, PersonName};
use roster_core::permissions::{Need, Permission};
use roster_core::{FieldError, Message};
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

use crate::auth;
use crate::caller::Caller;
use crate::db::contacts::{self, ContactRow, Selector};
use crate::db::{Db, activity_invitations, public_links, users};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body};
use crate::views;

const SEE: Need = Need::Permission(Permission::SeeUsers);
const EDIT: Need = Need::Permission(Permission::EditUsers);

/// The company's contact `id`, when inside the caller's perimeter for `need`.
async fn contact(db: &Db, caller: &Caller, need: Need, id: i64) -> ApiResult<ContactRow> {
    let contact = contacts::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    if !contacts::all_within(db, caller.company, &[id], caller.bounds(need)).await? {
        return Err(ApiError::NotFound);
    }
    Ok(contact)
}

/// A page of contacts: `{"items": […], "next_cursor": "…" | null}`.
pub async fn list(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, SEE).await?;
    let query = auth::directory_query(req, db, &caller, Permission::SeeUsers, PageBounds::DIRECTORY).await?;
    if query.status.is_some() {
        return Err(ApiError::BadRequest("Contacts have no status.".into()));
    }
    let mut items = contacts::page(db, caller.company, &query).await?;
    let next_cursor = views::next_cursor(&mut items, query.limit, ContactRow::cursor);
    json(200, &json!({ "items": items, "next_cursor": next_cursor }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewContact {
    #[serde(default, deserialize_with = "crate::http::present")]
    email: Option<String>,
    #[serde(default, deserialize_with = "crate::http::present")]
    mobile: Option<String>,
    #[serde(default, deserialize_with = "crate::http::present")]
    last_name: Option<String>,
    #[serde(default, deserialize_with = "crate::http::present")]
    first_name: Option<String>,
    #[serde(default, deserialize_with = "crate::http::present")]
    organisation: Option<String>,
    #[serde(default, deserialize_with = "crate::http::ids")]
    groups: Vec<i64>,
}

/// Creates a contact (201); 422 for bad fields or an address someone has.
pub async fn create(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, EDIT).await?;
    let body: NewContact = json_body(req).await?;
    let mut errors = Vec::new();
    let filled = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let email = filled(&body.email).and_then(|raw| {
        Email::parse(&raw).map_err(|_| errors.push(FieldError::new("email", Message::InvalidEmail))).ok()
    });
    let mobile = filled(&body.mobile).and_then(|raw| {
        Mobile::parse(&raw, caller.country_code)
            .map_err(|_| errors.push(FieldError::new("mobile", Message::InvalidMobile)))
            .ok()
    });
    let mut name = |field: &'static str, raw: &Option<String>| {
        filled(raw)
            .and_then(|raw| PersonName::parse(&raw).map_err(|e| errors.push(FieldError::new(field, e.message()))).ok())
    };
    let last_name = name("last_name", &body.last_name);
    let first_name = name("first_name", &body.first_name);
    let organisation = name("organisation", &body.organisation);
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors, caller.language));
    }
    let contact = Contact::new(email, mobile, last_name, first_name, organisation).map_err(|_| {
        ApiError::Invalid(vec![FieldError::new("email", Message::EmailOrMobileRequired)], caller.language)
    })?;
    let email = contact.email.as_ref().map(Email::as_str);
    let mobile = contact.mobile.as_ref().map(Mobile::as_str);
    if contacts::address_taken(db, caller.company, email, mobile).await? {
        let field = if email.is_some() { "email" } else { "mobile" };
        return Err(ApiError::Invalid(vec![FieldError::new(field, Message::AddressTaken)], caller.language));
    }
    let groups = activity_invitations::picked_groups(db, caller.company, &body.groups).await?;
    if groups.len() < body.groups.iter().collect::<std::collections::BTreeSet<_>>().len() {
        return Err(ApiError::Invalid(vec![FieldError::new("groups", Message::UnknownGroup)], caller.language));
    }
    let id = contacts::create(db, caller.company, caller.user_id(), &contact, &body.groups).await?;
    json(201, &contacts::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?)
}

/// One contact with its invitations.
pub async fn show(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, SEE).await?;
    let contact = contact(db, &caller, SEE, id).await?;
    let invitations = activity_invitations::of_person(db, caller.company, false, id).await?;
    let mut body = serde_json::to_value(&contact)?;
    body["invitations"] = invitations.iter().map(|i| views::person_invitation(i, &caller.time_zone)).collect();
    body["public_attempts"] = serde_json::to_value(
        public_links::attempts(db, caller.company, public_links::AttemptsOf::Contact(id), caller.sight()).await?,
    )?;
    json(200, &body)
}

/// Turns a contact into a user with status `created` (201): the body may
/// complete what the contact lacks (a last name, a user type …). Its
/// groups, invitations, messages and history follow.
pub async fn become_user(req: &mut Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, EDIT).await?;
    let contact = contact(db, &caller, EDIT, id).await?;
    let mut form: NewUserForm = json_body(req).await?;
    form.last_name = form.last_name.or(contact.last_name.clone());
    form.first_name = form.first_name.or(contact.first_name.clone());
    form.email = form.email.or(contact.email.clone());
    form.mobile = form.mobile.or(contact.mobile.clone());
    let user = form.parse(caller.form_context()).map_err(|errors| ApiError::Invalid(errors, caller.language))?;
    let created = users::create_unless_taken(db, caller.company, caller.user_id(), caller.licence_capacity, &user)
        .await?
        .map_err(|clashes| ApiError::Invalid(clashes, caller.language))?;
    let moves = contacts::become_user(db, caller.company, Selector::Id(id), created.id, None)?;
    db.batch(moves).await?;
    json(201, &created)
}
