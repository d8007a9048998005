//! The audit log (K2): who did what, when, in which company.

use serde_json::Value;
use worker::D1PreparedStatement;

use super::DbResult;
use super::{CompanyId, Db, params};
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
) -> DbResult<D1PreparedStatement> {
    db.statement(
        "INSERT INTO audit_log (company_id, actor_id, action, subject, detail, at) VALUES (?, ?, ?, ?, ?, ?)",
        params![company, actor, action, subject, detail.to_string(), platform::now().to_string()],
    )
}

/// As [`entry`], written only when `guard`'s SQL condition (with its one
/// parameter) holds when the batch runs: for changes that a racing request
/// may have made first.
pub fn entry_if(
    db: &Db,
    company: CompanyId,
    actor: Option<i64>,
    action: &str,
    subject: Option<&str>,
    detail: &Value,
    (condition, value): (&str, &str),
) -> DbResult<D1PreparedStatement> {
    db.statement(
        &format!(
            "INSERT INTO audit_log (company_id, actor_id, action, subject, detail, at)              SELECT ?, ?, ?, ?, ?, ? WHERE {condition}"
        ),
        params![company, actor, action, subject, detail.to_string(), platform::now().to_string(), value],
    )
}

/// An entry of the audit log.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// Its id.
    pub id: i64,
    /// Who acted (a user of the company), if anyone.
    pub actor_id: Option<i64>,
    /// Who acted, by e-mail address.
    pub actor_email: Option<String>,
    /// What was done (`export.request`, `file.download` …).
    pub action: String,
    /// On what (a job id, an e-mail address …).
    pub subject: Option<String>,
    /// Details (JSON text).
    pub detail: String,
    /// When.
    pub at: String,
}

/// The company's latest entries, newest first, of `action` when given.
pub async fn recent(db: &Db, company: CompanyId, action: Option<&str>, limit: u32) -> DbResult<Vec<Entry>> {
    db.all(
        "SELECT a.id, a.actor_id, u.email AS actor_email, a.action, a.subject, a.detail, a.at FROM audit_log a \
         LEFT JOIN users u ON u.id = a.actor_id AND u.company_id = a.company_id \
         WHERE a.company_id = ? AND (? IS NULL OR a.action = ?) ORDER BY a.at DESC, a.id DESC LIMIT ?",
        params![company, action, action, limit],
    )
    .await
}
