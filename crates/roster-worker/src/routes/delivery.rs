//! `/api/v1/delivery-reports`: the e-mail/SMS provider reports a bounced
//! message (F5). Reports are signed with the secret shared with the
//! provider (`DELIVERY_REPORT_SECRET`), fresh, and taken once: an unsigned,
//! forged, stale or replayed report is refused.

use roster_core::delivery::{self, ReportError};
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

use crate::db::{Db, outbox};
use crate::error::{ApiError, ApiResult};
use crate::http::{MAX_JSON_BODY, body_within, json};
use crate::platform;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    #[serde(deserialize_with = "crate::http::whole_number")]
    message_id: Option<i64>,
    event: String,
    #[serde(default, deserialize_with = "crate::http::present")]
    reason: Option<String>,
}

/// Takes one signed report (200), or refuses it (401 unsigned or forged,
/// 409 replayed, 404 when no secret is configured).
pub async fn report(req: &mut Request, db: &Db, env: &Env) -> ApiResult<Response> {
    let Ok(secret) = env.secret("DELIVERY_REPORT_SECRET").map(|s| s.to_string()) else {
        return Err(ApiError::NotFound);
    };
    let header = |name: &str| req.headers().get(name).ok().flatten();
    let (timestamp, signature) = (header("x-roster-timestamp"), header("x-roster-signature"));
    let body = body_within(req, MAX_JSON_BODY).await?;
    let now = platform::now();
    match delivery::verify_report(&secret, timestamp.as_deref(), signature.as_deref(), &body, now) {
        Ok(()) => {}
        Err(e @ (ReportError::Unsigned | ReportError::BadSignature | ReportError::Stale)) => {
            return Err(ApiError::BadSignature(e.to_string()));
        }
    }
    let report: Report = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("The report is not the JSON expected: {e}")))?;
    if !outbox::first_report(db, signature.as_deref().unwrap_or_default(), now).await? {
        return Err(ApiError::Conflict);
    }
    let id = report.message_id.ok_or_else(|| ApiError::BadRequest("message_id is required.".into()))?;
    match report.event.as_str() {
        "bounced" => {
            if !outbox::bounced(db, id, report.reason.as_deref()).await? {
                return Err(ApiError::NotFound);
            }
        }
        "delivered" => {}
        other => return Err(ApiError::BadRequest(format!("Unknown event “{other}”; expected bounced or delivered."))),
    }
    json(200, &json!({ "message_id": id, "event": report.event }))
}
