//! Contacts (A3): people reached by e-mail or mobile without an account.
//! A contact that becomes a user is kept (with `user_id` set) and leaves
//! the list; its groups, invitations, messages, public attempts and history
//! follow the user.

use roster_core::directory::{Cursor, Sort, UserQuery};
use roster_core::form::{search_text, sort_key};
use roster_core::model::Contact;
use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::D1PreparedStatement;

use super::users::Bounds;
use super::{CompanyId, Db, DbResult, audit, params};
use crate::platform;

/// A contact as the API shows it.
#[derive(Debug, Serialize, Deserialize)]
pub struct ContactRow {
    /// Its id.
    pub id: i64,
    /// Last name, if known.
    pub last_name: Option<String>,
    /// First name, if known.
    pub first_name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Mobile number (E.164).
    pub mobile: Option<String>,
    /// The organisation they gave.
    pub organisation: Option<String>,
    /// When last invited.
    pub invited_at: Option<String>,
    /// When their last message came back.
    pub bounced_at: Option<String>,
    /// When created.
    pub created_at: String,
    /// Directory order; for cursors.
    #[serde(skip_serializing)]
    pub sort_key: String,
}

const COLUMNS: &str =
    "id, last_name, first_name, email, mobile, organisation, invited_at, bounced_at, created_at, sort_key";

/// Narrows a query on `contacts` to those inside a user's perimeter (H5): those in their
/// allowed groups. Binds the user's id, then the company's.
const PERIMETER_CONTACTS: &str = " AND id IN (SELECT m.contact_id FROM user_allowed_groups a \
    JOIN group_contacts m ON m.group_id = a.group_id WHERE a.user_id = ? AND m.company_id = ?)";

/// True when every one of `ids` is a contact of the company inside the
/// perimeter `bounds` names, if any.
pub async fn all_within(db: &Db, company: CompanyId, ids: &[i64], bounds: Bounds) -> DbResult<bool> {
    let narrow = match bounds.within_perimeter_of {
        Some(viewer) => (PERIMETER_CONTACTS, params![viewer, company].to_vec()),
        None => ("", Vec::new()),
    };
    super::all_found(db, company, "contacts", ids, narrow).await
}

/// One page of the company's contacts in directory order, with one extra
/// row when there is a next page. Searched as users are, word by word; filtered by group.
pub async fn page(db: &Db, company: CompanyId, query: &UserQuery) -> DbResult<Vec<ContactRow>> {
    let mut sql = format!("SELECT {COLUMNS} FROM contacts WHERE company_id = ? AND user_id IS NULL");
    let mut binds = vec![company.to_js_value()];
    if let Some(group) = query.group {
        sql.push_str(" AND id IN (SELECT contact_id FROM group_contacts WHERE company_id = ? AND group_id = ?)");
        binds.push(company.to_js_value());
        binds.push(super::Param::to_js(&group));
    }
    if let Some(viewer) = query.within_perimeter_of {
        sql.push_str(PERIMETER_CONTACTS);
        binds.extend(params![viewer, company].to_vec());
    }
    if let Some(after) = &query.after {
        sql.push_str(" AND (sort_key, id) > (?, ?)");
        binds.push(after.sort_key.as_str().into());
        binds.push(super::Param::to_js(&after.id));
    }
    // Contacts are few next to users: plain substring tests, in order.
    for word in &query.search {
        sql.push_str(" AND instr(search_text, ?) > 0");
        binds.push(word.as_str().into());
    }
    sql.push_str(" ORDER BY sort_key, id LIMIT ?");
    binds.push(super::Param::to_js(&(query.limit + 1)));
    db.all(&sql, &binds).await
}

impl ContactRow {
    /// The position just after this contact.
    pub fn cursor(&self) -> Cursor {
        Sort::Name.cursor(&self.sort_key, &self.created_at, None, self.id)
    }
}

/// One contact of the company (not one that became a user).
pub async fn get(db: &Db, company: CompanyId, id: i64) -> DbResult<Option<ContactRow>> {
    db.first(
        &format!("SELECT {COLUMNS} FROM contacts WHERE company_id = ? AND id = ? AND user_id IS NULL"),
        params![company, id],
    )
    .await
}

/// Whether a user or a contact of the company already has one of these addresses.
pub async fn address_taken(db: &Db, company: CompanyId, email: Option<&str>, mobile: Option<&str>) -> DbResult<bool> {
    let row: Option<serde_json::Value> = db
        .first(
            "SELECT 1 AS taken FROM users WHERE company_id = ? AND (email = ? OR mobile = ?) \
             UNION ALL SELECT 1 FROM contacts WHERE company_id = ? AND user_id IS NULL AND (email = ? OR mobile = ?) LIMIT 1",
            params![company, email, mobile, company, email, mobile],
        )
        .await?;
    Ok(row.is_some())
}

/// Creates a contact, member of `groups` (ids of the company).
pub async fn create(db: &Db, company: CompanyId, actor: i64, contact: &Contact, groups: &[i64]) -> DbResult<i64> {
    let name = |n: &Option<roster_core::model::PersonName>| n.as_ref().map(|n| n.as_str().to_owned());
    let (last, first) = (name(&contact.last_name), name(&contact.first_name));
    let email = contact.email.as_ref().map(|e| e.as_str().to_owned());
    let mobile = contact.mobile.as_ref().map(|m| m.as_str().to_owned());
    let now = platform::now();
    let key = sort_key(last.as_deref().unwrap_or_default(), first.as_deref().unwrap_or_default());
    let search = search_text([last.as_deref(), first.as_deref(), email.as_deref(), mobile.as_deref()]);
    let mut statements = vec![db.statement(
        "INSERT INTO contacts (company_id, last_name, first_name, email, mobile, organisation, created_at, sort_key, \
         search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![company, last, first, email.clone(), mobile.clone(), name(&contact.organisation), now, key, search],
    )?];
    if !groups.is_empty() {
        statements.push(db.statement(
            "INSERT OR IGNORE INTO group_contacts (company_id, group_id, contact_id, added_at) \
             SELECT ?, g.id, (SELECT max(id) FROM contacts WHERE company_id = ?), ? FROM groups g \
             WHERE g.company_id = ? AND g.id IN (SELECT value FROM json_each(?))",
            params![company, company, now, company, serde_json::to_string(groups)?],
        )?);
    }
    let subject = email.or(mobile);
    statements.push(audit::entry(db, company, Some(actor), "contact.create", subject.as_deref(), &json!({}))?);
    let results = db.batch(statements).await?;
    super::returned_id(&results)
}

/// Which contacts become a user.
#[derive(Clone, Copy)]
pub enum Selector<'a> {
    /// The one with this id.
    Id(i64),
    /// Those at this address (e-mail or mobile).
    Address(&'a str),
}

/// The statements that turn contacts into the user `user_id`: groups,
/// invitations, messages and history move to the user. With a `guard`
/// (an SQL condition and its parameter), nothing moves unless it holds
/// when the batch runs.
pub fn become_user(
    db: &Db,
    company: CompanyId,
    which: Selector<'_>,
    user_id: i64,
    guard: Option<(&str, &str)>,
) -> DbResult<Vec<D1PreparedStatement>> {
    let (condition, guard_value) = guard.map_or(("1", None), |(sql, value)| (sql, Some(value)));
    let (filter, key) = match which {
        Selector::Id(id) => ("id = ?", super::Param::to_js(&id)),
        Selector::Address(address) => ("(email = ? OR mobile = ?)", wasm_bindgen::JsValue::from_str(address)),
    };
    let chosen =
        format!("(SELECT id FROM contacts WHERE company_id = ? AND user_id IS NULL AND {filter}) AND {condition}");
    let binds_for = |leading: Vec<wasm_bindgen::JsValue>| {
        let mut binds = leading;
        binds.push(company.to_js_value());
        binds.push(key.clone());
        if matches!(which, Selector::Address(_)) {
            binds.push(key.clone());
        }
        if let Some(value) = guard_value {
            binds.push(value.into());
        }
        binds
    };
    let user = super::Param::to_js(&user_id);
    let now = platform::now().to_string();
    let sql = [
        format!(
            "INSERT OR IGNORE INTO group_users (company_id, group_id, user_id, added_at) \
             SELECT company_id, group_id, ?, ? FROM group_contacts WHERE company_id = ? AND contact_id IN {chosen}"
        ),
        format!(
            "UPDATE OR IGNORE activity_invitees SET user_id = ?, contact_id = NULL WHERE company_id = ? AND contact_id IN {chosen}"
        ),
        format!(
            "UPDATE activity_events SET user_id = ?, contact_id = NULL WHERE company_id = ? AND contact_id IN {chosen}"
        ),
        format!("UPDATE outbox SET user_id = ?, contact_id = NULL WHERE company_id = ? AND contact_id IN {chosen}"),
        format!(
            "UPDATE public_attempts SET user_id = ?, contact_id = NULL WHERE company_id = ? AND contact_id IN {chosen}"
        ),
        format!("DELETE FROM group_contacts WHERE company_id = ? AND contact_id IN {chosen}"),
        format!("UPDATE contacts SET user_id = ? WHERE company_id = ? AND id IN {chosen}"),
    ];
    let leading: [Vec<wasm_bindgen::JsValue>; 7] = [
        vec![user.clone(), now.into(), company.to_js_value()],
        vec![user.clone(), company.to_js_value()],
        vec![user.clone(), company.to_js_value()],
        vec![user.clone(), company.to_js_value()],
        vec![user.clone(), company.to_js_value()],
        vec![company.to_js_value()],
        vec![user, company.to_js_value()],
    ];
    sql.iter().zip(leading).map(|(sql, leading)| db.statement(sql, &binds_for(leading))).collect()
}
