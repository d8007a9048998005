//! Invitations to an activity (E1–E3). Recipients are claimed with one
//! set-based statement into `activity_invitees`, whose unique indexes make
//! sure a person is invited once per activity however close two admins
//! invite; the claimed people are then numbered in directory order and
//! split into batches of 200. The scheduler sends each round of each batch
//! in one transaction that also records it, so a round goes once.

use roster_core::Language;
use roster_core::invitation::batch::{self, BATCH_SIZE};
use roster_core::invitation::message::Text;
use roster_core::invitation::schedule::{Progress, Schedule, Step};
use roster_core::jobs::ActivityInvitation;
use roster_core::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wasm_bindgen::JsValue;

use super::{CompanyId, Db, DbResult, Param, audit, params};
use crate::platform;

/// Who an invitation is asked for: groups, users and contacts of the company.
#[derive(Debug, Default, Clone)]
pub struct Picks {
    /// Group ids.
    pub groups: Vec<i64>,
    /// User ids.
    pub users: Vec<i64>,
    /// Contact ids.
    pub contacts: Vec<i64>,
}

/// People a person is counted as: still to invite unless inactive, deleted
/// or invited to the activity already.
const ELIGIBLE: &str = "status NOT IN ('inactive', 'deleted') AND NOT invited";

/// The people picked for `activity`, as the CTE `people(user_id,
/// contact_id, status, sort_key, invited)`, each person once: archived
/// groups bring no one, contacts that became users are theirs.
///
/// `CROSS JOIN` fixes the join order (groups, then their members, then
/// each member's row by key): left to itself, the planner may loop over the
/// company's whole directory and search the picks for each person, which
/// at 100,000 people is quadratic. The unary `+` keeps it reading a group's
/// members by the group's key rather than every membership of the company.
fn people(company: CompanyId, activity: i64, picks: &Picks) -> DbResult<(String, Vec<JsValue>)> {
    let members = |table: &str, column: &str| {
        format!(
            "SELECT m.{column} FROM json_each(?) j CROSS JOIN groups g ON g.company_id = ? AND g.id = j.value \
             AND g.archived_at IS NULL CROSS JOIN {table} m ON m.group_id = g.id AND +m.company_id = g.company_id \
             UNION SELECT value FROM json_each(?)"
        )
    };
    let sql = format!(
        "WITH picked_users(id) AS ({}), picked_contacts(id) AS ({}), \
         people(user_id, contact_id, status, sort_key, invited) AS ( \
           SELECT u.id, NULL, u.status, u.sort_key, \
             EXISTS (SELECT 1 FROM activity_invitees i WHERE i.activity_id = ? AND i.user_id = u.id) \
             FROM picked_users p CROSS JOIN users u ON u.id = p.id AND u.company_id = ? \
           UNION ALL SELECT NULL, c.id, 'contact', c.sort_key, \
             EXISTS (SELECT 1 FROM activity_invitees i WHERE i.activity_id = ? AND i.contact_id = c.id) \
             FROM picked_contacts p CROSS JOIN contacts c ON c.id = p.id AND c.company_id = ? WHERE c.user_id IS NULL) ",
        members("group_users", "user_id"),
        members("group_contacts", "contact_id"),
    );
    let groups = serde_json::to_string(&picks.groups)?;
    let binds = vec![
        groups.as_str().into(),
        company.to_js_value(),
        serde_json::to_string(&picks.users)?.into(),
        groups.as_str().into(),
        company.to_js_value(),
        serde_json::to_string(&picks.contacts)?.into(),
        activity.to_js(),
        company.to_js_value(),
        activity.to_js(),
        company.to_js_value(),
    ];
    Ok((sql, binds))
}

/// The directory order of recipients: contacts before users of the same name.
const ORDER: &str = "sort_key, user_id IS NOT NULL, coalesce(user_id, contact_id)";

/// A picked group with its member count (users not deleted, and contacts).
#[derive(Debug, Serialize, Deserialize)]
pub struct PickedGroup {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Whether it is archived (then it brings no one).
    #[serde(deserialize_with = "super::flag")]
    pub archived: bool,
    /// Its members.
    pub members: i64,
}

/// The picked groups of the company (unknown ids are left out).
pub async fn picked_groups(db: &Db, company: CompanyId, groups: &[i64]) -> DbResult<Vec<PickedGroup>> {
    db.all(
        "SELECT g.id, g.name, g.archived_at IS NOT NULL AS archived, \
         (SELECT count(*) FROM group_users m CROSS JOIN users u ON u.id = m.user_id AND u.company_id = m.company_id \
           WHERE m.group_id = g.id AND +m.company_id = g.company_id AND u.status != 'deleted') + \
         (SELECT count(*) FROM group_contacts m WHERE m.group_id = g.id AND +m.company_id = g.company_id) AS members \
         FROM groups g WHERE g.company_id = ? AND g.id IN (SELECT value FROM json_each(?)) ORDER BY g.name_key",
        params![company, serde_json::to_string(groups)?],
    )
    .await
}

/// How many of `ids` are users (or contacts) of the company.
pub async fn known_people(db: &Db, company: CompanyId, users: &[i64], contacts: &[i64]) -> DbResult<(i64, i64)> {
    #[derive(Deserialize)]
    struct Counts {
        users: i64,
        contacts: i64,
    }
    let counts: Option<Counts> = db
        .first(
            "SELECT (SELECT count(*) FROM users WHERE company_id = ? AND id IN (SELECT value FROM json_each(?))) AS users, \
             (SELECT count(*) FROM contacts WHERE company_id = ? AND user_id IS NULL \
               AND id IN (SELECT value FROM json_each(?))) AS contacts",
            params![company, serde_json::to_string(users)?, company, serde_json::to_string(contacts)?],
        )
        .await?;
    Ok(counts.map_or((0, 0), |c| (c.users, c.contacts)))
}

/// What the picks come to (E1).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Totals {
    /// Distinct people picked.
    pub people: i64,
    /// People who will be invited.
    pub recipients: i64,
    /// Skipped: deactivated users.
    pub inactive: i64,
    /// Skipped: deleted users.
    pub deleted: i64,
    /// Skipped: invited to this activity already.
    pub already_invited: i64,
}

/// Counts the picks: each person once, with who is skipped and why.
pub async fn totals(db: &Db, company: CompanyId, activity: i64, picks: &Picks) -> DbResult<Totals> {
    let (cte, binds) = people(company, activity, picks)?;
    let sql = format!(
        "{cte} SELECT count(*) AS people, coalesce(sum({ELIGIBLE}), 0) AS recipients, \
         coalesce(sum(status = 'inactive'), 0) AS inactive, coalesce(sum(status = 'deleted'), 0) AS deleted, \
         coalesce(sum(invited AND status NOT IN ('inactive', 'deleted')), 0) AS already_invited FROM people"
    );
    Ok(db.first(&sql, &binds).await?.unwrap_or_default())
}

#[derive(Deserialize)]
struct Bound {
    n: usize,
    sort_key: String,
}

/// The batches of `total` recipients from the sort keys at their bounds.
fn batches_from(total: usize, bounds: &[Bound]) -> Vec<batch::Batch> {
    batch::from_bounds(total, |n| bounds.iter().find(|b| b.n == n).map_or("", |b| b.sort_key.as_str()))
}

/// Where each batch starts and ends among rows numbered `n` from 0 out of
/// `size`: only those rows are read, however many recipients.
fn bound_filter(size: &str) -> String {
    format!("n % {BATCH_SIZE} = 0 OR n % {BATCH_SIZE} = {} OR n = {size} - 1", BATCH_SIZE - 1)
}

/// The batches the picks would make now (the preview; the job numbers its
/// own claimed recipients the same way).
pub async fn preview_batches(
    db: &Db,
    company: CompanyId,
    activity: i64,
    picks: &Picks,
    total: i64,
) -> DbResult<Vec<batch::Batch>> {
    let (cte, mut binds) = people(company, activity, picks)?;
    let sql = format!(
        "{cte} SELECT n, sort_key FROM (SELECT row_number() OVER (ORDER BY {ORDER}) - 1 AS n, sort_key \
         FROM people WHERE {ELIGIBLE}) WHERE {}",
        bound_filter("?")
    );
    binds.push(total.to_js());
    let bounds: Vec<Bound> = db.all(&sql, &binds).await?;
    Ok(batches_from(usize::try_from(total).unwrap_or(0), &bounds))
}

/// Claims the picked people for the job: one statement, however many.
/// People claimed by another invitation of the activity meanwhile are left
/// to it. Returns how many this job holds (a retried job keeps its own).
pub async fn claim(db: &Db, company: CompanyId, job: &str, params: &ActivityInvitation) -> DbResult<i64> {
    #[derive(Deserialize)]
    struct Count {
        n: i64,
    }
    let picks = Picks { groups: params.groups.clone(), users: params.users.clone(), contacts: params.contacts.clone() };
    let (cte, mut binds) = people(company, params.activity_id, &picks)?;
    let sql = format!(
        "{cte} INSERT OR IGNORE INTO activity_invitees (company_id, activity_id, job_id, user_id, contact_id, sort_key) \
         SELECT ?, ?, ?, user_id, contact_id, sort_key FROM people WHERE {ELIGIBLE} ORDER BY {ORDER}"
    );
    binds.extend([company.to_js_value(), params.activity_id.to_js(), job.into()]);
    db.run(&sql, &binds).await?;
    let held: Option<Count> = db
        .first("SELECT count(*) AS n FROM activity_invitees WHERE company_id = ? AND job_id = ?", params![company, job])
        .await?;
    Ok(held.map_or(0, |c| c.n))
}

/// An invitation a job makes: the people it claimed carry its `part`.
pub struct PartInvitation<'a> {
    /// The activity.
    pub activity_id: i64,
    /// When its messages go.
    pub schedule: &'a Schedule,
}

/// Claimed people of a job counted at a batch bound.
#[derive(Deserialize)]
struct PartBound {
    part: usize,
    size: usize,
    n: usize,
    sort_key: String,
}

/// The job's claimed people numbered within their part in directory order.
fn numbered() -> String {
    format!(
        "SELECT id, part, row_number() OVER (PARTITION BY part ORDER BY {ORDER}) - 1 AS n, \
         count(*) OVER (PARTITION BY part) AS size, sort_key FROM activity_invitees WHERE company_id = ? AND job_id = ?"
    )
}

/// What a job's claims came to: recipients and batches of each part.
#[derive(Debug, Default)]
pub struct Split {
    /// Recipients held by each part that holds any: `(part, recipients)`.
    pub held: Vec<(usize, usize)>,
    /// Batches made, over all parts.
    pub batches: usize,
}

/// Statements per batch while staging (a batch is one transaction).
const STAGING_STATEMENTS: usize = 8;

/// Splits the job's claimed people into batches of 200 (within each part,
/// `invitations[part]`), then ends the job in one transaction whose first
/// statement records the commit: a second delivery cannot split them
/// twice, and no invitation goes live before all of them do. The batches
/// are staged first, so the final statements stay small however many.
///
/// # Errors
/// [`super::DbError::Unique`] when another delivery finished the job.
pub async fn split_and_finish(
    db: &Db,
    company: CompanyId,
    job: &super::jobs::JobRow,
    invitations: &[PartInvitation<'_>],
    (origin, language): (&str, Language),
    result: impl Fn(&Split) -> Value,
    (action, files_expire): (&str, Option<Timestamp>),
) -> DbResult<Split> {
    let bounds: Vec<PartBound> = db
        .all(
            &format!(
                "SELECT part, size, n, sort_key FROM ({}) WHERE {} ORDER BY part, n",
                numbered(),
                bound_filter("size")
            ),
            params![company, job.id.as_str()],
        )
        .await?;
    let mut split = Split::default();
    let mut rows = super::JsonRows::default();
    for same_part in bounds.chunk_by(|a, b| a.part == b.part) {
        let (part, size) = (same_part[0].part, same_part[0].size);
        let Some(invitation) = invitations.get(part) else { continue };
        let bounds: Vec<Bound> = same_part.iter().map(|b| Bound { n: b.n, sort_key: b.sort_key.clone() }).collect();
        let schedule = serde_json::to_string(invitation.schedule)?;
        let next_at = invitation.schedule.next_at(Progress::default()).map(|at| at.to_string());
        for b in batches_from(size, &bounds) {
            rows.push(&json!({ "batch": split.batches, "part": part, "activity_id": invitation.activity_id,
                "label": b.label, "recipients": b.recipients, "schedule": schedule, "next_at": next_at }));
            split.batches += 1;
        }
        split.held.push((part, size));
    }
    for chunk in rows.arrays().chunks(STAGING_STATEMENTS) {
        let mut statements = Vec::with_capacity(chunk.len());
        for (first, array) in chunk {
            statements.push(db.statement(
                "INSERT INTO import_staging (job_id, seq, kind, payload) SELECT ?, ? + key, 'batch', value FROM json_each(?)",
                params![job.id.as_str(), *first, array.as_str()],
            )?);
        }
        db.batch(statements).await?;
    }
    let result = result(&split);
    let now = platform::now();
    let staged = "FROM import_staging WHERE job_id = ? AND kind = 'batch'";
    let statements = vec![
        db.statement("INSERT INTO job_commits (job_id, at) VALUES (?, ?)", params![job.id.as_str(), now])?,
        db.statement(
            &format!(
                "INSERT INTO activity_invitations (company_id, activity_id, job_id, batch, label, recipients, schedule, \
                 origin, language, next_at, created_by, created_at) SELECT ?, json_extract(payload, '$.activity_id'), \
                 job_id, json_extract(payload, '$.batch'), json_extract(payload, '$.label'), \
                 json_extract(payload, '$.recipients'), json_extract(payload, '$.schedule'), ?, ?, \
                 json_extract(payload, '$.next_at'), ?, ? {staged} ORDER BY seq"
            ),
            params![company, origin, language.code(), job.requested_by, now, job.id.as_str()],
        )?,
        // Each person's batch: the part's first batch, plus their rank in the part by 200.
        db.statement(
            &format!(
                "UPDATE activity_invitees SET invitation_id = (SELECT a.id FROM activity_invitations a \
                 WHERE a.job_id = ? AND a.batch = r.first + r.n / {BATCH_SIZE}) \
                 FROM (SELECT x.id, x.n, f.first FROM ({}) x JOIN (SELECT json_extract(payload, '$.part') AS part, \
                   min(json_extract(payload, '$.batch')) AS first {staged} GROUP BY 1) f ON f.part = x.part) r \
                 WHERE activity_invitees.id = r.id",
                numbered()
            ),
            params![job.id.as_str(), company, job.id.as_str(), job.id.as_str()],
        )?,
        db.statement("DELETE FROM import_staging WHERE job_id = ?", params![job.id.as_str()])?,
        db.statement(
            "UPDATE jobs SET status = 'done', progress = 100, result = ?, finished_at = ?, expires_at = ? \
             WHERE company_id = ? AND id = ?",
            params![result.to_string(), now, files_expire, company, job.id.as_str()],
        )?,
        audit::entry(db, company, Some(job.requested_by), action, Some(&job.id), &result)?,
    ];
    db.batch(statements).await?;
    Ok(split)
}

/// An invitation batch as lists show it.
#[derive(Debug, Serialize, Deserialize)]
pub struct InvitationRow {
    /// Its id.
    pub id: i64,
    /// The activity.
    pub activity_id: i64,
    /// The activity's title.
    pub title: String,
    /// The job that made it.
    pub job_id: String,
    /// Its number within the job, from 0.
    pub batch: i64,
    /// `DU–MA`.
    pub label: String,
    /// Its recipients.
    pub recipients: i64,
    /// The schedule (JSON text).
    pub schedule: String,
    /// What went (JSON text).
    pub progress: String,
    /// When the next round is due.
    pub next_at: Option<String>,
    /// When it was made.
    pub created_at: String,
}

const INVITATION: &str = "SELECT ai.id, ai.activity_id, a.title, ai.job_id, ai.batch, ai.label, ai.recipients, \
    ai.schedule, ai.progress, ai.next_at, ai.created_at FROM activity_invitations ai \
    JOIN activities a ON a.company_id = ai.company_id AND a.id = ai.activity_id";

/// The invitations of an activity, newest first, batches in order.
pub async fn of_activity(db: &Db, company: CompanyId, activity: i64) -> DbResult<Vec<InvitationRow>> {
    db.all(
        &format!(
            "{INVITATION} WHERE ai.company_id = ? AND ai.activity_id = ? ORDER BY ai.created_at DESC, ai.id LIMIT 1000"
        ),
        params![company, activity],
    )
    .await
}

/// A person's invitation, with the rounds that reached them.
#[derive(Debug, Serialize, Deserialize)]
pub struct PersonInvitation {
    /// The batch.
    #[serde(flatten)]
    pub invitation: InvitationRow,
    /// When the invitation reached them.
    pub sent_at: Option<String>,
    /// When it was last resent to them.
    pub resent_at: Option<String>,
    /// When they were reminded.
    pub reminded_at: Option<String>,
}

/// The invitations of a user (`user = true`) or a contact.
pub async fn of_person(db: &Db, company: CompanyId, user: bool, id: i64) -> DbResult<Vec<PersonInvitation>> {
    let column = if user { "user_id" } else { "contact_id" };
    db.all(
        &format!(
            "SELECT ai.id, ai.activity_id, a.title, ai.job_id, ai.batch, ai.label, ai.recipients, ai.schedule, \
             ai.progress, ai.next_at, ai.created_at, i.sent_at, i.resent_at, i.reminded_at FROM activity_invitees i \
             JOIN activity_invitations ai ON ai.id = i.invitation_id \
             JOIN activities a ON a.company_id = ai.company_id AND a.id = ai.activity_id \
             WHERE i.company_id = ? AND i.{column} = ? ORDER BY ai.created_at DESC LIMIT 200"
        ),
        params![company, id],
    )
    .await
}

/// An invitation with a round due, across companies (the scheduler's view).
#[derive(Debug, Deserialize)]
pub struct DueRow {
    /// Its id.
    pub id: i64,
    /// Its company.
    pub company_id: i64,
    /// The activity's type code.
    pub kind: String,
    /// The activity's title.
    pub title: String,
    /// The schedule (JSON text).
    pub schedule: String,
    /// What went (JSON text).
    pub progress: String,
    /// The console's address.
    pub origin: String,
    /// The language of messages to contacts.
    pub language: String,
    /// The company's settings (JSON text), for its time zone.
    pub settings: String,
}

/// Invitations with a round due at `now`, oldest due first, of every
/// company or of `scope`.
pub async fn due(db: &Db, now: Timestamp, scope: Option<CompanyId>, limit: u32) -> DbResult<Vec<DueRow>> {
    db.all(
        "SELECT ai.id, ai.company_id, a.type AS kind, a.title, ai.schedule, ai.progress, ai.origin, ai.language, c.settings \
         FROM activity_invitations ai JOIN activities a ON a.company_id = ai.company_id AND a.id = ai.activity_id \
         JOIN companies c ON c.id = ai.company_id WHERE ai.next_at <= ? AND (? IS NULL OR ai.company_id = ?) \
         ORDER BY ai.next_at LIMIT ?",
        params![now, scope, scope, limit],
    )
    .await
}

/// A round's texts in French and English, by e-mail and by SMS.
pub struct RoundTexts {
    /// (French, English) e-mails.
    pub email: (Text, Text),
    /// (French, English) text messages.
    pub sms: (Text, Text),
}

/// Sends the due rounds of one invitation and records them, in one
/// transaction that only acts if the invitation's progress is still
/// `before`: a second scheduler run, however close, sends nothing.
/// Returns how many messages went to the outbox.
pub async fn send_rounds(
    db: &Db,
    row: &DueRow,
    before: Progress,
    rounds: &[(Step, RoundTexts)],
    after: Progress,
    schedule: &Schedule,
) -> DbResult<usize> {
    let company = CompanyId::trusted(row.company_id);
    let now = platform::now();
    let before = serde_json::to_string(&before)?;
    let guard = "EXISTS (SELECT 1 FROM activity_invitations WHERE id = ? AND progress = ?)";
    let mut statements = Vec::new();
    let mut queued_by = Vec::new(); // which statements queue messages
    for (step, texts) in rounds {
        let (who, stamp) = match step {
            Step::Send => ("i.sent_at IS NULL", "sent_at"),
            Step::Resend(_) => ("i.sent_at IS NOT NULL", "resent_at"),
            Step::Remind => ("i.sent_at IS NOT NULL", "reminded_at"),
        };
        // Resends and reminders go only to those who have not started.
        let not_started = if *step == Step::Send {
            ""
        } else {
            " AND NOT EXISTS (SELECT 1 FROM activity_events e WHERE e.company_id = i.company_id \
              AND e.activity_id = i.activity_id AND e.kind = 'participation' \
              AND (e.user_id = i.user_id OR e.contact_id = i.contact_id))"
        };
        let reach = format!(
            "SELECT i.company_id, i.user_id, i.contact_id, \
               CASE WHEN u.id IS NOT NULL THEN \
                 CASE WHEN (u.preferred_channel = 'sms' AND u.mobile IS NOT NULL) OR u.email IS NULL THEN 'sms' ELSE 'email' END \
               ELSE CASE WHEN c.email IS NOT NULL THEN 'email' ELSE 'sms' END END AS channel, \
               CASE WHEN coalesce(u.language, ?) = 'fr' THEN 'fr' ELSE 'en' END AS lang, \
               u.email AS u_email, u.mobile AS u_mobile, c.email AS c_email, c.mobile AS c_mobile \
             FROM activity_invitees i \
             LEFT JOIN users u ON u.company_id = i.company_id AND u.id = i.user_id \
             LEFT JOIN contacts c ON c.company_id = i.company_id AND c.id = i.contact_id \
             WHERE i.invitation_id = ? AND {who} AND (u.id IS NULL OR u.status NOT IN ('inactive', 'deleted')){not_started}"
        );
        let sql = format!(
            "INSERT INTO outbox (company_id, channel, recipient, subject, body, created_at, kind, user_id, contact_id) \
             SELECT company_id, channel, address, \
               CASE channel WHEN 'email' THEN CASE lang WHEN 'fr' THEN ? ELSE ? END END, \
               CASE channel || '/' || lang WHEN 'email/fr' THEN ? WHEN 'email/en' THEN ? WHEN 'sms/fr' THEN ? ELSE ? END, \
               ?, ?, user_id, contact_id \
             FROM (SELECT *, CASE channel WHEN 'sms' THEN coalesce(u_mobile, c_mobile) ELSE coalesce(u_email, c_email) END \
               AS address FROM ({reach})) WHERE address IS NOT NULL AND {guard}"
        );
        queued_by.push(statements.len());
        statements.push(db.statement(
            &sql,
            params![
                texts.email.0.subject.clone(),
                texts.email.1.subject.clone(),
                texts.email.0.body.as_str(),
                texts.email.1.body.as_str(),
                texts.sms.0.body.as_str(),
                texts.sms.1.body.as_str(),
                now,
                step.code(),
                row.language.as_str(),
                row.id,
                row.id,
                before.as_str()
            ],
        )?);
        statements.push(db.statement(
            &format!("UPDATE activity_invitees AS i SET {stamp} = ? WHERE i.invitation_id = ? AND {who} AND {guard}"),
            params![now, row.id, row.id, before.as_str()],
        )?);
        if *step == Step::Send {
            for table in ["users", "contacts"] {
                let column = if table == "users" { "user_id" } else { "contact_id" };
                statements.push(db.statement(
                    &format!(
                        "UPDATE {table} SET invited_at = ? WHERE company_id = ? AND id IN \
                         (SELECT {column} FROM activity_invitees WHERE invitation_id = ?) AND {guard}"
                    ),
                    params![now, company, row.id, row.id, before.as_str()],
                )?);
            }
        }
    }
    statements.push(db.statement(
        "UPDATE activity_invitations SET progress = ?, next_at = ? WHERE id = ? AND progress = ?",
        params![serde_json::to_string(&after)?, schedule.next_at(after), row.id, before.as_str()],
    )?);
    let results = db.batch(statements).await?;
    Ok(queued_by
        .iter()
        .filter_map(|&i| results.get(i))
        .filter_map(|r| r.meta().ok().flatten().and_then(|m| m.changes))
        .sum())
}
