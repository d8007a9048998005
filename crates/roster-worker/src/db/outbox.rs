//! The outbox (K3): messages wait here until the sender hands them to the
//! e-mail/SMS provider (or, locally, to the console's outbox page), are
//! retried when the provider fails, and may be reported bounced (F5).

use roster_core::delivery;
use roster_core::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{CompanyId, Db, DbResult, audit, params};

/// A message of the outbox.
#[derive(Debug, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// Its id.
    pub id: i64,
    /// `email` or `sms`.
    pub channel: String,
    /// Where it goes.
    pub recipient: String,
    /// Its subject.
    pub subject: Option<String>,
    /// Its text.
    pub body: String,
    /// What it is: `signup`, `invitation`, `resend`, `reminder`, `notice`.
    pub kind: String,
    /// `pending`, `sent`, `dead` or `bounced`.
    pub status: String,
    /// Attempts so far.
    pub attempts: i64,
    /// The last failure, if any.
    pub last_error: Option<String>,
    /// When it is tried again, after a failure.
    pub next_attempt_at: Option<String>,
    /// When it was queued.
    pub created_at: String,
    /// When it was handed over.
    pub sent_at: Option<String>,
}

const MESSAGE: &str = "SELECT id, channel, recipient, subject, body, kind, status, attempts, last_error, \
    next_attempt_at, created_at, sent_at FROM outbox";

/// The company's latest messages, newest first; to `recipient` when given.
pub async fn recent(db: &Db, company: CompanyId, recipient: Option<&str>) -> DbResult<Vec<OutboxMessage>> {
    db.all(
        &format!(
            "{MESSAGE} WHERE company_id = ? AND (? IS NULL OR recipient = ?) ORDER BY created_at DESC, id DESC LIMIT 200"
        ),
        params![company, recipient, recipient],
    )
    .await
}

/// Pending messages whose attempt is due at `now`.
const DUE: &str = "status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) \
    AND (? IS NULL OR company_id = ?)";

/// Messages due to be sent at `now`, of every company or of `scope`,
/// oldest first.
pub async fn due(db: &Db, now: Timestamp, scope: Option<CompanyId>, limit: u32) -> DbResult<Vec<OutboxMessage>> {
    db.all(&format!("{MESSAGE} WHERE {DUE} ORDER BY id LIMIT ?"), params![now, scope, scope, limit]).await
}

/// Marks every due message sent at once: what the local run does, where
/// the console's outbox page is the mailbox.
pub async fn deliver_locally(db: &Db, now: Timestamp, scope: Option<CompanyId>) -> DbResult<usize> {
    db.run(
        &format!("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE {DUE}"),
        params![now, now, scope, scope],
    )
    .await
}

/// Records the provider's answers: ids it took, and failures (id, attempts
/// before this one, reason), each retried later or given up after its last
/// attempt. Two statements whatever the number of messages.
pub async fn record_attempts(db: &Db, now: Timestamp, sent: &[i64], failed: &[(i64, i64, String)]) -> DbResult<()> {
    let mut statements = Vec::new();
    if !sent.is_empty() {
        statements.push(db.statement(
            "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL, \
             next_attempt_at = NULL WHERE id IN (SELECT value FROM json_each(?))",
            params![now, serde_json::to_string(sent)?],
        )?);
    }
    if !failed.is_empty() {
        let rows: Vec<_> = failed
            .iter()
            .map(|(id, attempts_before, error)| {
                let attempts = u32::try_from(*attempts_before + 1).unwrap_or(u32::MAX);
                // No next attempt after the last one: the message is given up.
                let next = delivery::next_attempt(attempts, now).map(|t| t.to_string());
                json!([id, attempts, error.chars().take(ERROR_CHARS).collect::<String>(), next])
            })
            .collect();
        statements.push(db.statement(
            "UPDATE outbox SET attempts = json_extract(f.value, '$[1]'), last_error = json_extract(f.value, '$[2]'), \
             next_attempt_at = json_extract(f.value, '$[3]'), \
             status = CASE WHEN json_extract(f.value, '$[3]') IS NULL THEN 'dead' ELSE 'pending' END \
             FROM json_each(?) AS f WHERE outbox.id = json_extract(f.value, '$[0]')",
            params![serde_json::Value::Array(rows).to_string()],
        )?);
    }
    if !statements.is_empty() {
        db.batch(statements).await?;
    }
    Ok(())
}

/// The most of a provider's error kept with a message.
const ERROR_CHARS: usize = 300;

/// Records a provider's report that message `id` bounced: the message and
/// the person it was for are marked. `false` when there is no such message.
pub async fn bounced(db: &Db, id: i64, reason: Option<&str>) -> DbResult<bool> {
    #[derive(Deserialize)]
    struct Owner {
        company_id: i64,
        recipient: String,
    }
    let Some(owner) = db.first::<Owner>("SELECT company_id, recipient FROM outbox WHERE id = ?", params![id]).await?
    else {
        return Ok(false);
    };
    let company = CompanyId::trusted(owner.company_id);
    let now = crate::platform::now();
    db.batch(vec![
        db.statement(
            "UPDATE outbox SET status = 'bounced', bounced_at = ?, last_error = ? WHERE company_id = ? AND id = ?",
            params![now, reason, company, id],
        )?,
        db.statement(
            "UPDATE users SET bounced_at = ? WHERE company_id = ? AND id = (SELECT user_id FROM outbox WHERE id = ?)",
            params![now, company, id],
        )?,
        db.statement(
            "UPDATE contacts SET bounced_at = ? WHERE company_id = ? AND id = (SELECT contact_id FROM outbox WHERE id = ?)",
            params![now, company, id],
        )?,
        audit::entry(db, company, None, "message.bounce", Some(&owner.recipient), &json!({ "message": id, "reason": reason }))?,
    ])
    .await?;
    Ok(true)
}

/// Records a report's signature; `false` when it was taken before (a replay).
pub async fn first_report(db: &Db, signature: &str, now: Timestamp) -> DbResult<bool> {
    let changed = db
        .run(
            "INSERT INTO delivery_reports (signature, at) VALUES (?, ?) ON CONFLICT (signature) DO NOTHING",
            params![signature, now],
        )
        .await?;
    Ok(changed > 0)
}
