//! Idempotency keys: the answer kept for each key a user sent with a
//! request that starts work.

use roster_core::idempotency::{self as rules, Fingerprint, Key, Used};
use roster_core::time::Timestamp;
use serde::Deserialize;

use super::{CompanyId, Db, DbResult, changed, params};

/// A key, as the user who sent it owns it.
pub struct Owned {
    /// Their company.
    pub company: CompanyId,
    /// The user.
    pub user: i64,
    /// The key.
    pub key: Key,
}

/// A key's record as stored.
#[derive(Debug, Deserialize)]
pub struct Stored {
    /// The request that used the key first.
    pub fingerprint: String,
    /// Its answer's status, once answered.
    pub status: Option<u16>,
    /// Its answer's type.
    pub content_type: Option<String>,
    /// Its answer's body.
    pub body: Option<String>,
}

impl Stored {
    /// What the rules need of it.
    pub fn used(&self) -> Used {
        Used { fingerprint: Fingerprint::stored(self.fingerprint.clone()), status: self.status }
    }
}

/// Takes `key` for `user` with a request of `fingerprint`, unless it is
/// taken (by an earlier request, or a parallel one): `None` when this
/// request took it, else the record found. Expired keys are forgotten on
/// the way, in the same transaction.
pub async fn take(db: &Db, owned: &Owned, fingerprint: &Fingerprint, now: Timestamp) -> DbResult<Option<Stored>> {
    let Owned { company, user, key } = owned;
    let results = db
        .batch(vec![
            db.statement("DELETE FROM idempotency_keys WHERE expires_at <= ?", params![now])?,
            db.statement(
                "INSERT INTO idempotency_keys (company_id, user_id, key, fingerprint, created_at, expires_at) \
                 VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (company_id, user_id, key) DO NOTHING",
                params![*company, *user, key.as_str(), fingerprint.as_str(), now, rules::forgotten_at(now)],
            )?,
        ])
        .await?;
    if changed(&results, 1) == 1 {
        return Ok(None);
    }
    db.first(
        "SELECT fingerprint, status, content_type, body FROM idempotency_keys \
         WHERE company_id = ? AND user_id = ? AND key = ?",
        params![*company, *user, key.as_str()],
    )
    .await
}

/// Keeps the answer given to the request that took the key, with the
/// fingerprint it is known by once its body was read.
pub async fn keep(db: &Db, owned: &Owned, answer: &Stored) -> DbResult<()> {
    let Owned { company, user, key } = owned;
    db.run(
        "UPDATE idempotency_keys SET fingerprint = ?, status = ?, content_type = ?, body = ? \
         WHERE company_id = ? AND user_id = ? AND key = ?",
        params![
            answer.fingerprint.as_str(),
            answer.status.map(u32::from),
            answer.content_type.as_deref(),
            answer.body.as_deref(),
            *company,
            *user,
            key.as_str()
        ],
    )
    .await?;
    Ok(())
}

/// Frees `key` after an answer that is not kept: a retry acts again.
pub async fn free(db: &Db, owned: &Owned) -> DbResult<()> {
    let Owned { company, user, key } = owned;
    db.run(
        "DELETE FROM idempotency_keys WHERE company_id = ? AND user_id = ? AND key = ?",
        params![*company, *user, key.as_str()],
    )
    .await?;
    Ok(())
}
