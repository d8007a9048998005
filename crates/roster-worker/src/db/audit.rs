//! The audit log (K2): who did what, when, in which company.

use serde_json::Value;
use worker::D1PreparedStatement;

use super::{CompanyId, Db, params};
use crate::error::ApiResult;
use crate::platform;

/// An audit entry as a statement, to run in the same batch as the change it
/// records, so the change and its record land together or not at all.
pub fn entry(
    db: &Db,
    company: CompanyId,
    actor: Option<i64>,
    action: &str,
    subject: Option<&str>,
    detail: &Value,
) -> ApiResult<D1PreparedStatement> {
    db.statement(
        "INSERT INTO audit_log (company_id, actor_id, action, subject, detail, at) VALUES (?, ?, ?, ?, ?, ?)",
        params![company, actor, action, subject, detail.to_string(), platform::now().to_string()],
    )
}
