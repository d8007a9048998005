//! Links to choose a new password after a reset (F3): each works once,
//! until it expires, for a user who is still active.

use serde::Deserialize;
use serde_json::json;

use super::{CompanyId, Db, DbResult, audit, params};
use crate::platform;

/// A password link, with what its page shows.
#[derive(Debug, Deserialize)]
pub struct LinkRow {
    /// The link's id.
    pub id: i64,
    /// Its company.
    pub company_id: i64,
    /// The company's name.
    pub company: String,
    /// The user it is for.
    pub user_id: i64,
    /// The address it was sent to.
    pub address: String,
    /// The user's language.
    pub language: String,
    /// When it stops working.
    pub expires_at: String,
    /// When it was used.
    pub used_at: Option<String>,
    /// The user's status.
    pub status: String,
}

/// The link whose secret has this digest.
pub async fn by_digest(db: &Db, token_digest: &str) -> DbResult<Option<LinkRow>> {
    db.first(
        "SELECT l.id, l.company_id, c.name AS company, l.user_id, l.address, u.language, l.expires_at, l.used_at, \
         u.status FROM password_links l JOIN users u ON u.company_id = l.company_id AND u.id = l.user_id \
         JOIN companies c ON c.id = l.company_id WHERE l.token_digest = ?",
        params![token_digest],
    )
    .await
}

/// Uses the link: the user's new password, in one transaction with the
/// link marked used and an audit entry. `false` when it was used (or the
/// user deactivated) meanwhile: of two racing requests, only the one whose
/// `nonce` marked the link changes anything.
pub async fn complete(db: &Db, link: &LinkRow, token_digest: &str, password_hash: &str, nonce: &str) -> DbResult<bool> {
    let company = CompanyId::trusted(link.company_id);
    let now = platform::now();
    let used = "EXISTS (SELECT 1 FROM password_links WHERE used_nonce = ?)";
    let results = db
        .batch(vec![
            db.statement(
                "UPDATE password_links SET used_at = ?, used_nonce = ? WHERE id = ? AND token_digest = ? \
                 AND used_at IS NULL AND expires_at > ?",
                params![now, nonce, link.id, token_digest, now],
            )?,
            db.statement(
                &format!(
                    "UPDATE users SET password_hash = ?, updated_at = ? WHERE company_id = ? AND id = ? \
                     AND status = 'active' AND {used}"
                ),
                params![password_hash, now, company, link.user_id, nonce],
            )?,
            audit::entry_if(
                db,
                company,
                Some(link.user_id),
                "user.password",
                Some(&link.address),
                &json!({}),
                (&format!("{used} AND changes() > 0"), nonce),
            )?,
        ])
        .await?;
    Ok(super::changed(&results, 0) > 0 && super::changed(&results, 1) > 0)
}
