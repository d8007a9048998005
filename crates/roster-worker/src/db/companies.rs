//! Companies (A1): the tenants.

use roster_core::model::CompanySettings;
use serde::{Deserialize, Serialize};

use super::DbResult;
use super::{CompanyId, Db, audit, params};

/// What the console shows of the signed-in administrator's company.
#[derive(Debug, Serialize, Deserialize)]
pub struct CompanySummary {
    /// Company id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its plan code.
    pub plan: String,
}

/// The caller's own company.
pub async fn summary(db: &Db, company: CompanyId) -> DbResult<Option<CompanySummary>> {
    db.first("SELECT id, name, plan FROM companies WHERE id = ?", params![company]).await
}

/// The company's settings.
pub async fn settings(db: &Db, company: CompanyId) -> DbResult<Option<CompanySettings>> {
    #[derive(Deserialize)]
    struct Stored {
        settings: String,
    }
    let stored: Option<Stored> = db.first("SELECT settings FROM companies WHERE id = ?", params![company]).await?;
    Ok(match stored {
        Some(s) => Some(serde_json::from_str(&s.settings)?),
        None => None,
    })
}

/// Stores the company's settings, recorded in the audit log with `detail`.
pub async fn save_settings(
    db: &Db,
    company: CompanyId,
    actor: i64,
    settings: &CompanySettings,
    detail: &serde_json::Value,
) -> DbResult<()> {
    db.batch(vec![
        db.statement(
            "UPDATE companies SET settings = ? WHERE id = ?",
            params![serde_json::to_string(settings)?, company],
        )?,
        audit::entry(db, company, Some(actor), "company.settings", None, detail)?,
    ])
    .await?;
    Ok(())
}

/// What the company holds, for its dashboard (F7): activities and stored files.
#[derive(Debug, Serialize, Deserialize)]
pub struct Holdings {
    /// Activities created, archived ones included.
    pub activities: i64,
    /// Activities created in the last 30 days.
    pub recent_activities: i64,
    /// Files kept in storage (uploads, exports, reports not yet expired).
    pub files: i64,
    /// Their size in bytes.
    pub bytes: i64,
}

/// The company's activities and stored files; `since` bounds "recent".
pub async fn holdings(db: &Db, company: CompanyId, since: &str) -> DbResult<Holdings> {
    let row: Option<Holdings> = db
        .first(
            "SELECT (SELECT count(*) FROM activities WHERE company_id = ?1) AS activities, \
             (SELECT count(*) FROM activities WHERE company_id = ?1 AND created_at >= ?2) AS recent_activities, \
             (SELECT count(*) FROM job_files WHERE company_id = ?1 AND deleted_at IS NULL) AS files, \
             (SELECT coalesce(sum(bytes), 0) FROM job_files WHERE company_id = ?1 AND deleted_at IS NULL) AS bytes",
            params![company, since],
        )
        .await?;
    Ok(row.unwrap_or(Holdings { activities: 0, recent_activities: 0, files: 0, bytes: 0 }))
}

/// Sets how many licence seats the company has bought.
pub async fn set_licence_capacity(db: &Db, company: CompanyId, capacity: u32) -> DbResult<()> {
    db.run(
        // D1 binds numbers as doubles: cast, or the JSON would hold `1000000.0`.
        "UPDATE companies SET settings = json_set(settings, '$.licence_capacity', CAST(? AS INTEGER)) WHERE id = ?",
        params![capacity, company],
    )
    .await?;
    Ok(())
}
