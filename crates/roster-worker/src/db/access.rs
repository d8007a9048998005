//! Sign-in, sessions and API tokens (K1).

use roster_core::secret::{DEVICE_DAYS, TokenScope, secret_digest};
use roster_core::throttle::{self, Counter};
use roster_core::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use roster_core::model::{CompanySettings, Plan, Role};
use roster_core::permissions::{Actor, Perimeter, Permissions, Powers};

use super::{CompanyId, Db, DbError, DbResult, audit, params};
use crate::platform;

/// How long a console session lasts.
pub const SESSION_DAYS: i64 = 7;

/// An account that may sign in with an e-mail address, if its role and
/// permissions let it use the console.
#[derive(Debug, Deserialize)]
pub struct SignInCandidate {
    /// User id.
    pub id: i64,
    /// Company id.
    pub company_id: i64,
    /// The company's name, to choose by.
    pub company_name: String,
    /// Stored password hash.
    pub password_hash: String,
    /// Role code.
    pub role: String,
    /// The company's plan code.
    pub plan: String,
    /// The company's settings JSON.
    pub settings: String,
    /// Permission codes, as [`Holder::permissions`].
    pub permissions: String,
}

/// The active users with this e-mail and a password, in every company, by
/// company name: the one query that runs before a company is known. The
/// order makes sign-in deterministic for an address known to several
/// companies.
pub async fn sign_in_candidates(db: &Db, email: &str) -> DbResult<Vec<SignInCandidate>> {
    db.all(
        &format!(
            "SELECT u.id, u.company_id, c.name AS company_name, u.password_hash, u.role, c.plan, c.settings, {PERMISSIONS} \
             FROM users u JOIN companies c ON c.id = u.company_id WHERE u.email = ? AND u.password_hash IS NOT NULL \
             AND u.status = 'active' ORDER BY c.name, c.id LIMIT 10"
        ),
        params![email],
    )
    .await
}

/// The user a device secret was issued to, when it is live and that user
/// has this e-mail address: the browser is trusted for this account.
pub async fn trusted_device(db: &Db, secret: &str, email: &str, now: Timestamp) -> DbResult<bool> {
    let row: Option<Value> = db
        .first(
            "SELECT d.user_id FROM trusted_devices d JOIN users u ON u.id = d.user_id AND u.company_id = d.company_id \
             WHERE d.digest = ? AND d.expires_at > ? AND u.email = ?",
            params![secret_digest(secret), now, email],
        )
        .await?;
    Ok(row.is_some())
}

/// Counts an attempt under each of its counters and reads the counts, in
/// one transaction: parallel attempts each see the others. Old attempts
/// are forgotten on the way. Returns the counts, this attempt included.
pub async fn count_attempt(
    db: &Db,
    attempt_id: &str,
    counters: &[(Counter, String)],
    now: Timestamp,
) -> DbResult<Vec<(Counter, u32)>> {
    #[derive(Deserialize)]
    struct Count {
        n: u32,
    }
    let since = now.plus_seconds(-throttle::WINDOW_MINUTES * 60);
    let mut statements = vec![db.statement("DELETE FROM sign_in_attempts WHERE at <= ?", params![since])?];
    for (_, key) in counters {
        statements.push(db.statement(
            "INSERT INTO sign_in_attempts (key_digest, attempt, at) VALUES (?, ?, ?)",
            params![secret_digest(key), attempt_id, now],
        )?);
    }
    for (_, key) in counters {
        statements.push(db.statement(
            "SELECT count(*) AS n FROM sign_in_attempts WHERE key_digest = ? AND at > ?",
            params![secret_digest(key), since],
        )?);
    }
    let results = db.batch(statements).await?;
    let counts = results
        .iter()
        .skip(1 + counters.len())
        .map(|r| r.results::<Count>().ok().and_then(|rows| rows.into_iter().next()).map_or(u32::MAX, |c| c.n));
    Ok(counters.iter().map(|(c, _)| *c).zip(counts).collect())
}

/// Takes back an attempt that succeeded: it counts against nobody.
pub async fn forget_attempt(db: &Db, attempt_id: &str) -> DbResult<()> {
    db.run("DELETE FROM sign_in_attempts WHERE attempt = ?", params![attempt_id]).await?;
    Ok(())
}

/// Trusts the browser holding `secret` for this administrator.
pub async fn trust_device(db: &Db, company: CompanyId, user_id: i64, secret: &str, now: Timestamp) -> DbResult<()> {
    db.batch(vec![
        db.statement(
            "INSERT OR REPLACE INTO trusted_devices (digest, company_id, user_id, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?)",
            params![secret_digest(secret), company, user_id, now, now.plus_days(DEVICE_DAYS)],
        )?,
        db.statement("DELETE FROM trusted_devices WHERE expires_at <= ?", params![now])?,
    ])
    .await?;
    Ok(())
}

/// Opens a session for a verified user: stores the digest of `secret`,
/// records the sign-in and counts the account active in `month` (the
/// company's month of `now`).
pub async fn open_session(
    db: &Db,
    company: CompanyId,
    user_id: i64,
    secret: &str,
    now: Timestamp,
    month: &str,
) -> DbResult<()> {
    let at = now.to_string();
    db.batch(vec![
        db.statement(
            "INSERT INTO sessions (digest, company_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            params![secret_digest(secret), company, user_id, at.clone(), now.plus_days(SESSION_DAYS).to_string()],
        )?,
        db.statement(
            "UPDATE users SET last_access_at = ? WHERE company_id = ? AND id = ?",
            params![at.clone(), company, user_id],
        )?,
        db.statement(
            "INSERT INTO activity_events (company_id, user_id, kind, at) VALUES (?, ?, 'login', ?)",
            params![company, user_id, at],
        )?,
        db.statement(
            "INSERT INTO monthly_activity (company_id, month, user_id, signed_in) VALUES (?, ?, ?, 1) \
             ON CONFLICT (company_id, month, user_id) DO UPDATE SET signed_in = 1",
            params![company, month, user_id],
        )?,
        audit::entry(db, company, Some(user_id), "session.create", None, &json!({}))?,
        db.statement("DELETE FROM sessions WHERE expires_at <= ?", params![now.to_string()])?,
    ])
    .await?;
    Ok(())
}

/// Closes the session whose cookie holds `secret`.
pub async fn close_session(db: &Db, secret: &str) -> DbResult<()> {
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
    /// Language code.
    pub language: String,
    /// Company settings JSON.
    pub settings: String,
    /// The company's plan code.
    pub plan: String,
    /// For a token, what it may do; a session may do everything.
    pub scope: Option<String>,
    /// Their role, permissions and perimeters.
    #[serde(flatten)]
    pub powers: StoredPowers,
    /// Their e-mail address, where it was asked for ([`staff`]).
    #[serde(default)]
    pub email: Option<String>,
}

impl Holder {
    /// Who they are as the access rules see them.
    ///
    /// # Errors
    /// [`DbError::Platform`] for stored settings, plan or role the
    /// product cannot read.
    pub fn actor(&self) -> DbResult<Actor> {
        let Powers { role, permissions, users, bases } = self.powers.read()?;
        let settings: CompanySettings = serde_json::from_str(&self.settings)?;
        let plan = Plan::parse(&self.plan).map_err(|e| DbError::Platform(format!("stored plan: {e}")))?;
        Ok(Actor {
            user_id: self.user_id,
            role,
            advanced: settings.permission_profiles_on(plan),
            permissions,
            users,
            bases,
        })
    }
}

/// The company's user `user_id` with what they may do now: whom a job
/// acts for, checked again when it runs.
pub async fn user_holder(db: &Db, company: CompanyId, user_id: i64) -> DbResult<Option<Holder>> {
    db.first(
        &format!(
            "{} WHERE u.company_id = ? AND u.id = ?",
            HOLDER.replace("{scope}", "NULL").replace("{powers}", POWERS)
        ),
        params![company, user_id],
    )
    .await
}

/// The expression of a user's permissions, personal and from profiles, as
/// one column (`u` the users row).
macro_rules! permissions_column {
    () => {
        "u.permissions || ',' || coalesce((SELECT group_concat(p.permissions) FROM user_profiles up \
         JOIN permission_profiles p ON p.id = up.profile_id WHERE up.user_id = u.id), '') AS permissions"
    };
}

/// A user's permissions as one column.
const PERMISSIONS: &str = permissions_column!();

/// The columns of [`StoredPowers`] for the user `u`.
pub const POWERS: &str = concat!(
    "u.role, ",
    permissions_column!(),
    ", u.perimeter_all_users AS all_users, u.perimeter_all_bases AS all_bases, \
     (SELECT group_concat(group_id) FROM user_allowed_groups WHERE user_id = u.id) AS allowed_groups, \
     (SELECT group_concat(base_id) FROM user_allowed_bases WHERE user_id = u.id) AS allowed_bases"
);

/// What a user may do, as stored: read with [`POWERS`].
#[derive(Debug, Deserialize)]
pub struct StoredPowers {
    /// Role code.
    pub role: String,
    /// Permission codes, personal and from profiles, separated by commas
    /// (repeats and blanks included).
    pub permissions: String,
    /// 1 when their perimeter takes in every user.
    pub all_users: i64,
    /// 1 when their perimeter takes in every base.
    pub all_bases: i64,
    /// The ids of the groups of their perimeter, separated by commas.
    pub allowed_groups: Option<String>,
    /// The ids of the bases of their perimeter, separated by commas.
    pub allowed_bases: Option<String>,
}

impl StoredPowers {
    /// The powers, typed.
    ///
    /// # Errors
    /// [`DbError::Platform`] for a stored role the product does not know.
    pub fn read(&self) -> DbResult<Powers> {
        let perimeter = |all: i64, ids: &Option<String>| {
            if all != 0 {
                Perimeter::All
            } else {
                Perimeter::Only(ids.as_deref().unwrap_or("").split(',').filter_map(|id| id.parse().ok()).collect())
            }
        };
        Ok(Powers {
            role: Role::parse(&self.role).map_err(|e| DbError::Platform(format!("stored role: {e}")))?,
            permissions: Permissions::from_stored(&self.permissions),
            users: perimeter(self.all_users, &self.allowed_groups),
            bases: perimeter(self.all_bases, &self.allowed_bases),
        })
    }
}

/// A user with what they may do, in one read.
const HOLDER: &str = "SELECT u.company_id, u.id AS user_id, u.language, c.settings, c.plan, {scope} AS scope, \
    {powers} FROM users u JOIN companies c ON c.id = u.company_id";

/// The condition on the user `u` of holding any right: an administrator, or
/// a user with permissions of their own or from a profile. Nobody else may
/// use the console or hold more than anyone.
pub const HOLDS_RIGHTS: &str = "(u.role <> 'member' OR u.permissions <> '' \
    OR EXISTS (SELECT 1 FROM user_profiles up WHERE up.user_id = u.id))";

/// The company's active users who may hold rights (administrators, and
/// users with permissions) and have an e-mail address: whom a notice about
/// shared work may reach, once each is checked.
pub async fn staff(db: &Db, company: CompanyId) -> DbResult<Vec<Holder>> {
    db.all(
        &format!(
            "{} WHERE u.company_id = ? AND u.status = 'active' AND u.email IS NOT NULL AND {HOLDS_RIGHTS}",
            HOLDER.replace("{scope}", "NULL").replace("{powers}", &format!("{POWERS}, u.email"))
        ),
        params![company],
    )
    .await
}

/// The active administrator holding an unexpired session with this secret.
pub async fn session_holder(db: &Db, secret: &str, now: Timestamp) -> DbResult<Option<Holder>> {
    db.first(
        &format!(
            "{} JOIN sessions s ON s.user_id = u.id AND s.company_id = u.company_id \
             WHERE s.digest = ? AND s.expires_at > ? AND u.status = 'active'",
            HOLDER.replace("{scope}", "NULL").replace("{powers}", POWERS)
        ),
        params![secret_digest(secret), now.to_string()],
    )
    .await
}

/// The active administrator holding this unrevoked, unexpired API token;
/// notes its use.
pub async fn token_holder(db: &Db, secret: &str, now: Timestamp) -> DbResult<Option<Holder>> {
    let digest = secret_digest(secret);
    let holder: Option<Holder> = db
        .first(
            &format!(
                "{} JOIN api_tokens t ON t.user_id = u.id AND t.company_id = u.company_id \
                 WHERE t.digest = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND u.status = 'active'",
                HOLDER.replace("{scope}", "t.scope").replace("{powers}", POWERS)
            ),
            params![digest.clone(), now],
        )
        .await?;
    if holder.is_some() {
        db.run("UPDATE api_tokens SET last_used_at = ? WHERE digest = ?", params![now, digest]).await?;
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
    /// When it stops working.
    pub expires_at: String,
    /// What it may do.
    pub scope: TokenScope,
}

/// The company's live API tokens.
pub async fn tokens(db: &Db, company: CompanyId, now: Timestamp) -> DbResult<Vec<TokenRow>> {
    db.all(
        "SELECT id, name, user_id, created_at, last_used_at, expires_at, scope FROM api_tokens \
         WHERE company_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC, id DESC LIMIT 500",
        params![company, now],
    )
    .await
}

/// A token to create.
pub struct NewToken<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its secret (only the digest is stored).
    pub secret: &'a str,
    /// What it may do.
    pub scope: TokenScope,
    /// When it stops working.
    pub expires_at: Timestamp,
}

/// Stores a new token (its digest) for `user_id`; returns its id.
pub async fn create_token(db: &Db, company: CompanyId, user_id: i64, token: &NewToken<'_>) -> DbResult<i64> {
    let results = db
        .batch(vec![
            db.statement(
                "INSERT INTO api_tokens (company_id, user_id, name, digest, created_at, expires_at, scope) \
                 VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                params![
                    company,
                    user_id,
                    token.name,
                    secret_digest(token.secret),
                    platform::now(),
                    token.expires_at,
                    token.scope.code()
                ],
            )?,
            audit::entry(
                db,
                company,
                Some(user_id),
                "token.create",
                Some(token.name),
                &json!({ "scope": token.scope, "expires_at": token.expires_at }),
            )?,
        ])
        .await?;
    super::returned_id(&results)
}

/// Revokes a token of the company; `false` when there is no such live token.
pub async fn revoke_token(db: &Db, company: CompanyId, actor: i64, id: i64) -> DbResult<bool> {
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
