//! Jobs as administrators follow them: the imports and exports dashboard
//! (`/api/v1/jobs`, J1), one import or export with its files, and their
//! downloads for 4 days. An import's id answers only under `/imports`, an
//! export's only under `/exports`.

use roster_core::jobs::{self as rules, JobKind};
use serde_json::{Value, json};
use worker::{Env, Request, Response};

use roster_core::permissions::{Need, Target};

use crate::caller::Caller;
use crate::db::Db;
use crate::db::jobs::{self, JobFile, JobRow};
use crate::error::{ApiError, ApiResult};
use crate::http::json;
use crate::{auth, files, platform, views};

/// The company's jobs of the last 30 days, newest first: two statements
/// whatever the number of jobs.
pub async fn list(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::SignedIn).await?;
    let now = platform::now();
    let since = rules::dashboard_since(now);
    // Administrators follow everyone's work; others their own, and the
    // group exports of groups they manage.
    let own = (!caller.role().is_admin()).then_some(caller.user_id());
    let mut recent = jobs::recent(db, caller.company, since, own).await?;
    recent.retain(|job| may_read(&caller, job).is_ok());
    let files = jobs::files_since(db, caller.company, since).await?;
    let items: Vec<Value> = recent
        .iter()
        .map(|job| {
            let own: Vec<&JobFile> = files.iter().filter(|f| f.job_id == job.id).collect();
            views::job(job, &own, now)
        })
        .collect();
    json(200, &json!({ "items": items }))
}

/// One job of `kind` of the company with its files; 404 for anything else.
pub async fn show(req: &Request, db: &Db, kind: JobKind, id: &str) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::SignedIn).await?;
    let job = jobs::job_of_kind(db, caller.company, kind, id).await?.ok_or(ApiError::NotFound)?;
    may_read(&caller, &job)?;
    views::job_answer(db, caller.company, kind, id, 200).await
}

/// A file of a job of `kind`, until its last day.
pub async fn download(req: &Request, db: &Db, env: &Env, kind: JobKind, id: &str, name: &str) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::SignedIn).await?;
    let job = jobs::job_of_kind(db, caller.company, kind, id).await?.ok_or(ApiError::NotFound)?;
    may_read(&caller, &job)?;
    files::download(db, env, &caller, &job, name).await
}

/// Whether `caller` may follow `job` and download its files: its
/// requester, administrators, and for a group export those who manage
/// all its groups (J4).
fn may_read(caller: &Caller, job: &JobRow) -> ApiResult<()> {
    let groups = job.params().map(|p| p.shared_with_managers_of().to_vec()).unwrap_or_default();
    caller.allow(Need::SignedIn, Target::Job { requested_by: job.requested_by, groups: &groups })
}
