//! Users exports (J1, J2): users page by page with their groups, tags and
//! twelve-month statistics, and the one batch that ends an export job.

use roster_core::directory::{Cursor, Sort, UserQuery};
use roster_core::export::users::ExportedUser;
use roster_core::time::Timestamp;
use serde::Deserialize;
use serde_json::Value;

use super::DbResult;
use super::jobs::{self, JobFile};
use super::{CompanyId, Db, audit, params, users};
use crate::platform;

/// A user as exports show them, with their directory position.
#[derive(Debug, Deserialize)]
pub struct ExportRow {
    /// The user's id.
    pub id: i64,
    /// Directory order.
    pub sort_key: String,
    /// What the files show.
    #[serde(flatten)]
    pub user: ExportedUser,
}

impl ExportRow {
    /// The position just after this user in the directory's `sort`.
    pub fn cursor(&self, sort: Sort) -> Cursor {
        sort.cursor(&self.sort_key, self.user.last_access_at.as_deref(), self.id)
    }
}

/// Up to `query.limit` users of a directory query, in directory order,
/// as exports show them; statistics count events since `since`.
pub async fn page(db: &Db, company: CompanyId, query: &UserQuery, since: Timestamp) -> DbResult<Vec<ExportRow>> {
    let (filter, filter_binds) = users::directory_filter(company, query, true);
    // Each figure is an indexed lookup for the user's rows only.
    let sql = format!(
        "SELECT id, sort_key, last_name, first_name, email, mobile, employee_id, department, user_type, role, \
         licence_level, status, preferred_channel, language, created_at, invited_at, activated_at, last_access_at, \
         (SELECT group_concat(name, ', ') FROM (SELECT g.name FROM group_users m JOIN groups g ON g.id = m.group_id \
            WHERE m.company_id = u.company_id AND m.user_id = u.id ORDER BY g.name_key)) AS groups, \
         (SELECT group_concat(name, ', ') FROM (SELECT t.name FROM user_tags ut JOIN tags t ON t.id = ut.tag_id \
            WHERE ut.company_id = u.company_id AND ut.user_id = u.id ORDER BY t.name_key)) AS tags, \
         (SELECT count(*) FROM activity_events e WHERE e.company_id = u.company_id AND e.user_id = u.id \
            AND e.kind = 'login' AND e.at >= ?) AS logins, \
         (SELECT count(*) FROM activity_events e WHERE e.company_id = u.company_id AND e.user_id = u.id \
            AND e.kind = 'participation' AND e.at >= ?) AS participations, \
         (SELECT count(*) FROM activities a WHERE a.company_id = u.company_id AND a.created_by = u.id) \
            AS activities_created \
         FROM users u WHERE {filter} ORDER BY {order} LIMIT ?",
        order = users::order_by(query.sort)
    );
    let mut binds = params![since, since].to_vec();
    binds.extend(filter_binds);
    binds.push(super::Param::to_js(&query.limit));
    db.all(&sql, &binds).await
}

/// A message for the outbox.
pub struct Notice {
    /// The address it goes to.
    pub recipient: String,
    /// Its subject.
    pub subject: String,
    /// Its text.
    pub body: String,
}

/// Ends an export job with its files, in one batch: the files become
/// downloadable until they expire, the requester is notified
/// and the audit log records it. The first statement records the commit,
/// so a second delivery of the job fails whole: one set of files, one
/// entry, one notice.
///
/// # Errors
/// [`DbError::Unique`] when the job was already finished by another delivery.
pub async fn finish(
    db: &Db,
    company: CompanyId,
    job: &jobs::JobRow,
    files: &[JobFile],
    result: &Value,
    notice: Option<&Notice>,
) -> DbResult<()> {
    let now = platform::now();
    let expires = roster_core::jobs::files_expire_at(now).to_string();
    let now = now.to_string();
    let mut statements = vec![
        db.statement("INSERT INTO job_commits (job_id, at) VALUES (?, ?)", params![job.id.as_str(), now.clone()])?,
    ];
    for file in files {
        statements.push(jobs::add_file(db, company, file)?);
    }
    statements.push(db.statement(
        "UPDATE jobs SET status = 'done', progress = 100, result = ?, finished_at = ?, expires_at = ? \
         WHERE company_id = ? AND id = ?",
        params![result.to_string(), now.clone(), expires, company, job.id.as_str()],
    )?);
    statements.push(audit::entry(db, company, Some(job.requested_by), "export.done", Some(&job.id), result)?);
    if let Some(notice) = notice {
        statements.push(db.statement(
            "INSERT INTO outbox (company_id, channel, recipient, subject, body, created_at) VALUES (?, 'email', ?, ?, ?, ?)",
            params![company, notice.recipient.as_str(), notice.subject.as_str(), notice.body.as_str(), now],
        )?);
    }
    db.batch(statements).await?;
    Ok(())
}

/// Records a download in the audit log: who, which file, when.
pub async fn record_download(db: &Db, company: CompanyId, actor: i64, job: &str, name: &str) -> DbResult<()> {
    db.batch(vec![audit::entry(
        db,
        company,
        Some(actor),
        "file.download",
        Some(job),
        &serde_json::json!({ "file": name }),
    )?])
    .await?;
    Ok(())
}
