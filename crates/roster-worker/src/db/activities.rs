//! Activities and their thematic bases (A6): kept light, since Roster
//! administers who is invited, not what is played.

use roster_core::model::{ActivityType, Title};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{CompanyId, Db, DbResult, audit, params};
use crate::platform;

/// An activity as the API shows it.
#[derive(Debug, Serialize, Deserialize)]
pub struct ActivityRow {
    /// Its id.
    pub id: i64,
    /// Its type code.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its title.
    pub title: String,
    /// Its thematic base's id.
    pub base_id: i64,
    /// Its thematic base's name.
    pub base: String,
    /// Whether it is archived.
    #[serde(deserialize_with = "super::flag")]
    pub archived: bool,
    /// People invited to it.
    pub invited: i64,
    /// When it was created.
    pub created_at: String,
}

impl ActivityRow {
    /// The activity's type.
    pub fn kind(&self) -> ActivityType {
        ActivityType::parse(&self.kind).unwrap_or(ActivityType::Questionnaire)
    }
}

const SELECT: &str = "SELECT a.id, a.type, a.title, a.base_id, b.name AS base, \
    a.archived_at IS NOT NULL AS archived, a.created_at, \
    (SELECT count(*) FROM activity_invitees i WHERE i.activity_id = a.id AND i.invitation_id IS NOT NULL) AS invited \
    FROM activities a JOIN thematic_bases b ON b.id = a.base_id AND b.company_id = a.company_id \
    WHERE a.company_id = ?";

/// The company's activities, newest first; archived ones only when asked.
/// Only those in the bases of `within_bases_of`'s perimeter, when given.
pub async fn list(
    db: &Db,
    company: CompanyId,
    archived: bool,
    within_bases_of: Option<i64>,
) -> DbResult<Vec<ActivityRow>> {
    let mut filter = String::from(if archived { "" } else { " AND a.archived_at IS NULL" });
    let mut binds = params![company].to_vec();
    if let Some(viewer) = within_bases_of {
        filter.push_str(" AND a.base_id IN (SELECT base_id FROM user_allowed_bases WHERE user_id = ?)");
        binds.push(super::Param::to_js(&viewer));
    }
    db.all(&format!("{SELECT}{filter} ORDER BY a.created_at DESC, a.id DESC LIMIT 1000"), &binds).await
}

/// The id of the company's base named `name`, if any.
pub async fn base_named(db: &Db, company: CompanyId, name: &Title) -> DbResult<Option<i64>> {
    #[derive(Deserialize)]
    struct Base {
        id: i64,
    }
    let row: Option<Base> = db
        .first(
            "SELECT id FROM thematic_bases WHERE company_id = ? AND name_key = ?",
            params![company, name.unique_key()],
        )
        .await?;
    Ok(row.map(|b| b.id))
}

/// One activity of the company.
pub async fn get(db: &Db, company: CompanyId, id: i64) -> DbResult<Option<ActivityRow>> {
    db.first(&format!("{SELECT} AND a.id = ?"), params![company, id]).await
}

/// A thematic base with its activity count.
#[derive(Debug, Serialize, Deserialize)]
pub struct BaseRow {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its activities.
    pub activities: i64,
}

/// The company's thematic bases, by name: only those of
/// `within_perimeter_of`'s perimeter, when given.
pub async fn bases(db: &Db, company: CompanyId, within_perimeter_of: Option<i64>) -> DbResult<Vec<BaseRow>> {
    let mut sql = String::from(
        "SELECT b.id, b.name, (SELECT count(*) FROM activities a WHERE a.company_id = b.company_id AND a.base_id = b.id) \
         AS activities FROM thematic_bases b WHERE b.company_id = ?",
    );
    let mut binds = params![company].to_vec();
    if let Some(viewer) = within_perimeter_of {
        sql.push_str(" AND b.id IN (SELECT base_id FROM user_allowed_bases WHERE user_id = ?)");
        binds.push(super::Param::to_js(&viewer));
    }
    sql.push_str(" ORDER BY b.name_key");
    db.all(&sql, &binds).await
}

/// Creates an activity in the base named `base`, which is created when the
/// company has none of that name.
pub async fn create(
    db: &Db,
    company: CompanyId,
    actor: i64,
    kind: ActivityType,
    title: &Title,
    base: &Title,
) -> DbResult<Option<ActivityRow>> {
    let now = platform::now();
    let statements = vec![
        db.statement(
            "INSERT INTO thematic_bases (company_id, name, name_key) VALUES (?, ?, ?) \
             ON CONFLICT (company_id, name_key) DO NOTHING",
            params![company, base.as_str(), base.unique_key()],
        )?,
        db.statement(
            "INSERT INTO activities (company_id, base_id, type, title, created_by, created_at) \
             SELECT ?, id, ?, ?, ?, ? FROM thematic_bases WHERE company_id = ? AND name_key = ? RETURNING id",
            params![company, kind.code(), title.as_str(), actor, now, company, base.unique_key()],
        )?,
        audit::entry(
            db,
            company,
            Some(actor),
            "activity.create",
            Some(title.as_str()),
            &json!({ "type": kind.code(), "base": base.as_str() }),
        )?,
    ];
    let results = db.batch(statements).await?;
    get(db, company, super::returned_id(&results[1..])?).await
}

/// Renames, archives or unarchives an activity; `false` when it is not the company's.
pub async fn update(
    db: &Db,
    company: CompanyId,
    actor: i64,
    id: i64,
    title: Option<&Title>,
    archived: Option<bool>,
) -> DbResult<bool> {
    if get(db, company, id).await?.is_none() {
        return Ok(false);
    }
    let mut statements = Vec::new();
    if let Some(title) = title {
        statements.push(db.statement(
            "UPDATE activities SET title = ? WHERE company_id = ? AND id = ?",
            params![title.as_str(), company, id],
        )?);
        let detail = json!({ "title": title.as_str() });
        statements.push(audit::entry(db, company, Some(actor), "activity.rename", Some(&id.to_string()), &detail)?);
    }
    if let Some(archived) = archived {
        statements.push(db.statement(
            "UPDATE activities SET archived_at = CASE WHEN ? THEN coalesce(archived_at, ?) END WHERE company_id = ? AND id = ?",
            params![archived, platform::now(), company, id],
        )?);
        let action = if archived { "activity.archive" } else { "activity.unarchive" };
        statements.push(audit::entry(db, company, Some(actor), action, Some(&id.to_string()), &json!({}))?);
    }
    if !statements.is_empty() {
        db.batch(statements).await?;
    }
    Ok(true)
}

/// How many activities of the company `user` created.
pub async fn count_created_by(db: &Db, company: CompanyId, user: i64) -> DbResult<i64> {
    #[derive(Deserialize)]
    struct Count {
        n: i64,
    }
    let row: Option<Count> = db
        .first("SELECT count(*) AS n FROM activities WHERE company_id = ? AND created_by = ?", params![company, user])
        .await?;
    Ok(row.map_or(0, |c| c.n))
}

/// Hands every activity `from` created over to `to` (both users of the
/// company), with an audit entry naming how many, in one transaction: how
/// many moved.
pub async fn transfer(db: &Db, company: CompanyId, actor: i64, from: i64, to: i64) -> DbResult<usize> {
    let count = count_created_by(db, company, from).await?;
    if count == 0 {
        return Ok(0);
    }
    let results = db
        .batch(vec![
            db.statement(
                "UPDATE activities SET created_by = ? WHERE company_id = ? AND created_by = ?",
                params![to, company, from],
            )?,
            audit::entry(
                db,
                company,
                Some(actor),
                "user.transfer",
                Some(&from.to_string()),
                &json!({ "from": from, "to": to, "activities": count }),
            )?,
        ])
        .await?;
    Ok(super::changed(&results, 0))
}
