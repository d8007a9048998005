//! How records are shown by the API when more than one route shows them.

use roster_core::jobs::JobKind;
use roster_core::time::Timestamp;
use serde_json::{Value, json};
use worker::Response;

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
