//! The background consumer: runs import jobs handed over by the queue.
//! Delivery is at least once, so running a job twice must change nothing more.

use roster_core::import::users::{Context, validate};
use roster_core::import::{Outcome, Remarks};
use roster_core::model::{CompanySettings, Role};
use roster_core::sheet::Limits;
use roster_core::{Language, import::users::Report};
use serde_json::{Value, json};
use worker::{Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder};

use crate::db::imports::Claim;
use crate::db::{Db, imports, users};
use crate::error::{ApiError, ApiResult};
use crate::routes::imports::{JobMessage, company_of};

/// The most remarks kept in a job's result; the counts cover them all.
const KEPT_REMARKS: usize = 1_000;

/// Runs each message's job; a message whose job fails for a passing reason
/// is retried by the queue.
pub async fn consume(batch: MessageBatch<JobMessage>, env: &Env) -> worker::Result<()> {
    for message in batch.messages()? {
        match run(message.body(), env).await {
            Ok(()) => message.ack(),
            Err(ApiError::Conflict) => {
                // Another delivery is running this job: look again once its lease could have lapsed.
                let delay = u32::try_from(imports::LEASE_SECONDS).unwrap_or(120);
                message.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(delay).build());
            }
            Err(e) => {
                worker::console_error!("job {} failed: {e:?}", message.body().job);
                message.retry();
            }
        }
    }
    Ok(())
}

async fn run(message: &JobMessage, env: &Env) -> ApiResult<()> {
    let db = Db::from_env(env)?;
    let company = company_of(message);
    match imports::claim(&db, company, &message.job).await? {
        Claim::Taken => {}
        Claim::Finished => return Ok(()), // delivered again after it finished
        Claim::Busy => return Err(ApiError::Conflict),
    }
    let Some(job) = imports::job(&db, company, &message.job).await? else {
        return Ok(());
    };
    let requester = imports::requester(&db, company, job.requested_by).await?.ok_or(ApiError::NotFound)?;
    let language = Language::parse(&requester.language).unwrap_or(Language::En);
    let settings: CompanySettings = serde_json::from_str(&requester.settings)?;
    let context = Context {
        language,
        admin_role: Role::parse(&requester.role).unwrap_or(Role::Member),
        country_code: settings.country_code,
    };
    let params: Value = serde_json::from_str(&job.params)?;
    let key = params["key"].as_str().unwrap_or_default();
    let Some(object) = env.bucket("FILES")?.get(key).execute().await? else {
        let result = json!({ "outcome": "failed", "error": { "code": "missing_file", "message": "The uploaded file is gone." } });
        return imports::fail(&db, company, &job.id, job.requested_by, &result).await;
    };
    let bytes = object.body().ok_or_else(|| ApiError::Internal("empty object".into()))?.bytes().await?;
    // Checked again against the company as it is now: the browser's check is never trusted.
    let snapshot = users::import_snapshot(&db, company).await?;
    imports::progress(&db, company, &job.id, 15).await?;
    let report = match validate(&bytes, &context, &snapshot, Limits::PRODUCT) {
        Ok(report) => report,
        Err(e) => {
            let result = json!({ "outcome": "failed", "error": { "code": e.code(), "message": e.message(language) } });
            return imports::fail(&db, company, &job.id, job.requested_by, &result).await;
        }
    };
    let result = summary(&report, language);
    if report.outcome == Outcome::Failed {
        return imports::fail(&db, company, &job.id, job.requested_by, &result).await;
    }
    imports::progress(&db, company, &job.id, 30).await?;
    imports::stage(&db, company, &job.id, &report.plan, &snapshot, (30, 95)).await?;
    match imports::commit(&db, company, &job.id, job.requested_by, &result).await {
        Err(ApiError::Conflict) => {
            let now = imports::job(&db, company, &job.id).await?;
            if now.is_some_and(|j| j.status == "done") {
                return Ok(()); // a concurrent delivery applied it first
            }
            let result = json!({ "outcome": "failed", "error": { "code": "conflict",
                "message": "Users changed while the file was imported; import it again." } });
            imports::fail(&db, company, &job.id, job.requested_by, &result).await
        }
        other => other,
    }
}

/// What a finished job reports: counts, outcome and the first remarks.
fn summary(report: &Report, lang: Language) -> Value {
    let Remarks { items, omitted, blocking, warnings } = &report.remarks;
    let remarks: Vec<Value> = items
        .iter()
        .take(KEPT_REMARKS)
        .map(|r| json!({ "row": r.row, "column": r.column, "code": r.code, "severity": r.severity, "message": r.message(lang) }))
        .collect();
    json!({
        "outcome": report.outcome,
        "rows": report.rows,
        "created": report.plan.counts.creates,
        "updated": report.plan.counts.updates,
        "unchanged": report.plan.counts.unchanged,
        "groups_created": report.plan.groups_to_create,
        "blocking": blocking,
        "warnings": warnings,
        "remarks": remarks,
        "omitted_remarks": omitted + items.len().saturating_sub(KEPT_REMARKS),
    })
}
