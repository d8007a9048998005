//! `/api/v1/jobs`: the imports and exports dashboard (J1): the company's
//! jobs of the last 30 days with their files.

use roster_core::jobs as rules;
use serde_json::{Value, json};
use worker::{Request, Response};

use crate::auth;
use crate::db::Db;
use crate::db::jobs::{self, JobFile};
use crate::error::ApiResult;
use crate::http::json;
use crate::{platform, views};

/// The company's jobs of the last 30 days, newest first: two statements
/// whatever the number of jobs.
pub async fn list(req: &Request, db: &Db) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let now = platform::now();
    let since = rules::dashboard_since(now);
    let recent = jobs::recent(db, admin.company, since).await?;
    let files = jobs::files_since(db, admin.company, since).await?;
    let items: Vec<Value> = recent
        .iter()
        .map(|job| {
            let own: Vec<&JobFile> = files.iter().filter(|f| f.job_id == job.id).collect();
            views::job(job, &own, now)
        })
        .collect();
    json(200, &json!({ "items": items }))
}
