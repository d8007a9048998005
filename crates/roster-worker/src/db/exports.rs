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
        sort.cursor(&self.sort_key, &self.user.created_at, self.user.last_access_at.as_deref(), self.id)
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

/// A partner company's member of the company's shared groups (J6).
#[derive(Debug, Deserialize)]
pub struct PartnerMember {
    /// The user's id (the next page starts after it).
    pub id: i64,
    /// Their company's name.
    pub company_name: String,
    /// What the row may show; [`roster_core::sharing::masked`] blanks the rest.
    #[serde(flatten)]
    pub user: ExportedUser,
}

/// Up to `limit` members, by id after `after`, that partner companies put
/// in the company's groups `groups` shared with them. Only what a partner
/// may see is read: names, settings, status, and the company's own groups.
pub async fn partner_members(
    db: &Db,
    company: CompanyId,
    groups: &[i64],
    after: i64,
    limit: u32,
) -> DbResult<Vec<PartnerMember>> {
    db.all(
        "SELECT u.id, c.name AS company_name, u.last_name, u.first_name, u.user_type, u.role, u.licence_level, \
         u.status, u.preferred_channel, u.language, u.created_at, \
         (SELECT group_concat(name, ', ') FROM (SELECT g.name FROM group_users m JOIN groups g ON g.id = m.group_id \
            WHERE m.company_id = u.company_id AND m.user_id = u.id AND g.company_id = ?1 ORDER BY g.name_key)) AS groups \
         FROM users u JOIN companies c ON c.id = u.company_id \
         WHERE u.company_id <> ?1 AND u.status <> 'deleted' AND u.id > ?3 AND u.id IN ( \
            SELECT gu.user_id FROM group_users gu \
            JOIN group_partners gp ON gp.group_id = gu.group_id AND gp.company_id = gu.company_id \
            WHERE gp.owner_id = ?1 AND gu.group_id IN (SELECT value FROM json_each(?2))) \
         ORDER BY u.id LIMIT ?4",
        params![company, serde_json::to_string(groups).unwrap_or_default(), after, limit],
    )
    .await
}

/// A message for the outbox, the same for each of its recipients.
pub struct Notice {
    /// The addresses it goes to.
    pub recipients: Vec<String>,
    /// Its subject.
    pub subject: String,
    /// Its text.
    pub body: String,
}

/// Ends an export job with its files, in one batch: the files become
/// downloadable until they expire, the requester (and, for a group
/// export, every administrator managing its groups) is notified
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
    notices: &[Notice],
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
    // One statement per notice whatever the number of its recipients.
    for notice in notices.iter().filter(|n| !n.recipients.is_empty()) {
        statements.push(db.statement(
            "INSERT INTO outbox (company_id, channel, recipient, subject, body, created_at) \
             SELECT ?, 'email', value, ?, ?, ? FROM json_each(?)",
            params![
                company,
                notice.subject.as_str(),
                notice.body.as_str(),
                now.clone(),
                serde_json::to_string(&notice.recipients)?
            ],
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
