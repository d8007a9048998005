//! How records are shown by the API when more than one route shows them.

use roster_core::directory::Cursor;
use roster_core::invitation::schedule::{Progress, Schedule};
use roster_core::jobs::JobKind;
use roster_core::time::{Timestamp, Zone};
use serde_json::{Value, json};
use worker::Response;

use crate::db::activity_invitations::{InvitationRow, PersonInvitation};
use crate::db::jobs::{self, JobFile, JobRow};
use crate::db::{CompanyId, Db};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, percent_encoded};
use crate::platform;

/// Where a job of `kind` lives in the API.
pub const fn job_path(kind: JobKind) -> &'static str {
    match kind {
        JobKind::Import => "imports",
        JobKind::Export => "exports",
        JobKind::Invitation => "activity-invitations",
        JobKind::Bulk => "bulk-actions",
    }
}

/// A job as the API shows it at `now`: its files with their download
/// address while they last, and whether they expired.
pub fn job(job: &JobRow, files: &[&JobFile], now: Timestamp) -> Value {
    let expired = job.files_expired(now);
    let base = job_path(job.kind);
    let mut value = job.to_json();
    value["expired"] = Value::Bool(expired);
    value["files"] = files
        .iter()
        .map(|f| {
            let available = !expired && f.deleted_at.is_none();
            json!({
                "name": f.name,
                "size": f.bytes,
                "rows": f.rows,
                "url": available.then(|| format!("/api/v1/{base}/{}/files/{}", job.id, percent_encoded(&f.name))),
                "deleted": f.deleted_at.is_some(),
            })
        })
        .collect();
    value
}

/// The answer showing one job of `kind` of the company with its files,
/// with `status`; 404 for another kind's id or another company's.
pub async fn job_answer(db: &Db, company: CompanyId, kind: JobKind, id: &str, status: u16) -> ApiResult<Response> {
    let row = jobs::job_of_kind(db, company, kind, id).await?.ok_or(ApiError::NotFound)?;
    let files = jobs::files(db, company, id).await?;
    json(status, &job(&row, &files.iter().collect::<Vec<_>>(), platform::now()))
}

/// A schedule as the API shows it: UTC instants and company-time wall clocks.
pub fn schedule(schedule: &Schedule, zone: &Zone) -> Value {
    json!({
        "start": schedule.start,
        "start_until": schedule.start_until,
        "start_local": zone.local(schedule.start),
        "start_until_local": zone.local(schedule.start_until),
        "time_zone": zone.name(),
        "resend_every_days": schedule.resend_every_days,
        "remind_after_days": schedule.remind_after_days,
    })
}

/// An invitation batch as the API shows it, with its state.
pub fn invitation(row: &InvitationRow, zone: &Zone) -> Value {
    let schedule: Option<Schedule> = serde_json::from_str(&row.schedule).ok();
    let progress: Progress = serde_json::from_str(&row.progress).unwrap_or_default();
    let state = match (progress.sent, &row.next_at) {
        (false, _) => "scheduled",
        (true, Some(_)) => "running",
        (true, None) => "finished",
    };
    json!({
        "id": row.id,
        "activity_id": row.activity_id,
        "title": row.title,
        "job_id": row.job_id,
        "batch": row.batch,
        "label": row.label,
        "recipients": row.recipients,
        "state": state,
        "progress": progress,
        "next_at": row.next_at,
        "schedule": schedule.map(|s| self::schedule(&s, zone)),
        "created_at": row.created_at,
    })
}

/// A person's invitation: the batch, and when each round reached them.
pub fn person_invitation(reached: &PersonInvitation, zone: &Zone) -> Value {
    let mut view = invitation(&reached.invitation, zone);
    view["sent_at"] = json!(reached.sent_at);
    view["resent_at"] = json!(reached.resent_at);
    view["reminded_at"] = json!(reached.reminded_at);
    view
}

/// Cuts a page fetched with one row more than `limit` back to `limit`;
/// the cursor after its last row when there was more.
pub fn next_cursor<T>(rows: &mut Vec<T>, limit: u32, cursor: impl Fn(&T) -> Cursor) -> Option<String> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() <= limit {
        return None;
    }
    rows.truncate(limit);
    rows.last().map(|row| cursor(row).encode())
}
