//! Groups of a company (A4, G1).

use roster_core::membership::{MembershipChange, Pair};
use roster_core::model::GroupName;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::DbResult;
use super::{CompanyId, Db, audit, params};
use crate::platform;

/// A group as the API shows it, with its member counts: those of the
/// company asking, never another company's.
#[derive(Debug, Serialize, Deserialize)]
pub struct GroupRow {
    /// The group's id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Whether it is archived.
    #[serde(deserialize_with = "super::flag")]
    pub archived: bool,
    /// How many users belong to it.
    pub users: i64,
    /// How many contacts belong to it.
    pub contacts: i64,
    /// When it was created.
    pub created_at: String,
    /// For a group another company shares with this one (J6): that
    /// company's name. Only its owner renames, archives or deletes it.
    #[serde(default)]
    pub shared_by: Option<String>,
    /// For the company's own group: the partner companies it is shared
    /// with, and how many members they put in it (counted, never listed).
    #[serde(default, deserialize_with = "partners")]
    pub partners: Vec<Partner>,
}

/// A partner company a group is shared with.
#[derive(Debug, Serialize, Deserialize)]
pub struct Partner {
    /// The company's id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// How many of its users are members.
    pub users: i64,
}

/// Reads the partners column (JSON text of a list, or null).
fn partners<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Partner>, D::Error> {
    let text: Option<String> = Deserialize::deserialize(d)?;
    text.map_or(Ok(Vec::new()), |t| serde_json::from_str(&t).map_err(serde::de::Error::custom))
}

/// The groups company `?1` sees: its own, and those shared with it.
macro_rules! visible {
    () => {
        "(g.company_id = ?1 OR g.id IN (SELECT group_id FROM group_partners WHERE company_id = ?1))"
    };
}
const VISIBLE: &str = visible!();

/// Groups with the counts of company `?1`, among those it sees; further
/// conditions bind `?2` on.
const SELECT: &str = concat!(
    "SELECT g.id, g.name, g.archived_at IS NOT NULL AS archived, g.created_at, \
    (SELECT count(*) FROM group_users m WHERE m.company_id = ?1 AND m.group_id = g.id) AS users, \
    (SELECT count(*) FROM group_contacts c WHERE c.company_id = ?1 AND c.group_id = g.id) AS contacts, \
    (SELECT name FROM companies o WHERE o.id = g.company_id AND g.company_id <> ?1) AS shared_by, \
    (SELECT json_group_array(json_object('id', p.id, 'name', p.name, 'users', \
        (SELECT count(*) FROM group_users pm WHERE pm.company_id = p.id AND pm.group_id = g.id))) \
     FROM group_partners gp JOIN companies p ON p.id = gp.company_id \
     WHERE gp.group_id = g.id AND g.company_id = ?1) AS partners \
    FROM groups g WHERE ",
    visible!()
);

/// Every group of the company, by name.
/// Only the groups of `within_perimeter_of`'s perimeter, when given.
pub async fn list(db: &Db, company: CompanyId, within_perimeter_of: Option<i64>) -> DbResult<Vec<GroupRow>> {
    match within_perimeter_of {
        None => db.all(&format!("{SELECT} ORDER BY g.name_key"), params![company]).await,
        Some(viewer) => db.all(&format!("{SELECT}{IN_PERIMETER} ORDER BY g.name_key"), params![company, viewer]).await,
    }
}

/// Narrows a query on `groups g` to a user's allowed groups; binds the user.
const IN_PERIMETER: &str = " AND g.id IN (SELECT group_id FROM user_allowed_groups WHERE user_id = ?)";

/// True when every one of `ids` is a group the company sees (its own or
/// shared with it) inside `within_perimeter_of`'s perimeter, when given.
pub async fn all_within(db: &Db, company: CompanyId, ids: &[i64], within_perimeter_of: Option<i64>) -> DbResult<bool> {
    #[derive(Deserialize)]
    struct Count {
        n: usize,
    }
    let distinct: std::collections::BTreeSet<_> = ids.iter().collect();
    let mut sql =
        format!("SELECT count(*) AS n FROM groups g WHERE {VISIBLE} AND g.id IN (SELECT value FROM json_each(?2))");
    let mut binds = params![company, json!(distinct).to_string()].to_vec();
    if let Some(viewer) = within_perimeter_of {
        sql.push_str(IN_PERIMETER);
        binds.push(super::Param::to_js(&viewer));
    }
    let found: Option<Count> = db.first(&sql, &binds).await?;
    Ok(found.is_some_and(|c| c.n == distinct.len()))
}

/// The names of the groups `ids` the company sees, by name.
pub async fn names(db: &Db, company: CompanyId, ids: &[i64]) -> DbResult<Vec<String>> {
    #[derive(Deserialize)]
    struct Named {
        name: String,
    }
    let rows: Vec<Named> = db
        .all(
            &format!("SELECT g.name FROM groups g WHERE {VISIBLE} AND g.id IN (SELECT value FROM json_each(?2)) ORDER BY g.name_key"),
            params![company, serde_json::to_string(ids).unwrap_or_default()],
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.name).collect())
}

/// One group of the company inside `within_perimeter_of`'s perimeter, when given.
pub async fn get_within(
    db: &Db,
    company: CompanyId,
    id: i64,
    within_perimeter_of: Option<i64>,
) -> DbResult<Option<GroupRow>> {
    match within_perimeter_of {
        None => get(db, company, id).await,
        Some(viewer) => db.first(&format!("{SELECT} AND g.id = ?{IN_PERIMETER}"), params![company, id, viewer]).await,
    }
}

/// One group of the company, or `None` (also for another company's group).
pub async fn get(db: &Db, company: CompanyId, id: i64) -> DbResult<Option<GroupRow>> {
    db.first(&format!("{SELECT} AND g.id = ?"), params![company, id]).await
}

/// One of the company's own groups (not one shared with it), or `None`.
pub async fn get_owned(db: &Db, company: CompanyId, id: i64) -> DbResult<Option<GroupRow>> {
    db.first(&format!("{SELECT} AND g.id = ? AND g.company_id = ?1"), params![company, id]).await
}

/// Whether another group of the company (not `except`) has this name's key.
pub async fn name_taken(db: &Db, company: CompanyId, name: &GroupName, except: Option<i64>) -> DbResult<bool> {
    let row: Option<serde_json::Value> = db
        .first(
            "SELECT id FROM groups WHERE company_id = ? AND name_key = ? AND id IS NOT ?",
            params![company, name.unique_key(), except],
        )
        .await?;
    Ok(row.is_some())
}

/// Creates a group.
///
/// # Errors
/// [`super::DbError::Unique`] when the name is taken (also by a racing request).
pub async fn create(db: &Db, company: CompanyId, actor: i64, name: &GroupName) -> DbResult<Option<GroupRow>> {
    let insert = db.statement(
        "INSERT INTO groups (company_id, name, name_key, created_at) VALUES (?, ?, ?, ?) RETURNING id",
        params![company, name.as_str(), name.unique_key(), platform::now().to_string()],
    )?;
    let log = audit::entry(db, company, Some(actor), "group.create", Some(name.as_str()), &json!({}))?;
    let results = db.batch(vec![insert, log]).await?;
    get(db, company, super::returned_id(&results)?).await
}

/// What to change on a group.
pub struct GroupChange {
    /// A new name.
    pub name: Option<GroupName>,
    /// Archive (`true`) or unarchive (`false`).
    pub archived: Option<bool>,
}

/// Applies `change` to a group of the company. `Ok(false)` when the group is
/// not the company's.
///
/// # Errors
/// [`super::DbError::Unique`] when another group has the new name, however
/// close the two requests came.
pub async fn update(db: &Db, company: CompanyId, actor: i64, id: i64, change: &GroupChange) -> DbResult<bool> {
    let now = platform::now().to_string();
    let mut statements = Vec::new();
    if let Some(name) = &change.name {
        statements.push(db.statement(
            "UPDATE groups SET name = ?, name_key = ? WHERE company_id = ? AND id = ?",
            params![name.as_str(), name.unique_key(), company, id],
        )?);
        statements.push(audit::entry(
            db,
            company,
            Some(actor),
            "group.rename",
            Some(&id.to_string()),
            &json!({ "name": name.as_str() }),
        )?);
    }
    if let Some(archived) = change.archived {
        statements.push(db.statement(
            "UPDATE groups SET archived_at = CASE WHEN ? THEN coalesce(archived_at, ?) END WHERE company_id = ? AND id = ?",
            params![archived, now, company, id],
        )?);
        let action = if archived { "group.archive" } else { "group.unarchive" };
        statements.push(audit::entry(db, company, Some(actor), action, Some(&id.to_string()), &json!({}))?);
    }
    if get_owned(db, company, id).await?.is_none() {
        return Ok(false);
    }
    if !statements.is_empty() {
        db.batch(statements).await?;
    }
    Ok(true)
}

/// Deletes a group of the company; its members, and partners' members of
/// a shared one, stay in their directories. `false` when the group is not
/// the company's own.
pub async fn delete(db: &Db, company: CompanyId, actor: i64, id: i64) -> DbResult<bool> {
    let Some(group) = get_owned(db, company, id).await? else {
        return Ok(false);
    };
    db.batch(vec![
        db.statement("DELETE FROM group_users WHERE group_id = ?", params![id])?,
        db.statement("DELETE FROM group_partners WHERE owner_id = ? AND group_id = ?", params![company, id])?,
        db.statement("DELETE FROM group_contacts WHERE company_id = ? AND group_id = ?", params![company, id])?,
        db.statement("DELETE FROM groups WHERE company_id = ? AND id = ?", params![company, id])?,
        audit::entry(db, company, Some(actor), "group.delete", Some(&group.name), &json!({ "users": group.users }))?,
    ])
    .await?;
    Ok(true)
}

/// A group by id and name.
#[derive(Debug, Serialize, Deserialize)]
pub struct GroupColumn {
    /// The group's id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// The groups the company sees (its own and those shared with it) that
/// are not archived, by name, without counting their members: the
/// matrix's columns, asked for on every page.
pub async fn open(db: &Db, company: CompanyId, within_perimeter_of: Option<i64>) -> DbResult<Vec<GroupColumn>> {
    let select = format!("SELECT g.id, g.name FROM groups g WHERE {VISIBLE} AND g.archived_at IS NULL");
    match within_perimeter_of {
        None => db.all(&format!("{select} ORDER BY g.name_key"), params![company]).await,
        Some(viewer) => db.all(&format!("{select}{IN_PERIMETER} ORDER BY g.name_key"), params![company, viewer]).await,
    }
}

/// One membership: a user in a group.
#[derive(Debug, Deserialize)]
pub struct Member {
    /// The user.
    pub user_id: i64,
    /// The group.
    pub group_id: i64,
}

/// The memberships of some users of the company.
pub async fn memberships_of(db: &Db, company: CompanyId, users: &[i64]) -> DbResult<Vec<Member>> {
    db.all(
        "SELECT user_id, group_id FROM group_users WHERE company_id = ? \
         AND user_id IN (SELECT value FROM json_each(?))",
        params![company, json!(users).to_string()],
    )
    .await
}

/// What became of a membership change.
#[derive(Debug, PartialEq, Eq)]
pub enum MembershipOutcome {
    /// Saved, all of it: how many memberships were made and taken off
    /// (pairs already as asked change nothing).
    Saved {
        /// Memberships made.
        added: usize,
        /// Memberships taken off.
        removed: usize,
    },
    /// A user or group that is not the company's (or a deleted user).
    Unknown,
    /// A group that is archived: its members are not changed.
    Archived,
}

/// Pairs as the JSON text statements read: `[[user, group], …]`.
fn pairs_json(pairs: &[Pair]) -> String {
    json!(pairs.iter().map(|p| [p.user, p.group]).collect::<Vec<_>>()).to_string()
}

/// Saves a membership change as one transaction: every pair or none.
/// Users must be the company's and not deleted, groups the company's (or
/// shared with it: it then places its own users only) and not archived.
pub async fn change_memberships(
    db: &Db,
    company: CompanyId,
    actor: i64,
    change: &MembershipChange,
) -> DbResult<MembershipOutcome> {
    #[derive(Deserialize)]
    struct Found {
        n: usize,
        archived: Option<i64>,
    }
    let users = json!(change.users()).to_string();
    let known: Option<Found> = db
        .first(
            "SELECT count(*) AS n, NULL AS archived FROM users WHERE company_id = ? AND status != 'deleted' \
             AND id IN (SELECT value FROM json_each(?))",
            params![company, users],
        )
        .await?;
    let groups = change.groups();
    let found: Option<Found> = db
        .first(
            &format!(
                "SELECT count(*) AS n, sum(g.archived_at IS NOT NULL) AS archived FROM groups g WHERE {VISIBLE} \
                 AND g.id IN (SELECT value FROM json_each(?2))"
            ),
            params![company, json!(groups).to_string()],
        )
        .await?;
    let (Some(known), Some(found)) = (known, found) else {
        return Ok(MembershipOutcome::Unknown);
    };
    if known.n != change.users().len() || found.n != groups.len() {
        return Ok(MembershipOutcome::Unknown);
    }
    if found.archived.unwrap_or(0) > 0 {
        return Ok(MembershipOutcome::Archived);
    }
    let now = platform::now().to_string();
    let results = db
        .batch(vec![
            db.statement(
                "INSERT OR IGNORE INTO group_users (company_id, group_id, user_id, added_at) \
                 SELECT ?, json_extract(value, '$[1]'), json_extract(value, '$[0]'), ? FROM json_each(?)",
                params![company, now, pairs_json(&change.add)],
            )?,
            db.statement(
                "DELETE FROM group_users WHERE company_id = ? AND (user_id, group_id) IN \
                 (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))",
                params![company, pairs_json(&change.remove)],
            )?,
            audit::entry(
                db,
                company,
                Some(actor),
                "group.memberships",
                None,
                &json!({
                    "added": change.add.len(),
                    "removed": change.remove.len(),
                    "groups": groups,
                }),
            )?,
        ])
        .await?;
    Ok(MembershipOutcome::Saved { added: super::changed(&results, 0), removed: super::changed(&results, 1) })
}

/// Archives or unarchives groups of the company at once; ids of other
/// companies are left alone. How many groups changed.
pub async fn set_archived(db: &Db, company: CompanyId, actor: i64, ids: &[i64], archived: bool) -> DbResult<usize> {
    let now = platform::now().to_string();
    let action = if archived { "group.archive" } else { "group.unarchive" };
    let results = db
        .batch(vec![
            db.statement(
                "UPDATE groups SET archived_at = CASE WHEN ?1 THEN ?2 END WHERE company_id = ?3 \
                 AND id IN (SELECT value FROM json_each(?4)) AND (archived_at IS NOT NULL) != ?1",
                params![archived, now, company, json!(ids).to_string()],
            )?,
            audit::entry(db, company, Some(actor), action, None, &json!({ "groups": ids }))?,
        ])
        .await?;
    Ok(super::changed(&results, 0))
}

/// The code the company gives partners who want to share a group with it
/// (J6), made the first time it is asked for from `fresh`.
pub async fn partner_code(db: &Db, company: CompanyId, fresh: &str) -> DbResult<String> {
    #[derive(Deserialize)]
    struct Code {
        code: String,
    }
    db.batch(vec![
        db.statement("INSERT OR IGNORE INTO partner_codes (company_id, code) VALUES (?, ?)", params![company, fresh])?,
    ])
    .await?;
    let row: Option<Code> = db.first("SELECT code FROM partner_codes WHERE company_id = ?", params![company]).await?;
    Ok(row.map(|r| r.code).unwrap_or_default())
}

/// What became of sharing a group.
#[derive(Debug, PartialEq, Eq)]
pub enum Shared {
    /// Shared (or already shared) with this company: its id and name.
    With(i64, String),
    /// No company has this code.
    UnknownCode,
    /// The code is the company's own.
    OwnCode,
}

/// Shares the company's group `id` with the company whose partner code is
/// `code`, recorded in the audit log. The caller checked the group is the
/// company's own.
pub async fn share(db: &Db, company: CompanyId, actor: i64, id: i64, code: &str) -> DbResult<Shared> {
    #[derive(Deserialize)]
    struct Found {
        id: i64,
        name: String,
    }
    let partner: Option<Found> = db
        .first(
            "SELECT c.id, c.name FROM partner_codes p JOIN companies c ON c.id = p.company_id WHERE p.code = ?",
            params![code],
        )
        .await?;
    let Some(partner) = partner else { return Ok(Shared::UnknownCode) };
    if partner.id == company.get() {
        return Ok(Shared::OwnCode);
    }
    db.batch(vec![
        db.statement(
            "INSERT OR IGNORE INTO group_partners (group_id, company_id, owner_id, shared_at) \
             SELECT id, ?, company_id, ? FROM groups WHERE company_id = ? AND id = ?",
            params![partner.id, platform::now().to_string(), company, id],
        )?,
        audit::entry(
            db,
            company,
            Some(actor),
            "group.share",
            Some(&id.to_string()),
            &json!({ "partner": partner.id }),
        )?,
    ])
    .await?;
    Ok(Shared::With(partner.id, partner.name))
}

/// Stops sharing the company's group `id` with `partner`: the partner's
/// members leave it, in the same transaction. False when it was not shared.
pub async fn unshare(db: &Db, company: CompanyId, actor: i64, id: i64, partner: i64) -> DbResult<bool> {
    let results = db
        .batch(vec![
            db.statement(
                "DELETE FROM group_partners WHERE owner_id = ? AND group_id = ? AND company_id = ?",
                params![company, id, partner],
            )?,
            db.statement(
                "DELETE FROM group_users WHERE company_id = ?1 AND group_id = ?2 \
                 AND NOT EXISTS (SELECT 1 FROM group_partners WHERE group_id = ?2 AND company_id = ?1)",
                params![partner, id],
            )?,
            audit::entry(
                db,
                company,
                Some(actor),
                "group.unshare",
                Some(&id.to_string()),
                &json!({ "partner": partner }),
            )?,
        ])
        .await?;
    Ok(super::changed(&results, 0) > 0)
}
