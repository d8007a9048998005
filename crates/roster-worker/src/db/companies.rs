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
