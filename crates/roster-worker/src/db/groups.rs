//! Groups of a company (A4, G1).

use roster_core::membership::{MembershipChange, Pair};
use roster_core::model::GroupName;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::DbResult;
use super::{CompanyId, Db, audit, params};
use crate::platform;

/// A group as the API shows it, with its member counts.
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
}

const SELECT: &str = "SELECT g.id, g.name, g.archived_at IS NOT NULL AS archived, g.created_at, \
    (SELECT count(*) FROM group_users m WHERE m.company_id = g.company_id AND m.group_id = g.id) AS users, \
    (SELECT count(*) FROM group_contacts c WHERE c.company_id = g.company_id AND c.group_id = g.id) AS contacts \
    FROM groups g WHERE g.company_id = ?";

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

/// True when every one of `ids` is a group of the company inside
/// `within_perimeter_of`'s perimeter, when given.
pub async fn all_within(db: &Db, company: CompanyId, ids: &[i64], within_perimeter_of: Option<i64>) -> DbResult<bool> {
    let narrow = match within_perimeter_of {
        Some(viewer) => {
            (" AND id IN (SELECT group_id FROM user_allowed_groups WHERE user_id = ?)", params![viewer].to_vec())
        }
        None => ("", Vec::new()),
    };
    super::all_found(db, company, "groups", ids, narrow).await
}

/// The names of the company's groups `ids`, by name.
pub async fn names(db: &Db, company: CompanyId, ids: &[i64]) -> DbResult<Vec<String>> {
    #[derive(Deserialize)]
    struct Named {
        name: String,
    }
    let rows: Vec<Named> = db
        .all(
            "SELECT name FROM groups WHERE company_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY name_key",
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
    if get(db, company, id).await?.is_none() {
        return Ok(false);
    }
    if !statements.is_empty() {
        db.batch(statements).await?;
    }
    Ok(true)
}

/// Deletes a group of the company; its members stay in the directory.
/// `false` when the group is not the company's.
pub async fn delete(db: &Db, company: CompanyId, actor: i64, id: i64) -> DbResult<bool> {
    let Some(group) = get(db, company, id).await? else {
        return Ok(false);
    };
    db.batch(vec![
        db.statement("DELETE FROM group_users WHERE company_id = ? AND group_id = ?", params![company, id])?,
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

/// The company's groups that are not archived, by name, without counting
/// their members: the matrix's columns, asked for on every page.
pub async fn open(db: &Db, company: CompanyId, within_perimeter_of: Option<i64>) -> DbResult<Vec<GroupColumn>> {
    let select = "SELECT g.id, g.name FROM groups g WHERE g.company_id = ? AND g.archived_at IS NULL";
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
/// Users must be the company's and not deleted, groups the company's and
/// not archived.
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
            "SELECT count(*) AS n, sum(archived_at IS NOT NULL) AS archived FROM groups WHERE company_id = ? \
             AND id IN (SELECT value FROM json_each(?))",
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
