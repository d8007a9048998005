//! Companies (A1): the tenants.

use serde::{Deserialize, Serialize};

use super::DbResult;
use super::{CompanyId, Db, params};

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
