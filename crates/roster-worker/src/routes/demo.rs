//! `/api/v1/demo/…`: local-only routes. `seed` fills a local console with the
//! demo companies; for tests, `jobs/{id}/redeliver` repeats a queue
//! delivery, `jobs/{id}/age` moves a job into the past and
//! `jobs/{id}/stored` tells which of its files storage still holds,
//! `invitations/{id}/age` expires a sign-up link, `scheduler` runs the
//! minute's sending at a simulated time and `licences` sets the company's
//! licence capacity.
//! They exist only when the Worker is started with a `DEMO_SEED_KEY`, which
//! `cargo xtask dev` and `cargo xtask test` draw at random for each run.

use roster_core::demo;
use roster_core::demo::DemoPublicLink;
use roster_core::public_link::{self, Plan};
use roster_core::secret::{self, SecretKind};
use roster_core::time::Timestamp;
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

use crate::db::{CompanyId, Db, demo as store, jobs, profiles, public_links};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body};
use crate::scheduler::Sender;
use crate::{platform, queue};

/// The local-only routes open only with the key drawn for this run.
fn check_key(req: &Request, env: &Env) -> ApiResult<()> {
    let expected = env.var("DEMO_SEED_KEY").map(|v| v.to_string()).unwrap_or_default();
    let given = req.headers().get("x-demo-seed-key")?.unwrap_or_default();
    if expected.len() < 16 || given != expected {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// Hands one of the caller's jobs to the queue again, as an at-least-once
/// queue may: tests use it to show a second delivery changes nothing.
pub async fn redeliver(req: &Request, db: &Db, env: &Env, id: &str) -> ApiResult<Response> {
    check_key(req, env)?;
    let caller = crate::auth::caller(req, db, roster_core::permissions::Need::Administrator).await?;
    let job = jobs::job(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    queue::enqueue(env, caller.company, &job.id).await?;
    json(202, &json!({ "redelivered": id }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Age {
    days: i64,
}

/// Moves one of the caller's jobs `days` into the past (asked, finished,
/// last day): tests see a job as it will be days later without waiting.
pub async fn age(req: &mut Request, db: &Db, env: &Env, id: &str) -> ApiResult<Response> {
    check_key(req, env)?;
    let caller = crate::auth::caller(req, db, roster_core::permissions::Need::Administrator).await?;
    let body: Age = json_body(req).await?;
    if store::age_job(db, caller.company, id, body.days).await? == 0 {
        return Err(ApiError::NotFound);
    }
    json(200, &json!({ "aged": id, "days": body.days }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Capacity {
    capacity: u32,
}

/// Sets how many licence seats the caller's company has bought, as the
/// vendor does when a company asks for more: tests fill a company up, and
/// benchmarks import more people than a demo company holds.
pub async fn licences(req: &mut Request, db: &Db, env: &Env) -> ApiResult<Response> {
    check_key(req, env)?;
    let caller = crate::auth::caller(req, db, roster_core::permissions::Need::Administrator).await?;
    let body: Capacity = json_body(req).await?;
    crate::db::companies::set_licence_capacity(db, caller.company, body.capacity).await?;
    json(200, &json!({ "capacity": body.capacity }))
}

/// The caller's company's monthly figures counted again from its raw
/// events, month by month in its time zone: what tests compare the
/// Insights figures with.
pub async fn raw_insights(req: &Request, db: &Db, env: &Env) -> ApiResult<Response> {
    use std::collections::{BTreeMap, BTreeSet};
    check_key(req, env)?;
    let caller = crate::auth::caller(req, db, roster_core::permissions::Need::Administrator).await?;
    let months = roster_core::insights::last_months(&caller.time_zone, platform::now());
    // From two days before the first month in UTC: every zone's month start is after.
    let since = roster_core::time::Timestamp::parse(&format!("{}-01T00:00:00Z", months[0]))
        .map_or(platform::now(), |t| t.plus_days(-2));
    let mut counted: BTreeMap<String, (BTreeSet<i64>, BTreeSet<i64>)> = BTreeMap::new();
    for (user, at, login) in crate::db::insights::raw_events(db, caller.company, since).await? {
        let Some(at) = roster_core::time::Timestamp::parse(&at) else { continue };
        let month = roster_core::insights::month_of(&caller.time_zone, at);
        let (users, accounts) = counted.entry(month).or_default();
        users.insert(user);
        if login {
            accounts.insert(user);
        }
    }
    let rows: Vec<_> = months
        .iter()
        .map(|m| {
            let (users, accounts) = counted.get(m).map_or((0, 0), |(u, a)| (u.len(), a.len()));
            json!({ "month": m, "active_users": users, "active_accounts": accounts })
        })
        .collect();
    json(200, &json!({ "months": rows }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fill {
    jobs: u32,
}

/// Records `jobs` finished exports of the caller's company at once, each
/// with a file: tests see a dashboard as a busy company has it.
pub async fn fill(req: &mut Request, db: &Db, env: &Env) -> ApiResult<Response> {
    check_key(req, env)?;
    let caller = crate::auth::caller(req, db, roster_core::permissions::Need::Administrator).await?;
    let body: Fill = json_body(req).await?;
    let count = body.jobs.min(1_000);
    store::fill_jobs(db, caller.company, caller.user_id(), count, platform::now()).await?;
    json(201, &json!({ "jobs": count }))
}

/// Which files of one of the caller's jobs are still in storage.
pub async fn stored(req: &Request, db: &Db, env: &Env, id: &str) -> ApiResult<Response> {
    check_key(req, env)?;
    let caller = crate::auth::caller(req, db, roster_core::permissions::Need::Administrator).await?;
    let bucket = env.bucket("FILES")?;
    let mut names = Vec::new();
    for file in jobs::files(db, caller.company, id).await? {
        if bucket.head(file.object_key.clone()).await?.is_some() {
            names.push(file.name);
        }
    }
    json(200, &json!({ "stored": names }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Seed {
    password: String,
}

/// Creates the demo companies that do not exist yet and sets both
/// administrators' password. Running it again creates nothing twice.
pub async fn seed(req: &mut Request, db: &Db, env: &Env) -> ApiResult<Response> {
    check_key(req, env)?;
    let body: Seed = json_body(req).await?;
    secret::check_new_password(&body.password)
        .map_err(|m| ApiError::BadRequest(m.text(roster_core::Language::En).to_owned()))?;
    let now = platform::now();
    let mut report = Vec::new();
    for company in demo::companies() {
        let hash = secret::hash_password(&body.password, platform::random_bytes()?);
        let existing = store::company_named(db, company.name).await?;
        if let Some(id) = existing {
            let emails: Vec<String> = std::iter::once(&company.admin)
                .chain(company.staff.iter().map(|s| &s.user))
                .filter_map(|u| u.email.as_ref().map(ToString::to_string))
                .collect();
            store::set_staff_password(db, id, &emails, &hash).await?;
        } else {
            store::store(db, &company, &hash, now).await?;
            let stored = store::company_named(db, company.name).await?.ok_or(ApiError::NotFound)?;
            if let Some(link) = &company.public_link {
                seed_public_link(db, stored, link, now).await?;
            }
            if company.advanced_permissions {
                profiles::add_presets(db, stored).await?;
            }
            for staff in &company.staff {
                store::give_staff(db, stored, staff).await?;
            }
        }
        let created = existing.is_none();
        report.push(json!({ "name": company.name, "created": created, "users": company.users.len() + 1 }));
    }
    store::share_group(db, &demo::SHARED_GROUP, now).await?;
    json(200, &json!({ "companies": report }))
}

/// Makes the demo's public link, then records its attempts with the
/// statements a visitor's answers run, dated in the past.
async fn seed_public_link(db: &Db, company: CompanyId, link: &DemoPublicLink, now: Timestamp) -> ApiResult<()> {
    let Some((activity, demo_admin)) = store::activity_and_admin(db, company, &link.activity).await? else {
        return Ok(());
    };
    let token = secret::random_id(platform::random_bytes()?);
    public_links::save(db, company, demo_admin, activity, &link.settings, Some(&token), now.plus_days(-30)).await?;
    let stored = public_links::by_token(db, &token).await?.ok_or(ApiError::NotFound)?;
    for attempt in &link.attempts {
        let contact = match public_link::plan(link.settings.form.as_ref(), &attempt.answers) {
            Plan::UserElseContact(contact) => contact,
            Plan::Guest | Plan::UserRequired => None,
        };
        let digest = secret::secret_digest(&secret::new_secret(SecretKind::Attempt, platform::random_bytes()?));
        let started = now.plus_days(-i64::from(attempt.days_ago));
        public_links::record(db, &stored, &attempt.answers, contact.as_ref(), &digest, started).await?;
        if let Some(score) = attempt.score {
            public_links::finish(db, &digest, Some(score), started.plus_seconds(11 * 60)).await?;
        }
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchedulerRun {
    /// The instant the run acts at (UTC, `2026-12-01T08:00:00Z`).
    at: String,
    /// A provider to hand this run's messages to, instead of the outbox page.
    provider: Option<Provider>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Provider {
    url: String,
    #[serde(default)]
    key: String,
}

/// Runs the every-minute scheduler for the caller's company as if it were
/// `at`: tests fire invitation rounds and retries by simulated time instead
/// of waiting, and may hand messages to a provider of their own.
pub async fn run_scheduler(req: &mut Request, db: &Db, env: &Env) -> ApiResult<Response> {
    check_key(req, env)?;
    let caller = crate::auth::caller(req, db, roster_core::permissions::Need::Administrator).await?;
    let body: SchedulerRun = json_body(req).await?;
    let at = roster_core::time::Timestamp::parse(&body.at)
        .ok_or_else(|| ApiError::BadRequest("at is a UTC time such as 2026-12-01T08:00:00Z.".into()))?;
    let sender =
        body.provider.map_or_else(|| Sender::from_env(env), |Provider { url, key }| Sender::Provider { url, key });
    json(200, &crate::scheduler::run(db, at, Some(caller.company), &sender).await?)
}

/// Moves one of the caller's pending invitations `days` into the past
/// (sent, last day): tests see an expired link without waiting.
pub async fn age_invitation(req: &mut Request, db: &Db, env: &Env, id: &str) -> ApiResult<Response> {
    check_key(req, env)?;
    let caller = crate::auth::caller(req, db, roster_core::permissions::Need::Administrator).await?;
    let body: Age = json_body(req).await?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    if store::age_invitation(db, caller.company, id, body.days).await? == 0 {
        return Err(ApiError::NotFound);
    }
    json(200, &json!({ "aged": id, "days": body.days }))
}

/// The local stand-in for the challenge's verification service, which is
/// out of reach offline. It answers as Cloudflare's test keys do: the
/// widget's test token passes when the secret is the configured one.
/// Only on a local run (404 elsewhere).
pub async fn challenge(req: &mut Request, env: &Env) -> ApiResult<Response> {
    if !platform::is_local(env) {
        return Err(ApiError::NotFound);
    }
    let body = crate::http::body_within(req, 8 * 1024).await?;
    let field = |name: &str| form_urlencoded::parse(&body).find(|(n, _)| n == name).map(|(_, v)| v.into_owned());
    let expected = env.var("TURNSTILE_SECRET_KEY").map(|v| v.to_string()).unwrap_or_default();
    let success = !expected.is_empty()
        && field("secret").is_some_and(|s| secret::same_secret(&s, &expected))
        && field("response").as_deref() == Some(TEST_CHALLENGE_TOKEN);
    json(200, &json!({ "success": success }))
}

/// The token the challenge's widget gives with Cloudflare's test site keys.
const TEST_CHALLENGE_TOKEN: &str = "XXXX.DUMMY.TOKEN.XXXX";
