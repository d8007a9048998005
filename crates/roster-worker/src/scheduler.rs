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
use crate::tenant::CompanyId;

/// Invitations looked at per run: each costs a handful of statements, well
/// within an invocation's budget; more wait for the next minute.
const INVITATIONS_PER_RUN: u32 = 150;
/// Messages handed to the provider per run, in requests of [`PROVIDER_BATCH`]:
/// 20 requests a minute, 120,000 messages an hour.
const MESSAGES_PER_RUN: u32 = 2_000;
/// Messages per provider request.
const PROVIDER_BATCH: usize = 100;

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

/// Where the outbox's messages go.
pub enum Sender {
    /// An HTTP e-mail/SMS provider.
    Provider {
        /// Where messages are posted.
        url: String,
        /// Its bearer key.
        key: String,
    },
    /// The console's outbox page, which is the mailbox of a local run.
    Local,
    /// Nowhere yet: production without a provider keeps messages waiting.
    Hold,
}

impl Sender {
    /// The provider in `MAIL_PROVIDER_URL` (bearer `MAIL_PROVIDER_KEY`);
    /// without one, the outbox page locally, and nowhere in production.
    pub fn from_env(env: &Env) -> Self {
        match env.var("MAIL_PROVIDER_URL") {
            Ok(url) => Self::Provider {
                url: url.to_string(),
                key: env.secret("MAIL_PROVIDER_KEY").map(|v| v.to_string()).unwrap_or_default(),
            },
            Err(_) if platform::is_local(env) => Self::Local,
            Err(_) => Self::Hold,
        }
    }
}

/// Runs the minute's work as if it were `now`, for every company or for
/// one (a test's simulated run, which leaves other companies' work alone).
pub async fn run(db: &Db, now: Timestamp, scope: Option<CompanyId>, sender: &Sender) -> ApiResult<RunReport> {
    let mut report = RunReport::default();
    for row in activity_invitations::due(db, now, scope, INVITATIONS_PER_RUN).await? {
        report.queued += send_due_rounds(db, &row, now).await?;
        report.invitations += 1;
    }
    (report.sent, report.failed) = match sender {
        Sender::Provider { url, key } => hand_over_due(db, now, scope, url, key).await?,
        Sender::Local => (outbox::deliver_locally(db, now, scope).await?, 0),
        Sender::Hold => (0, 0),
    };
    Ok(report)
}

async fn send_due_rounds(db: &Db, row: &DueRow, now: Timestamp) -> ApiResult<usize> {
    let schedule: Schedule = serde_json::from_str(&row.schedule)?;
    let before: Progress = serde_json::from_str(&row.progress)?;
    let settings: CompanySettings = serde_json::from_str(&row.settings)?;
    let kind = ActivityType::parse(&row.kind).unwrap_or(ActivityType::Questionnaire);
    let start = settings.time_zone.local_for_people(schedule.start);
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

/// Hands the due messages to the provider, a request at a time, and
/// records what it took and what failed.
async fn hand_over_due(
    db: &Db,
    now: Timestamp,
    scope: Option<CompanyId>,
    url: &str,
    key: &str,
) -> ApiResult<(usize, usize)> {
    let messages = outbox::due(db, now, scope, MESSAGES_PER_RUN).await?;
    let (mut sent, mut failed) = (Vec::new(), Vec::new());
    for chunk in messages.chunks(PROVIDER_BATCH) {
        let (ok, ko) = hand_over(url, key, chunk).await;
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
