//! Tags of a company (F2): named marks an administrator puts on users.

use roster_core::model::TagName;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::DbResult;
use super::users::Sight;
use super::{CompanyId, Db, audit, params};

/// A tag as the API shows it, with how many users carry it.
#[derive(Debug, Serialize, Deserialize)]
pub struct TagRow {
    /// The tag's id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// How many users carry it.
    pub users: i64,
}

const SELECT: &str = "SELECT t.id, t.name, \
    (SELECT count(*) FROM user_tags l WHERE l.company_id = t.company_id AND l.tag_id = t.id) AS users \
    FROM tags t WHERE t.company_id = ?";

/// Every tag of the company, by name, counting only the users in `sight`.
pub async fn list(db: &Db, company: CompanyId, sight: Sight) -> DbResult<Vec<TagRow>> {
    let mut counted = String::from("l.company_id = t.company_id AND l.tag_id = t.id");
    let mut binds = Vec::new();
    sight.narrow(company, "l.user_id", false, &mut counted, &mut binds);
    binds.push(company.to_js_value());
    db.all(
        &format!(
            "SELECT t.id, t.name, (SELECT count(*) FROM user_tags l WHERE {counted}) AS users \
             FROM tags t WHERE t.company_id = ? ORDER BY t.name_key"
        ),
        &binds,
    )
    .await
}

/// One tag of the company, or `None` (also for another company's tag).
pub async fn get(db: &Db, company: CompanyId, id: i64) -> DbResult<Option<TagRow>> {
    db.first(&format!("{SELECT} AND t.id = ?"), params![company, id]).await
}

/// Whether another tag of the company (not `except`) has this name's key.
pub async fn name_taken(db: &Db, company: CompanyId, name: &TagName, except: Option<i64>) -> DbResult<bool> {
    let row: Option<serde_json::Value> = db
        .first(
            "SELECT id FROM tags WHERE company_id = ? AND name_key = ? AND id IS NOT ?",
            params![company, name.unique_key(), except],
        )
        .await?;
    Ok(row.is_some())
}

/// Creates a tag.
///
/// # Errors
/// [`super::DbError::Unique`] when the name is taken (also by a racing request).
pub async fn create(db: &Db, company: CompanyId, actor: i64, name: &TagName) -> DbResult<Option<TagRow>> {
    let insert = db.statement(
        "INSERT INTO tags (company_id, name, name_key) VALUES (?, ?, ?) RETURNING id",
        params![company, name.as_str(), name.unique_key()],
    )?;
    let log = audit::entry(db, company, Some(actor), "tag.create", Some(name.as_str()), &json!({}))?;
    let results = db.batch(vec![insert, log]).await?;
    get(db, company, super::returned_id(&results)?).await
}

/// Renames a tag of the company. `Ok(false)` when the tag is not the company's.
///
/// # Errors
/// [`super::DbError::Unique`] when another tag has the new name, however
/// close the two requests came.
pub async fn rename(db: &Db, company: CompanyId, actor: i64, id: i64, name: &TagName) -> DbResult<bool> {
    if get(db, company, id).await?.is_none() {
        return Ok(false);
    }
    db.batch(vec![
        db.statement(
            "UPDATE tags SET name = ?, name_key = ? WHERE company_id = ? AND id = ?",
            params![name.as_str(), name.unique_key(), company, id],
        )?,
        audit::entry(db, company, Some(actor), "tag.rename", Some(&id.to_string()), &json!({ "name": name.as_str() }))?,
    ])
    .await?;
    Ok(true)
}

/// Deletes a tag of the company and takes it off every user. `false` when
/// the tag is not the company's.
pub async fn delete(db: &Db, company: CompanyId, actor: i64, id: i64) -> DbResult<bool> {
    let Some(tag) = get(db, company, id).await? else {
        return Ok(false);
    };
    db.batch(vec![
        db.statement("DELETE FROM user_tags WHERE company_id = ? AND tag_id = ?", params![company, id])?,
        db.statement("DELETE FROM tags WHERE company_id = ? AND id = ?", params![company, id])?,
        audit::entry(db, company, Some(actor), "tag.delete", Some(&tag.name), &json!({ "users": tag.users }))?,
    ])
    .await?;
    Ok(true)
}

/// A tag on one user, as the user's page shows it.
#[derive(Debug, Serialize, Deserialize)]
pub struct UserTag {
    /// The tag's id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// The tags a user of the company carries, by name.
pub async fn of_user(db: &Db, company: CompanyId, user: i64) -> DbResult<Vec<UserTag>> {
    db.all(
        "SELECT t.id, t.name FROM user_tags l JOIN tags t ON t.id = l.tag_id AND t.company_id = l.company_id \
         WHERE l.company_id = ? AND l.user_id = ? ORDER BY t.name_key",
        params![company, user],
    )
    .await
}

/// Puts a tag on a user (`on`) or takes it off; doing it twice changes
/// nothing. `false` when the user or the tag is not the company's.
pub async fn set_on_user(db: &Db, company: CompanyId, actor: i64, user: i64, tag: i64, on: bool) -> DbResult<bool> {
    let both: Option<serde_json::Value> = db
        .first(
            "SELECT t.id FROM tags t JOIN users u ON u.company_id = t.company_id AND u.id = ? \
             WHERE t.company_id = ? AND t.id = ?",
            params![user, company, tag],
        )
        .await?;
    if both.is_none() {
        return Ok(false);
    }
    let change = if on {
        db.statement(
            "INSERT OR IGNORE INTO user_tags (company_id, tag_id, user_id) VALUES (?, ?, ?)",
            params![company, tag, user],
        )?
    } else {
        db.statement(
            "DELETE FROM user_tags WHERE company_id = ? AND tag_id = ? AND user_id = ?",
            params![company, tag, user],
        )?
    };
    let action = if on { "user.tag" } else { "user.untag" };
    db.batch(vec![
        change,
        audit::entry(db, company, Some(actor), action, Some(&user.to_string()), &json!({ "tag": tag }))?,
    ])
    .await?;
    Ok(true)
}
