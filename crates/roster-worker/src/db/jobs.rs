//! Jobs (imports and exports) run in the background: the job row, who
//! asked, the claim that lets one delivery at a time run a job, progress,
//! failure, and the dashboard's list.

use roster_core::jobs::{self as rules, JobKind, JobParams, JobStatus, MAX_RUNS};
use roster_core::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use worker::D1PreparedStatement;

use super::{CompanyId, Db, DbError, DbResult, audit, params};
use crate::platform;

/// A job as stored, with typed values.
#[derive(Debug, Serialize, Deserialize)]
pub struct JobRow {
    /// Random id.
    pub id: String,
    /// What it does.
    pub kind: JobKind,
    /// What it is about (`users`).
    pub subject: String,
    /// Where it stands.
    pub status: JobStatus,
    /// 0 to 100.
    pub progress: i64,
    /// Who asked.
    pub requested_by: i64,
    /// What was asked (JSON text of [`JobParams`]).
    #[serde(skip_serializing)]
    pub params: String,
    /// The outcome (JSON text), once finished.
    #[serde(skip_serializing)]
    pub result: Option<String>,
    /// When it was asked.
    pub created_at: Timestamp,
    /// When it finished.
    pub finished_at: Option<Timestamp>,
    /// Until when its files may be downloaded.
    pub expires_at: Option<Timestamp>,
}

impl JobRow {
    /// What the job was asked, typed.
    ///
    /// # Errors
    /// [`DbError::Platform`] when the stored parameters do not fit the kind.
    pub fn params(&self) -> DbResult<JobParams> {
        JobParams::read(self.kind, &self.params)
            .ok_or_else(|| DbError::Platform(format!("job {} has unreadable parameters", self.id)))
    }

    /// Whether its files are gone at `now`.
    pub fn files_expired(&self, now: Timestamp) -> bool {
        rules::files_expired(self.expires_at, now)
    }

    /// The job for the API: parameters and result as JSON values.
    pub fn to_json(&self) -> Value {
        let parse =
            |text: Option<&str>| text.and_then(|t| serde_json::from_str::<Value>(t).ok()).unwrap_or(Value::Null);
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        value["params"] = JobParams::shown(parse(Some(&self.params)));
        value["result"] = parse(self.result.as_deref());
        value
    }
}

const JOB: &str = "SELECT id, kind, subject, status, progress, requested_by, params, result, created_at, finished_at, expires_at FROM jobs";

/// Records a queued job with its files so far (an import's upload) and its
/// audit entry, in one batch.
pub async fn create(
    db: &Db,
    company: CompanyId,
    actor: i64,
    id: &str,
    params: &JobParams,
    files: &[JobFile],
) -> DbResult<()> {
    db.batch(create_statements(db, company, actor, id, params, files)?).await?;
    Ok(())
}

/// [`create`] as statements, to run in the batch of what comes with the job.
pub fn create_statements(
    db: &Db,
    company: CompanyId,
    actor: i64,
    id: &str,
    params: &JobParams,
    files: &[JobFile],
) -> DbResult<Vec<D1PreparedStatement>> {
    let (kind, subject) = (params.kind().code(), params.subject());
    let params = serde_json::to_value(params)?;
    let mut statements = vec![db.statement(
        "INSERT INTO jobs (id, company_id, kind, subject, status, progress, requested_by, params, created_at) \
         VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?)",
        params![id, company, kind, subject, actor, params.to_string(), platform::now()],
    )?];
    for file in files {
        statements.push(add_file(db, company, file)?);
    }
    let shown = JobParams::shown(params);
    statements.push(audit::entry(db, company, Some(actor), &format!("{kind}.request"), Some(id), &shown)?);
    Ok(statements)
}

/// One job of the company, of any kind.
pub async fn job(db: &Db, company: CompanyId, id: &str) -> DbResult<Option<JobRow>> {
    db.first(&format!("{JOB} WHERE company_id = ? AND id = ?"), params![company, id]).await
}

/// One job of the company of this kind: an import's id is not an export.
pub async fn job_of_kind(db: &Db, company: CompanyId, kind: JobKind, id: &str) -> DbResult<Option<JobRow>> {
    db.first(&format!("{JOB} WHERE company_id = ? AND id = ? AND kind = ?"), params![company, id, kind.code()]).await
}

/// Who asked for a job, as the import checks need them.
#[derive(Debug, Deserialize)]
pub struct Requester {
    /// Their e-mail address, for notices.
    pub email: Option<String>,
    /// Role code.
    pub role: String,
    /// Language code.
    pub language: String,
    /// Company settings (JSON text).
    pub settings: String,
}

/// The requester of a job of the company.
pub async fn requester(db: &Db, company: CompanyId, user_id: i64) -> DbResult<Option<Requester>> {
    db.first(
        "SELECT u.email, u.role, u.language, c.settings FROM users u JOIN companies c ON c.id = u.company_id \
         WHERE u.company_id = ? AND u.id = ?",
        params![company, user_id],
    )
    .await
}

/// What a delivery finds when it tries to take a job.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// It is ours to run now.
    Taken,
    /// Another delivery is running it.
    Busy,
    /// It finished already (or is not this company's).
    Finished,
}

/// Takes a queued job, or a running one whose consumer went silent, and
/// clears what an interrupted earlier run staged. Only one delivery at a
/// time can take a job.
pub async fn claim(db: &Db, company: CompanyId, id: &str) -> DbResult<Claim> {
    let now = platform::now();
    let stale = rules::lease_lapsed_before(now);
    let taken = db
        .run(
            "UPDATE jobs SET status = 'running', progress = 5, runs = runs + 1, started_at = coalesce(started_at, ?), heartbeat_at = ? \
             WHERE company_id = ? AND id = ? AND (status = 'queued' OR (status = 'running' AND heartbeat_at < ?))",
            params![now, now, company, id, stale],
        )
        .await?;
    if taken == 1 {
        db.run("DELETE FROM import_staging WHERE job_id = ?", params![id]).await?;
        return Ok(Claim::Taken);
    }
    Ok(match job(db, company, id).await? {
        Some(j) if j.status == JobStatus::Running => Claim::Busy,
        _ => Claim::Finished,
    })
}

/// Sets a running job's progress, which is also its sign of life.
pub async fn progress(db: &Db, company: CompanyId, id: &str, percent: i64) -> DbResult<()> {
    db.batch(vec![progress_statement(db, company, id, percent)?]).await?;
    Ok(())
}

/// [`progress`] as a statement, to run in the batch of the step it reports.
pub fn progress_statement(db: &Db, company: CompanyId, id: &str, percent: i64) -> DbResult<D1PreparedStatement> {
    db.statement(
        "UPDATE jobs SET progress = ?, heartbeat_at = ? WHERE company_id = ? AND id = ?",
        params![percent, platform::now().to_string(), company, id],
    )
}

/// Ends a job as failed with its `result`; nothing of it is live. Its
/// files (an import's upload) stay downloadable until they expire.
pub async fn fail(db: &Db, company: CompanyId, job: &JobRow, result: &Value) -> DbResult<()> {
    let now = platform::now();
    db.batch(vec![
        db.statement("DELETE FROM import_staging WHERE job_id = ?", params![job.id.as_str()])?,
        db.statement(
            "DELETE FROM bulk_targets WHERE company_id = ? AND job_id = ?",
            params![company, job.id.as_str()],
        )?,
        // People an invitation job claimed but never split into batches are free again.
        db.statement(
            "DELETE FROM activity_invitees WHERE company_id = ? AND job_id = ? AND invitation_id IS NULL",
            params![company, job.id.as_str()],
        )?,
        db.statement(
            "UPDATE jobs SET status = 'failed', progress = 100, result = ?, finished_at = ?, expires_at = ? \
             WHERE company_id = ? AND id = ?",
            params![result.to_string(), now, rules::files_expire_at(now), company, job.id.as_str()],
        )?,
        audit::entry(db, company, Some(job.requested_by), &format!("{}.fail", job.kind.code()), Some(&job.id), result)?,
    ])
    .await?;
    Ok(())
}

/// After a run stopped on an error: hands the job back to the queue (true)
/// while it has had fewer than [`MAX_RUNS`], else ends it as failed (false).
pub async fn release(db: &Db, company: CompanyId, id: &str) -> DbResult<bool> {
    let released = db
        .run(
            "UPDATE jobs SET status = 'queued' WHERE company_id = ? AND id = ? AND status = 'running' AND runs < ?",
            params![company, id, MAX_RUNS],
        )
        .await?;
    if released == 1 {
        return Ok(true);
    }
    if let Some(job) = job(db, company, id).await?.filter(|j| j.status == JobStatus::Running) {
        let message = if job.kind == JobKind::Bulk {
            // Each finished step of a bulk action is committed on its own.
            "The action stopped on an error several times: the users it reached keep the change, the others were left as they were. Try again later."
        } else {
            "The job stopped on an error several times; nothing of it was kept. Try again later."
        };
        let result = serde_json::json!({ "outcome": "failed", "error": { "code": "internal", "message": message } });
        fail(db, company, &job, &result).await?;
    }
    Ok(false)
}

/// Hands a running job back to the queue to go on in a fresh delivery,
/// with a fresh statement budget: a pause, not a failed run.
pub async fn requeue(db: &Db, company: CompanyId, id: &str) -> DbResult<()> {
    db.run(
        "UPDATE jobs SET status = 'queued', runs = 0 WHERE company_id = ? AND id = ? AND status = 'running'",
        params![company, id],
    )
    .await?;
    Ok(())
}

/// The company's jobs asked for since `since`, newest first, at most
/// [`rules::DASHBOARD_MAX_JOBS`]; with `requested_by`, that user's and
/// every group export (for the caller to keep those they may read).
pub async fn recent(db: &Db, company: CompanyId, since: Timestamp, requested_by: Option<i64>) -> DbResult<Vec<JobRow>> {
    let mut sql = format!("{JOB} WHERE company_id = ? AND created_at >= ?");
    let mut binds = params![company, since].to_vec();
    if let Some(user) = requested_by {
        // Theirs, and group exports others may share with them.
        sql.push_str(" AND (requested_by = ? OR subject = 'group_members')");
        binds.push(super::Param::to_js(&user));
    }
    sql.push_str(" ORDER BY created_at DESC, id LIMIT ?");
    binds.push(super::Param::to_js(&rules::DASHBOARD_MAX_JOBS));
    db.all(&sql, &binds).await
}

/// A file of a job.
#[derive(Debug, Serialize, Deserialize)]
pub struct JobFile {
    /// The job's id.
    pub job_id: String,
    /// The download's name.
    pub name: String,
    /// Where the bytes are stored.
    #[serde(skip_serializing)]
    pub object_key: String,
    /// Its size in bytes.
    pub bytes: i64,
    /// Its data rows, for generated files.
    pub rows: Option<i64>,
    /// When the cleanup deleted it.
    pub deleted_at: Option<String>,
}

impl JobFile {
    /// A file a job wrote: `bytes` long, with `rows` data rows.
    pub fn written(job_id: &str, name: String, object_key: String, bytes: u64, rows: u64) -> Self {
        Self {
            job_id: job_id.to_owned(),
            name,
            object_key,
            bytes: i64::try_from(bytes).unwrap_or(i64::MAX),
            rows: Some(i64::try_from(rows).unwrap_or(i64::MAX)),
            deleted_at: None,
        }
    }
}

const FILE: &str = "SELECT job_id, name, object_key, bytes, rows, deleted_at FROM job_files";

/// The statement that records a file of a job.
pub fn add_file(db: &Db, company: CompanyId, file: &JobFile) -> DbResult<worker::D1PreparedStatement> {
    db.statement(
        "INSERT INTO job_files (company_id, job_id, name, object_key, bytes, rows) VALUES (?, ?, ?, ?, ?, ?)",
        params![company, file.job_id.as_str(), file.name.as_str(), file.object_key.as_str(), file.bytes, file.rows],
    )
}

/// The files of one job of the company.
pub async fn files(db: &Db, company: CompanyId, job: &str) -> DbResult<Vec<JobFile>> {
    db.all(&format!("{FILE} WHERE company_id = ? AND job_id = ? ORDER BY name"), params![company, job]).await
}

/// The files of the company's jobs asked for since `since`: one statement
/// whatever the number of jobs.
pub async fn files_since(db: &Db, company: CompanyId, since: Timestamp) -> DbResult<Vec<JobFile>> {
    db.all(
        "SELECT f.job_id, f.name, f.object_key, f.bytes, f.rows, f.deleted_at FROM job_files f \
         JOIN jobs j ON j.id = f.job_id AND j.company_id = f.company_id \
         WHERE f.company_id = ? AND j.created_at >= ? ORDER BY f.job_id, f.name",
        params![company, since],
    )
    .await
}

/// Files whose job expired before `now` and that are still stored, across
/// companies: the scheduled cleanup's work list.
pub async fn expired_files(db: &Db, now: Timestamp, limit: u32) -> DbResult<Vec<(CompanyId, JobFile)>> {
    #[derive(Deserialize)]
    struct Expired {
        company_id: i64,
        #[serde(flatten)]
        file: JobFile,
    }
    let rows: Vec<Expired> = db
        .all(
            "SELECT f.company_id, f.job_id, f.name, f.object_key, f.bytes, f.rows, f.deleted_at \
             FROM jobs j JOIN job_files f ON f.job_id = j.id AND f.company_id = j.company_id \
             WHERE j.expires_at IS NOT NULL AND j.expires_at <= ? AND f.deleted_at IS NULL LIMIT ?",
            params![now, limit],
        )
        .await?;
    Ok(rows.into_iter().map(|r| (CompanyId::trusted(r.company_id), r.file)).collect())
}

/// Records that a file's stored bytes were deleted.
pub async fn mark_deleted(db: &Db, company: CompanyId, file: &JobFile) -> DbResult<()> {
    db.run(
        "UPDATE job_files SET deleted_at = ? WHERE company_id = ? AND job_id = ? AND name = ?",
        params![platform::now(), company, file.job_id.as_str(), file.name.as_str()],
    )
    .await?;
    Ok(())
}
