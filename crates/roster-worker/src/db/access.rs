//! Sign-in, sessions and API tokens (K1).

use roster_core::secret::secret_digest;
use roster_core::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{CompanyId, Db, audit, params};
use crate::error::ApiResult;
use crate::platform;

/// How long a console session lasts.
pub const SESSION_DAYS: i64 = 7;
/// Failed sign-ins for one address within [`THROTTLE_MINUTES`] before refusing.
pub const THROTTLE_FAILURES: i64 = 10;
/// The window failed sign-ins are counted over.
pub const THROTTLE_MINUTES: i64 = 15;

/// An administrator account that may sign in with an e-mail address.
#[derive(Debug, Deserialize)]
pub struct SignInCandidate {
    /// User id.
    pub id: i64,
    /// Company id.
    pub company_id: i64,
    /// Stored password hash.
    pub password_hash: String,
}

/// The active administrators with this e-mail and a password, in every
/// company: the one query that runs before a company is known.
pub async fn sign_in_candidates(db: &Db, email: &str) -> ApiResult<Vec<SignInCandidate>> {
    db.all(
        "SELECT id, company_id, password_hash FROM users WHERE email = ? AND password_hash IS NOT NULL \
         AND status = 'active' AND role IN ('team_admin', 'company_admin') LIMIT 10",
        params![email],
    )
    .await
}

/// How many sign-ins failed for this address lately.
pub async fn recent_failures(db: &Db, email: &str, now: Timestamp) -> ApiResult<i64> {
    #[derive(Deserialize)]
    struct Count {
        n: i64,
    }
    let since = now.plus_seconds(-THROTTLE_MINUTES * 60).to_string();
    let row: Option<Count> = db
        .first(
            "SELECT count(*) AS n FROM sign_in_failures WHERE email_digest = ? AND at > ?",
            params![secret_digest(email), since],
        )
        .await?;
    Ok(row.map_or(0, |c| c.n))
}

/// Records a failed sign-in, and forgets old failures.
pub async fn record_failure(db: &Db, email: &str, now: Timestamp) -> ApiResult<()> {
    let old = now.plus_seconds(-THROTTLE_MINUTES * 60).to_string();
    db.batch(vec![
        db.statement(
            "INSERT INTO sign_in_failures (email_digest, at) VALUES (?, ?)",
            params![secret_digest(email), now.to_string()],
        )?,
        db.statement("DELETE FROM sign_in_failures WHERE at <= ?", params![old])?,
    ])
    .await?;
    Ok(())
}

/// Opens a session for a verified administrator: stores the digest of
/// `secret`, clears their failures, records the sign-in.
pub async fn open_session(
    db: &Db,
    company: CompanyId,
    user_id: i64,
    email: &str,
    secret: &str,
    now: Timestamp,
) -> ApiResult<()> {
    let at = now.to_string();
    db.batch(vec![
        db.statement(
            "INSERT INTO sessions (digest, company_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            params![secret_digest(secret), company, user_id, at.clone(), now.plus_days(SESSION_DAYS).to_string()],
        )?,
        db.statement("DELETE FROM sign_in_failures WHERE email_digest = ?", params![secret_digest(email)])?,
        db.statement(
            "UPDATE users SET last_access_at = ? WHERE company_id = ? AND id = ?",
            params![at.clone(), company, user_id],
        )?,
        db.statement(
            "INSERT INTO activity_events (company_id, user_id, kind, at) VALUES (?, ?, 'login', ?)",
            params![company, user_id, at],
        )?,
        audit::entry(db, company, Some(user_id), "session.create", None, &json!({}))?,
        db.statement("DELETE FROM sessions WHERE expires_at <= ?", params![now.to_string()])?,
    ])
    .await?;
    Ok(())
}

/// Closes the session whose cookie holds `secret`.
pub async fn close_session(db: &Db, secret: &str) -> ApiResult<()> {
    db.run("DELETE FROM sessions WHERE digest = ?", params![secret_digest(secret)]).await?;
    Ok(())
}

/// The administrator behind a live session or token, as read from the store.
#[derive(Debug, Deserialize)]
pub struct Holder {
    /// Company id.
    pub company_id: i64,
    /// User id.
    pub user_id: i64,
    /// Role code.
    pub role: String,
    /// Language code.
    pub language: String,
    /// Company settings JSON.
    pub settings: String,
}

const HOLDER: &str = "SELECT u.company_id, u.id AS user_id, u.role, u.language, c.settings FROM users u \
    JOIN companies c ON c.id = u.company_id";

/// The active administrator holding an unexpired session with this secret.
pub async fn session_holder(db: &Db, secret: &str, now: Timestamp) -> ApiResult<Option<Holder>> {
    db.first(
        &format!(
            "{HOLDER} JOIN sessions s ON s.user_id = u.id AND s.company_id = u.company_id \
             WHERE s.digest = ? AND s.expires_at > ? AND u.status = 'active'"
        ),
        params![secret_digest(secret), now.to_string()],
    )
    .await
}

/// The active administrator holding this unrevoked API token; notes its use.
pub async fn token_holder(db: &Db, secret: &str, now: Timestamp) -> ApiResult<Option<Holder>> {
    let digest = secret_digest(secret);
    let holder: Option<Holder> = db
        .first(
            &format!(
                "{HOLDER} JOIN api_tokens t ON t.user_id = u.id AND t.company_id = u.company_id \
                 WHERE t.digest = ? AND t.revoked_at IS NULL AND u.status = 'active'"
            ),
            params![digest.clone()],
        )
        .await?;
    if holder.is_some() {
        db.run("UPDATE api_tokens SET last_used_at = ? WHERE digest = ?", params![now.to_string(), digest]).await?;
    }
    Ok(holder)
}

/// An API token as listed (never its secret).
#[derive(Debug, Serialize, Deserialize)]
pub struct TokenRow {
    /// Token id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Who created it.
    pub user_id: i64,
    /// When.
    pub created_at: String,
    /// When last used.
    pub last_used_at: Option<String>,
}

/// The company's live API tokens.
pub async fn tokens(db: &Db, company: CompanyId) -> ApiResult<Vec<TokenRow>> {
    db.all(
        "SELECT id, name, user_id, created_at, last_used_at FROM api_tokens \
         WHERE company_id = ? AND revoked_at IS NULL ORDER BY created_at DESC",
        params![company],
    )
    .await
}

/// Stores a new token (its digest) for `user_id`; returns its id.
pub async fn create_token(db: &Db, company: CompanyId, user_id: i64, name: &str, secret: &str) -> ApiResult<i64> {
    let results = db
        .batch(vec![
            db.statement(
                "INSERT INTO api_tokens (company_id, user_id, name, digest, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                params![company, user_id, name, secret_digest(secret), platform::now().to_string()],
            )?,
            audit::entry(db, company, Some(user_id), "token.create", Some(name), &json!({}))?,
        ])
        .await?;
    super::returned_id(&results)
}

/// Revokes a token of the company; `false` when there is no such live token.
pub async fn revoke_token(db: &Db, company: CompanyId, actor: i64, id: i64) -> ApiResult<bool> {
    let changed = db
        .run(
            "UPDATE api_tokens SET revoked_at = ? WHERE company_id = ? AND id = ? AND revoked_at IS NULL",
            params![platform::now().to_string(), company, id],
        )
        .await?;
    if changed > 0 {
        db.batch(vec![audit::entry(db, company, Some(actor), "token.revoke", Some(&id.to_string()), &json!({}))?])
            .await?;
    }
    Ok(changed > 0)
}
