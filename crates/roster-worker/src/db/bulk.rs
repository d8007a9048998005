//! Bulk actions on users (F3, F4): the selection taken when the action is
//! asked, one step of the action (read, decide, change and record, in one
//! transaction), and the report.

use std::collections::HashSet;

use roster_core::Language;
use roster_core::bulk::{Action, Decision, STEP_USERS, Seats, Skip, Target};
use roster_core::directory::UserQuery;
use roster_core::invitation::{PASSWORD_LINK_DAYS, message};
use roster_core::jobs::JobParams;
use roster_core::model::{Channel, LicenceLevel, UserStatus};
use roster_core::permissions::{self, Actor};
use roster_core::secret::{self, SecretKind};
use roster_core::time::{Timestamp, Zone};
use serde::Deserialize;
use serde_json::{Value, json};
use worker::D1PreparedStatement;

use super::{CompanyId, Db, DbError, DbResult, JsonRows, access, audit, jobs, params, users};
use crate::platform;

/// Who a bulk action is for.
pub enum Who {
    /// Users ticked one by one: ids of the company (others are ignored).
    Ticked(Vec<i64>),
    /// Every user the directory's filters find (no cursor).
    Matching(UserQuery),
}

/// Who a bulk action is for, within what the asker may change.
pub struct Selection {
    /// The users asked for.
    pub who: Who,
    /// Those of them the asker may change.
    pub bounds: users::Bounds,
}

impl Selection {
    /// The `WHERE` condition on `users` and its parameters.
    fn filter(&self, company: CompanyId) -> (String, Vec<wasm_bindgen::JsValue>) {
        let (mut sql, mut binds) = match &self.who {
            Who::Ticked(ids) => (
                "company_id = ? AND id IN (SELECT value FROM json_each(?))".to_owned(),
                params![company, json!(ids).to_string()].to_vec(),
            ),
            Who::Matching(query) => users::directory_filter(company, query, false),
        };
        self.bounds.narrow(company, &mut sql, &mut binds);
        (sql, binds)
    }
}

#[derive(Deserialize)]
struct Count {
    n: i64,
}

/// How many users a selection holds now, by status code.
pub async fn count_by_status(db: &Db, company: CompanyId, selection: &Selection) -> DbResult<Vec<(String, u64)>> {
    #[derive(Deserialize)]
    struct ByStatus {
        status: String,
        n: i64,
    }
    let (filter, binds) = selection.filter(company);
    let rows: Vec<ByStatus> =
        db.all(&format!("SELECT status, count(*) AS n FROM users WHERE {filter} GROUP BY status"), &binds).await?;
    Ok(rows.into_iter().map(|r| (r.status, u64::try_from(r.n).unwrap_or(0))).collect())
}

/// How many users the company has, deleted ones aside: the base of the
/// mass-action guard's share.
pub async fn company_users(db: &Db, company: CompanyId) -> DbResult<u64> {
    let row: Option<Count> = db
        .first("SELECT count(*) AS n FROM users WHERE company_id = ? AND status != 'deleted'", params![company])
        .await?;
    Ok(row.map_or(0, |c| u64::try_from(c.n).unwrap_or(0)))
}

/// Records a queued bulk job and takes its selection, in one transaction;
/// returns how many users were taken.
pub async fn create(
    db: &Db,
    company: CompanyId,
    actor: i64,
    id: &str,
    params: &JobParams,
    selection: &Selection,
) -> DbResult<u64> {
    let mut statements = jobs::create_statements(db, company, actor, id, params, &[])?;
    let (filter, mut binds) = selection.filter(company);
    let mut all = params![company, id].to_vec();
    all.append(&mut binds);
    statements.push(db.statement(
        &format!("INSERT INTO bulk_targets (company_id, job_id, user_id) SELECT ?, ?, id FROM users WHERE {filter}"),
        &all,
    )?);
    let results = db.batch(statements).await?;
    let taken = match results.last() {
        Some(last) => last.meta()?.and_then(|m| m.changes).unwrap_or(0),
        None => 0,
    };
    Ok(u64::try_from(taken).unwrap_or(0))
}

/// Forgets a bulk job that will not run (its confirmation no longer fits).
pub async fn discard(db: &Db, company: CompanyId, id: &str) -> DbResult<()> {
    db.batch(vec![
        db.statement("DELETE FROM bulk_targets WHERE company_id = ? AND job_id = ?", params![company, id])?,
        db.statement("DELETE FROM jobs WHERE company_id = ? AND id = ? AND status = 'queued'", params![company, id])?,
    ])
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct Pending {
    id: i64,
    status: String,
    licence_level: String,
    last_name: String,
    first_name: Option<String>,
    email: Option<String>,
    mobile: Option<String>,
    employee_id: Option<String>,
    preferred_channel: String,
    language: String,
    #[serde(flatten)]
    powers: access::StoredPowers,
}

impl Pending {
    /// Where and how the user is reached: their preferred channel when it
    /// has an address, else the other one.
    fn reach(&self) -> Option<(Channel, &str)> {
        let email = self.email.as_deref().map(|a| (Channel::Email, a));
        let sms = self.mobile.as_deref().map(|a| (Channel::Sms, a));
        match Channel::parse(&self.preferred_channel) {
            Ok(Channel::Sms) => sms.or(email),
            _ => email.or(sms),
        }
    }
}

/// What personal messages (reset links, login codes) need: the company's
/// name, where the console is served, the zone a link's end is told in.
pub struct LinkContext<'a> {
    /// The company's name, as the message says it.
    pub company_name: &'a str,
    /// Where the console is served.
    pub origin: &'a str,
    /// The company's zone.
    pub zone: &'a Zone,
}

/// A personal message for each user: `make` gives, for a user reached on a
/// channel in their language, the digest to store and the text to send.
/// JSON rows for the statements.
fn personal_rows(
    users: &[&Pending],
    mut make: impl FnMut(&Pending, Channel, Language) -> DbResult<(String, message::Text)>,
) -> DbResult<JsonRows> {
    let mut rows = JsonRows::default();
    for user in users {
        let Some((channel, address)) = user.reach() else { continue };
        let (digest, text) = make(user, channel, Language::parse(&user.language).unwrap_or(Language::En))?;
        rows.push(&json!({
            "user_id": user.id, "channel": channel.code(), "address": address,
            "digest": digest, "subject": text.subject, "body": text.body,
        }));
    }
    Ok(rows)
}

/// Random bytes for a secret drawn inside a step.
fn random<const N: usize>() -> DbResult<[u8; N]> {
    platform::random_bytes().map_err(|_| DbError::Platform("no randomness for a secret".into()))
}

/// For each user a reset applies to: a fresh link (only its digest kept)
/// and the message carrying it.
fn password_link_rows(links: &LinkContext<'_>, users: &[&Pending], expires: Timestamp) -> DbResult<JsonRows> {
    let until = links.zone.local_for_people(expires);
    personal_rows(users, |_, channel, lang| {
        let secret = secret::new_secret(SecretKind::PasswordLink, random()?);
        let link = format!("{}/#/password/{secret}", links.origin);
        Ok((secret::secret_digest(&secret), message::password_reset(lang, channel, links.company_name, &link, &until)))
    })
}

/// The statements sending each row's message, of `kind`.
fn outbox_statements(db: &Db, company: CompanyId, kind: &str, rows: &JsonRows) -> DbResult<Vec<D1PreparedStatement>> {
    let now = platform::now();
    rows.arrays()
        .iter()
        .map(|(_, array)| {
            db.statement(
                "INSERT INTO outbox (company_id, channel, recipient, subject, body, created_at, kind, user_id) \
                 SELECT ?, json_extract(value, '$.channel'), json_extract(value, '$.address'), \
                 json_extract(value, '$.subject'), json_extract(value, '$.body'), ?, ?, \
                 json_extract(value, '$.user_id') FROM json_each(?)",
                params![company, now, kind, array.as_str()],
            )
        })
        .collect()
}

/// The statements of a password reset: passwords and sessions gone, older
/// links void, a new link and its message for each user.
fn reset_statements(
    db: &Db,
    company: CompanyId,
    actor: i64,
    ids: &str,
    rows: &JsonRows,
    expires: Timestamp,
) -> DbResult<Vec<D1PreparedStatement>> {
    let now = platform::now();
    let mut statements = vec![
        db.statement(
            "UPDATE users SET password_hash = NULL, updated_at = ? WHERE company_id = ? \
             AND id IN (SELECT value FROM json_each(?)) AND status = 'active'",
            params![now, company, ids],
        )?,
        sign_out(db, company, ids)?,
        db.statement(
            "UPDATE password_links SET used_at = ? WHERE company_id = ? AND used_at IS NULL \
             AND user_id IN (SELECT value FROM json_each(?))",
            params![now, company, ids],
        )?,
    ];
    for (_, array) in rows.arrays() {
        statements.push(db.statement(
            "INSERT INTO password_links (company_id, user_id, channel, address, token_digest, created_by, created_at, \
             expires_at) SELECT ?, json_extract(value, '$.user_id'), json_extract(value, '$.channel'), \
             json_extract(value, '$.address'), json_extract(value, '$.digest'), ?, ?, ? FROM json_each(?)",
            params![company, actor, now, expires, array.as_str()],
        )?);
    }
    statements.extend(outbox_statements(db, company, "password", rows)?);
    Ok(statements)
}

/// A new login code for each user, none held by anyone else of the
/// company: codes drawn again until no other user has one of them.
async fn fresh_login_codes(db: &Db, company: CompanyId, users: &[&Pending]) -> DbResult<Vec<(i64, String)>> {
    #[derive(Deserialize)]
    struct Taken {
        digest: String,
    }
    let digest = |code: &str| secret::login_code_digest(company.get(), code);
    let draw = || loop {
        if let Some(code) = secret::login_code(&random::<32>()?) {
            return Ok::<_, DbError>(code);
        }
    };
    let mut codes: Vec<(i64, String)> = users.iter().map(|u| Ok((u.id, draw()?))).collect::<DbResult<_>>()?;
    // 23^6 codes: a clash is rare, but a company of 100,000 meets some.
    for _ in 0..20 {
        let digests: Vec<String> = codes.iter().map(|(_, c)| digest(c)).collect();
        let taken: Vec<Taken> = db
            .all(
                "SELECT login_code_digest AS digest FROM users WHERE company_id = ? \
                 AND login_code_digest IN (SELECT value FROM json_each(?))",
                params![company, json!(digests).to_string()],
            )
            .await?;
        let taken: HashSet<String> = taken.into_iter().map(|t| t.digest).collect();
        // Drawn twice in this step, or held by someone already.
        let mut seen = HashSet::new();
        let clashes: Vec<usize> =
            (0..codes.len()).filter(|&i| !seen.insert(&digests[i]) || taken.contains(&digests[i])).collect();
        if clashes.is_empty() {
            return Ok(codes);
        }
        for i in clashes {
            codes[i].1 = draw()?;
        }
    }
    Err(DbError::Platform("no free login codes after 20 draws".into()))
}

/// The statements giving each user their new login code (only its digest
/// stored) and sending it to them.
async fn login_code_statements(
    db: &Db,
    company: CompanyId,
    company_name: &str,
    users: &[&Pending],
) -> DbResult<Vec<D1PreparedStatement>> {
    let codes = fresh_login_codes(db, company, users).await?;
    let rows = personal_rows(users, |user, channel, lang| {
        let code = codes.iter().find(|(id, _)| *id == user.id).map(|(_, c)| c.as_str()).unwrap_or_default();
        Ok((secret::login_code_digest(company.get(), code), message::login_code(lang, channel, company_name, code)))
    })?;
    let now = platform::now();
    let mut statements = Vec::new();
    for (_, array) in rows.arrays() {
        statements.push(db.statement(
            "UPDATE users SET login_code_digest = json_extract(j.value, '$.digest'), login_code_at = ?, updated_at = ? \
             FROM json_each(?) j WHERE users.company_id = ? AND users.id = json_extract(j.value, '$.user_id') \
             AND users.status = 'active'",
            params![now, now, array.as_str(), company],
        )?);
    }
    statements.extend(outbox_statements(db, company, "login_code", &rows)?);
    Ok(statements)
}

#[derive(Deserialize)]
struct Held {
    user_id: i64,
    id: i64,
}

/// A user an action applies to; for groups and tags, what it adds and takes off.
struct Applied {
    id: i64,
    add: Vec<i64>,
    remove: Vec<i64>,
}

/// What one step did.
pub struct Step {
    /// Users decided in this step.
    pub decided: usize,
    /// Whether users remain.
    pub more: bool,
}

/// The statement that ends every console session of the users (ids as a
/// JSON array): deactivation, deletion and a password reset sign them out.
fn sign_out(db: &Db, company: CompanyId, ids: &str) -> DbResult<D1PreparedStatement> {
    db.statement(
        "DELETE FROM sessions WHERE company_id = ? AND user_id IN (SELECT value FROM json_each(?))",
        params![company, ids],
    )
}

/// The statement that deletes users, keeping their rows anonymised so
/// their results stay without saying whose they were; their identifiers
/// are free again. Ids as a JSON array.
fn delete_statements(db: &Db, company: CompanyId, ids: &str) -> DbResult<Vec<D1PreparedStatement>> {
    let now = platform::now();
    let of_them = "company_id = ? AND user_id IN (SELECT value FROM json_each(?))";
    Ok(vec![
        db.statement(&format!("DELETE FROM group_users WHERE {of_them}"), params![company, ids])?,
        db.statement(&format!("DELETE FROM user_tags WHERE {of_them}"), params![company, ids])?,
        sign_out(db, company, ids)?,
        db.statement(
            &format!("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE {of_them}"),
            params![now, company, ids],
        )?,
        db.statement(
            &format!("DELETE FROM signup_invitations WHERE used_at IS NULL AND {of_them}"),
            params![company, ids],
        )?,
        db.statement(
            &format!(
                "UPDATE users SET {}, updated_at = ? \
                 WHERE company_id = ? AND id IN (SELECT value FROM json_each(?)) AND status != 'deleted'",
                users::ANONYMISED
            ),
            params![now, company, ids],
        )?,
    ])
}

/// For groups, tags or profiles: the membership table, its id column, and the
/// named things' table opening a join condition (archived groups left out).
const fn set_tables(action: &Action) -> Option<(&'static str, &'static str, &'static str)> {
    match action {
        Action::Groups(..) => Some(("group_users", "group_id", "groups g ON g.archived_at IS NULL AND")),
        Action::Tags(..) => Some(("user_tags", "tag_id", "tags g ON")),
        Action::Profiles(..) => Some(("user_profiles", "profile_id", "permission_profiles g ON")),
        _ => None,
    }
}

/// What the users of a step hold now among groups (not archived) or tags.
async fn held(db: &Db, company: CompanyId, action: &Action, ids: &str) -> DbResult<Vec<Held>> {
    let Some((table, column, named)) = set_tables(action) else { return Ok(Vec::new()) };
    db.all(
        &format!(
            "SELECT m.user_id, m.{column} AS id FROM {table} m JOIN {named} g.id = m.{column} \
             AND g.company_id = m.company_id WHERE m.company_id = ? \
             AND m.user_id IN (SELECT value FROM json_each(?)) ORDER BY m.user_id, m.{column}"
        ),
        params![company, ids],
    )
    .await
}

/// `[user, id]` pairs of what `pick` gives each applied user, as a JSON array.
fn pairs(applied: &[Applied], pick: fn(&Applied) -> &[i64]) -> String {
    json!(applied.iter().flat_map(|a| pick(a).iter().map(|g| [a.id, *g])).collect::<Vec<_>>()).to_string()
}

/// The statements that record the outcome of each user of a step, as the
/// change statements after them will find the users: decided on a read
/// made before, an outcome `applied` is checked again inside the write's
/// transaction, so that a user a parallel action changed meanwhile is
/// reported with the reason they are skipped now, and counts, report and
/// audit tell only what was changed.
fn outcome_statements(
    db: &Db,
    company: CompanyId,
    job: &str,
    action: &Action,
    outcomes: &[Value],
    applied: &[Applied],
) -> DbResult<Vec<D1PreparedStatement>> {
    let ids = json!(applied.iter().map(|a| a.id).collect::<Vec<_>>()).to_string();
    let mut by_status = String::from(
        "CASE (SELECT u.status FROM users u WHERE u.company_id = bulk_targets.company_id \
         AND u.id = bulk_targets.user_id)",
    );
    let mut binds = Vec::new();
    for (status, code) in action.outcome_by_status() {
        by_status.push_str(" WHEN ? THEN ?");
        binds.extend(params![status.code(), code].iter().cloned());
    }
    by_status.push_str(" ELSE outcome END");
    binds.extend(params![company, job, ids.clone()].iter().cloned());
    let mine = "bulk_targets.company_id = ? AND bulk_targets.job_id = ? AND bulk_targets.outcome = 'applied' \
        AND bulk_targets.user_id IN (SELECT value FROM json_each(?))";
    let mut statements = vec![
        db.statement(
            "UPDATE bulk_targets SET outcome = json_extract(o.value, '$[1]'), person = json_extract(o.value, '$[2]') \
             FROM json_each(?) o WHERE bulk_targets.company_id = ? AND bulk_targets.job_id = ? \
             AND bulk_targets.user_id = json_extract(o.value, '$[0]')",
            params![json!(outcomes).to_string(), company, job],
        )?,
        db.statement(&format!("UPDATE bulk_targets SET outcome = {by_status} WHERE {mine}"), &binds)?,
    ];
    if let Some((table, column, _)) = set_tables(action) {
        // Nothing left to add nor to take off: a parallel action did it.
        let held = format!(
            "SELECT 1 FROM {table} m WHERE m.company_id = bulk_targets.company_id \
             AND m.user_id = bulk_targets.user_id AND m.{column} = json_extract(p.value, '$[1]')"
        );
        let theirs = "json_extract(p.value, '$[0]') = bulk_targets.user_id";
        statements.push(db.statement(
            &format!(
                "UPDATE bulk_targets SET outcome = 'unchanged' WHERE {mine} \
                 AND NOT EXISTS (SELECT 1 FROM json_each(?) p WHERE {theirs} AND NOT EXISTS ({held})) \
                 AND NOT EXISTS (SELECT 1 FROM json_each(?) p WHERE {theirs} AND EXISTS ({held}))"
            ),
            params![company, job, ids, pairs(applied, |a| &a.add), pairs(applied, |a| &a.remove)],
        )?);
    }
    Ok(statements)
}

/// The statements that apply `action` to the users it fits in one step.
fn change_statements(
    db: &Db,
    company: CompanyId,
    action: &Action,
    applied: &[Applied],
) -> DbResult<Vec<D1PreparedStatement>> {
    let now = platform::now();
    let ids = json!(applied.iter().map(|a| a.id).collect::<Vec<_>>()).to_string();
    let them = "company_id = ? AND id IN (SELECT value FROM json_each(?))";
    Ok(match action {
        Action::Delete => delete_statements(db, company, &ids)?,
        Action::Activate(password_hash) => vec![db.statement(
            &format!(
                "UPDATE users SET status = 'active', activated_at = ?, updated_at = ?, \
                 password_hash = coalesce(?, password_hash) WHERE {them} AND status IN ('created', 'invited', 'inactive')"
            ),
            params![now, now, password_hash.as_deref(), company, ids],
        )?],
        // Their statements need each user's secret: see `step`.
        Action::ResetPassword | Action::LoginCode => Vec::new(),
        Action::Deactivate => vec![
            db.statement(
                &format!("UPDATE users SET status = 'inactive', updated_at = ? WHERE {them} AND status = 'active'"),
                params![now, company, ids],
            )?,
            sign_out(db, company, &ids)?,
        ],
        Action::Groups(..) | Action::Tags(..) | Action::Profiles(..) => {
            let Some((table, column, named)) = set_tables(action) else { return Ok(Vec::new()) };
            let (added, removed) = (pairs(applied, |a| &a.add), pairs(applied, |a| &a.remove));
            let (extra_column, extra_value) =
                if matches!(action, Action::Groups(..)) { (", added_at", ", ?") } else { ("", "") };
            let mut insert_params = params![company].to_vec();
            if matches!(action, Action::Groups(..)) {
                insert_params.push(now.to_string().into());
            }
            insert_params.extend(params![added, company].iter().cloned());
            vec![
                db.statement(
                    &format!(
                        "INSERT OR IGNORE INTO {table} (company_id, user_id, {column}{extra_column}) \
                         SELECT ?, json_extract(p.value, '$[0]'), g.id{extra_value} FROM json_each(?) p \
                         JOIN {named} g.id = json_extract(p.value, '$[1]') AND g.company_id = ?"
                    ),
                    &insert_params,
                )?,
                db.statement(
                    &format!(
                        "DELETE FROM {table} WHERE company_id = ? AND (user_id, {column}) IN \
                         (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))"
                    ),
                    params![company, removed],
                )?,
            ]
        }
    })
}

/// Does the next step of a bulk job for `asker` (who asked it, as they
/// stand now): reads up to [`STEP_USERS`] users not yet decided, decides
/// each, then changes those it fits and records every outcome in one
/// transaction with the job's progress.
#[allow(clippy::too_many_arguments)] // each is a different fact of the step
pub async fn step(
    db: &Db,
    company: CompanyId,
    job: &jobs::JobRow,
    asker: &Actor,
    action: &Action,
    licence_capacity: u32,
    links: Option<&LinkContext<'_>>,
    progress: impl Fn(usize) -> i64,
) -> DbResult<Step> {
    let pending: Vec<Pending> = db
        .all(
            &format!(
                "SELECT u.id, u.status, u.licence_level, u.last_name, u.first_name, u.email, u.mobile, \
                 u.employee_id, u.preferred_channel, u.language, {} FROM bulk_targets t \
                 JOIN users u ON u.company_id = t.company_id AND u.id = t.user_id \
                 WHERE t.company_id = ? AND t.job_id = ? AND t.outcome IS NULL ORDER BY t.user_id LIMIT ?",
                access::POWERS
            ),
            params![company, job.id.as_str(), STEP_USERS],
        )
        .await?;
    if pending.is_empty() {
        return Ok(Step { decided: 0, more: false });
    }
    let ids = json!(pending.iter().map(|p| p.id).collect::<Vec<_>>()).to_string();
    let held = held(db, company, action, &ids).await?;
    let mut seats = match action {
        Action::Activate(_) => Seats(i64::from(users::licences(db, company, licence_capacity).await?.available())),
        _ => Seats(0),
    };
    let mut applied = Vec::new();
    let mut outcomes = Vec::with_capacity(pending.len());
    for user in &pending {
        let mine: Vec<i64> = held.iter().filter(|h| h.user_id == user.id).map(|h| h.id).collect();
        let target = Target {
            status: UserStatus::parse(&user.status).unwrap_or(UserStatus::Deleted),
            licence_level: LicenceLevel::parse(&user.licence_level).unwrap_or_default(),
            is_admin_self: user.id == job.requested_by,
            outranked: !permissions::covers(asker, &user.powers.read()?),
            held: &mine,
        };
        let outcome = match action.decide(&target, &mut seats) {
            Decision::Apply { add, remove } => {
                applied.push(Applied { id: user.id, add, remove });
                "applied"
            }
            Decision::Skip(reason) => reason.code(),
        };
        let person = json!([user.last_name, user.first_name, user.email, user.employee_id]).to_string();
        outcomes.push(json!([user.id, outcome, person]));
    }
    // Outcomes first: they read the users as the changes will find them.
    let mut statements = outcome_statements(db, company, &job.id, action, &outcomes, &applied)?;
    statements.extend(match action {
        Action::ResetPassword | Action::LoginCode if !applied.is_empty() => {
            let links = links.ok_or_else(|| DbError::Platform("a personal message without its context".into()))?;
            // Only users a message can reach are changed: every active user has an address.
            let reached: Vec<&Pending> =
                pending.iter().filter(|p| p.reach().is_some() && applied.iter().any(|a| a.id == p.id)).collect();
            if *action == Action::LoginCode {
                login_code_statements(db, company, links.company_name, &reached).await?
            } else {
                let expires = platform::now().plus_days(PASSWORD_LINK_DAYS);
                let rows = password_link_rows(links, &reached, expires)?;
                let ids = json!(reached.iter().map(|p| p.id).collect::<Vec<_>>()).to_string();
                reset_statements(db, company, job.requested_by, &ids, &rows, expires)?
            }
        }
        _ if applied.is_empty() => Vec::new(),
        _ => change_statements(db, company, action, &applied)?,
    });
    statements.push(jobs::progress_statement(db, company, &job.id, progress(pending.len()))?);
    db.batch(statements).await?;
    let more = pending.len() == STEP_USERS as usize;
    Ok(Step { decided: pending.len(), more })
}

/// How many users a job has decided so far, all steps together.
pub async fn decided(db: &Db, company: CompanyId, job: &str) -> DbResult<u64> {
    let row: Option<Count> = db
        .first(
            "SELECT count(*) AS n FROM bulk_targets WHERE company_id = ? AND job_id = ? AND outcome IS NOT NULL",
            params![company, job],
        )
        .await?;
    Ok(row.map_or(0, |c| u64::try_from(c.n).unwrap_or(0)))
}

/// One line of a job's report.
#[derive(Deserialize)]
pub struct ReportLine {
    /// The user's id.
    pub user_id: i64,
    /// `applied` or a skip reason.
    pub outcome: String,
    /// JSON `[last, first, e-mail, employee id]` as they were.
    pub person: String,
}

/// Lines of a job's report after user `after`, in id order.
pub async fn report_lines(db: &Db, company: CompanyId, job: &str, after: i64, limit: u32) -> DbResult<Vec<ReportLine>> {
    db.all(
        "SELECT user_id, outcome, person FROM bulk_targets WHERE company_id = ? AND job_id = ? AND user_id > ? \
         AND outcome IS NOT NULL ORDER BY user_id LIMIT ?",
        params![company, job, after, limit],
    )
    .await
}

/// How many users got each outcome: `{"applied": n, "skipped": {"deleted": n, …}}`.
pub async fn tally(db: &Db, company: CompanyId, job: &str) -> DbResult<Value> {
    #[derive(Deserialize)]
    struct ByOutcome {
        outcome: String,
        n: i64,
    }
    let rows: Vec<ByOutcome> = db
        .all(
            "SELECT outcome, count(*) AS n FROM bulk_targets WHERE company_id = ? AND job_id = ? \
             AND outcome IS NOT NULL GROUP BY outcome",
            params![company, job],
        )
        .await?;
    let mut skipped = serde_json::Map::new();
    let mut applied = 0;
    for row in rows {
        if row.outcome == "applied" {
            applied = row.n;
        } else if Skip::parse(&row.outcome).is_ok() {
            skipped.insert(row.outcome, row.n.into());
        }
    }
    Ok(json!({ "applied": applied, "skipped": skipped }))
}

/// Ends a bulk job: its report file, its result and its audit entry with
/// the counts land together, and its selection rows go.
pub async fn finish(
    db: &Db,
    company: CompanyId,
    job: &jobs::JobRow,
    file: &jobs::JobFile,
    result: &Value,
    action: &Action,
) -> DbResult<()> {
    let now = platform::now();
    let statements = vec![
        db.statement("INSERT INTO job_commits (job_id, at) VALUES (?, ?)", params![job.id.as_str(), now])?,
        db.statement(
            "UPDATE jobs SET status = 'done', progress = 100, result = ?, finished_at = ?, expires_at = ? \
             WHERE company_id = ? AND id = ?",
            params![result.to_string(), now, roster_core::jobs::files_expire_at(now), company, job.id.as_str()],
        )?,
        db.statement(
            "DELETE FROM bulk_targets WHERE company_id = ? AND job_id = ?",
            params![company, job.id.as_str()],
        )?,
        audit::entry(
            db,
            company,
            Some(job.requested_by),
            &format!("bulk.{}", action.kind().code()),
            Some(&job.id),
            result,
        )?,
        jobs::add_file(db, company, file)?,
    ];
    db.batch(statements).await?;
    Ok(())
}
