//! The scheduled work of every minute: send the invitation rounds that fell
//! due (E3), then hand the outbox to the provider (K3). Both are safe to run
//! twice or late: a round is recorded in the transaction that queues its
//! messages, and a message leaves the pending state when handed over.

use roster_core::Language;
use roster_core::invitation::message;
use roster_core::invitation::schedule::{Progress, Schedule, Step};
use roster_core::model::{ActivityType, Channel, CompanySettings};
use roster_core::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::{Env, Fetch, Headers, Method, Request, RequestInit};

use crate::db::Db;
use crate::db::activity_invitations::{self, DueRow, RoundTexts};
use crate::db::outbox::{self, OutboxMessage};
use crate::error::ApiResult;
use crate::platform;

/// Invitations looked at per run: each costs a handful of statements, well
/// within an invocation's budget; more wait for the next minute.
const INVITATIONS_PER_RUN: u32 = 150;
/// Messages handed to the provider per run, in requests of [`PROVIDER_BATCH`].
const MESSAGES_PER_RUN: u32 = 500;
/// Messages per provider request.
const PROVIDER_BATCH: usize = 50;

/// What one run did.
#[derive(Debug, Default, Serialize)]
pub struct RunReport {
    /// Invitations whose rounds were looked at.
    pub invitations: usize,
    /// Messages queued by their rounds.
    pub queued: usize,
    /// Messages handed over (or delivered to the local outbox).
    pub sent: usize,
    /// Messages that failed this time.
    pub failed: usize,
}

/// Runs the minute's work as if it were `now`.
pub async fn run(env: &Env, now: Timestamp) -> ApiResult<RunReport> {
    let db = Db::from_env(env)?;
    let mut report = RunReport::default();
    for row in activity_invitations::due(&db, now, INVITATIONS_PER_RUN).await? {
        report.queued += send_due_rounds(&db, &row, now).await?;
        report.invitations += 1;
    }
    let (sent, failed) = drain_outbox(&db, env, now).await?;
    report.sent = sent;
    report.failed = failed;
    Ok(report)
}

async fn send_due_rounds(db: &Db, row: &DueRow, now: Timestamp) -> ApiResult<usize> {
    let schedule: Schedule = serde_json::from_str(&row.schedule)?;
    let before: Progress = serde_json::from_str(&row.progress)?;
    let settings: CompanySettings = serde_json::from_str(&row.settings)?;
    let kind = ActivityType::parse(&row.kind).unwrap_or(ActivityType::Questionnaire);
    let start = settings.time_zone.local(schedule.start).replace('T', " ");
    let link = format!("{}/", row.origin.trim_end_matches('/'));
    let due = schedule.due(before, now);
    let text = |lang, channel, step| message::activity(lang, channel, step, kind, &row.title, &start, &link);
    let rounds: Vec<(Step, RoundTexts)> = due
        .steps
        .iter()
        .map(|&step| {
            let pair = |channel| (text(Language::Fr, channel, step), text(Language::En, channel, step));
            (step, RoundTexts { email: pair(Channel::Email), sms: pair(Channel::Sms) })
        })
        .collect();
    Ok(activity_invitations::send_rounds(db, row, before, &rounds, due.after, &schedule).await?)
}

/// Hands due messages over: to the provider configured in `MAIL_PROVIDER_URL`,
/// or, on a local run without one, to the console's outbox page. In
/// production without a provider, messages wait.
async fn drain_outbox(db: &Db, env: &Env, now: Timestamp) -> ApiResult<(usize, usize)> {
    let Ok(url) = env.var("MAIL_PROVIDER_URL").map(|v| v.to_string()) else {
        if platform::is_local(env) {
            return Ok((outbox::deliver_locally(db, now).await?, 0));
        }
        return Ok((0, 0));
    };
    let key = env.secret("MAIL_PROVIDER_KEY").map(|v| v.to_string()).unwrap_or_default();
    let messages = outbox::due(db, now, MESSAGES_PER_RUN).await?;
    let (mut sent, mut failed) = (Vec::new(), Vec::new());
    for chunk in messages.chunks(PROVIDER_BATCH) {
        let (ok, ko) = hand_over(&url, &key, chunk).await;
        sent.extend(ok);
        failed.extend(ko);
    }
    outbox::record_attempts(db, now, &sent, &failed).await?;
    Ok((sent.len(), failed.len()))
}

/// What the provider answers: the ids it took and those it refused.
#[derive(Deserialize)]
struct ProviderAnswer {
    #[serde(default)]
    accepted: Vec<i64>,
    #[serde(default)]
    failed: Vec<ProviderFailure>,
}

#[derive(Deserialize)]
struct ProviderFailure {
    id: i64,
    #[serde(default)]
    error: String,
}

/// Posts messages to the provider; returns the ids taken, and the failed
/// ones with their attempts so far and the reason. Whatever the provider
/// does not mention counts as failed, so nothing is lost.
async fn hand_over(url: &str, key: &str, messages: &[OutboxMessage]) -> (Vec<i64>, Vec<(i64, i64, String)>) {
    let failed_all = |reason: &str| messages.iter().map(|m| (m.id, m.attempts, reason.to_owned())).collect();
    let body = json!({
        "messages": messages.iter().map(|m| json!({
            "id": m.id, "channel": m.channel, "to": m.recipient, "subject": m.subject, "body": m.body,
        })).collect::<Vec<_>>(),
    });
    let headers = Headers::new();
    let _ = headers.set("content-type", "application/json");
    let _ = headers.set("authorization", &format!("Bearer {key}"));
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(body.to_string().into()));
    let answer = match Request::new_with_init(url, &init) {
        Ok(request) => Fetch::Request(request).send().await,
        Err(e) => Err(e),
    };
    let mut response = match answer {
        Ok(response) if (200..300).contains(&response.status_code()) => response,
        Ok(response) => return (Vec::new(), failed_all(&format!("provider answered {}", response.status_code()))),
        Err(e) => return (Vec::new(), failed_all(&format!("provider unreachable: {e}"))),
    };
    let Ok(answer) = response.json::<ProviderAnswer>().await else {
        return (Vec::new(), failed_all("provider answer unreadable"));
    };
    let mut failed = Vec::new();
    for m in messages {
        if answer.accepted.contains(&m.id) {
            continue;
        }
        let reason =
            answer.failed.iter().find(|f| f.id == m.id).map_or("not taken by the provider", |f| f.error.as_str());
        failed.push((m.id, m.attempts, reason.to_owned()));
    }
    let accepted = answer.accepted.into_iter().filter(|id| messages.iter().any(|m| m.id == *id)).collect();
    (accepted, failed)
}
