//! What a public link answers to anyone, without a session (I1–I7): the
//! page at `/p/{token}` (HTML, works without JavaScript), the same as JSON
//! under `/api/v1/public/…`, and the player's report of an attempt's end.
//!
//! These routes face the open internet. Each request is counted by the
//! platform's rate limiters before it reaches the database; an answer is
//! refused or recorded in a way that says nothing about who exists, unless
//! the link requires authentication.

use roster_core::model::ActivityType;
use roster_core::public_link::page::{self, Activity, FormPage, Notice};
use roster_core::public_link::{self, Answers, Closed, Plan, RawAnswers};
use roster_core::secret::{self, SecretKind};
use roster_core::{FieldError, Language, Message};
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

use crate::auth;
use crate::db::Db;
use crate::db::public_links::{self, PublicLink};
use crate::error::{ApiError, ApiResult};
use crate::http::{body_within, json, json_body, query_param, whole_number};
use crate::platform;

/// The rate limiters, as bound in `wrangler.toml`, each with its period.
#[derive(Clone, Copy)]
enum Limiter {
    /// Pages and link lookups, per client address.
    Visits,
    /// Answers to one link from one client address.
    Answers,
    /// Answers to one link from anywhere.
    LinkAnswers,
}

impl Limiter {
    const fn binding(self) -> &'static str {
        match self {
            Self::Visits => "PUBLIC_VISITS",
            Self::Answers => "PUBLIC_ANSWERS",
            Self::LinkAnswers => "PUBLIC_LINK_ANSWERS",
        }
    }
}

/// The period every limiter counts over, in seconds (`wrangler.toml`).
const LIMIT_PERIOD_SECONDS: u32 = 60;

/// Whether the request may go on under `limiter` for `key`. A limiter
/// missing from the configuration is logged and does not block.
async fn allowed(env: &Env, limiter: Limiter, key: String) -> bool {
    match env.rate_limiter(limiter.binding()) {
        Ok(binding) => match binding.limit(key).await {
            Ok(outcome) => outcome.success,
            Err(e) => {
                worker::console_error!("rate limiter {} failed: {e}", limiter.binding());
                true
            }
        },
        Err(e) => {
            worker::console_error!("rate limiter {} missing: {e}", limiter.binding());
            true
        }
    }
}

/// Why a public request gets no form.
#[derive(Clone, Copy)]
enum Refusal {
    Missing,
    Closed(Closed),
    Throttled,
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Missing => Self::NotFound,
            Refusal::Closed(closed) => Self::Gone(closed.message().text(Language::En).to_owned()),
            Refusal::Throttled => Self::TooManyAttempts { retry_after: LIMIT_PERIOD_SECONDS },
        }
    }
}

impl From<ApiError> for Refusal {
    /// Only a fault of ours reaches here: the HTML page shows it as missing,
    /// the detail goes to the log.
    fn from(e: ApiError) -> Self {
        worker::console_error!("public link: {e:?}");
        Self::Missing
    }
}

/// Whether a text has the shape of a link token (32 hex digits): anything
/// else is refused without a database lookup.
fn token_shape(token: &str) -> bool {
    token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The open link with this token, counted as a visit from the client.
async fn open_link(req: &Request, db: &Db, env: &Env, token: &str) -> Result<PublicLink, Refusal> {
    if !allowed(env, Limiter::Visits, auth::client_address(req)).await {
        return Err(Refusal::Throttled);
    }
    if !token_shape(token) {
        return Err(Refusal::Missing);
    }
    let link = public_links::by_token(db, token).await.map_err(ApiError::from)?.ok_or(Refusal::Missing)?;
    public_link::check_open(&link.settings(), link.archived, platform::now()).map_err(Refusal::Closed)?;
    Ok(link)
}

/// The visitor's language: asked in the address, else their browser's.
fn visitor_language(req: &Request) -> Language {
    query_param(req, "lang")
        .ok()
        .flatten()
        .and_then(|code| Language::parse(&code).ok())
        .filter(|l| *l != Language::De)
        .unwrap_or_else(|| auth::caller_language(req))
}

/// The challenge's site key, when the company protects its forms and the
/// platform has one.
fn challenge_site_key(env: &Env, link: &PublicLink) -> Option<String> {
    link.company_settings()
        .public_link_challenge
        .then(|| env.var("TURNSTILE_SITE_KEY").ok().map(|v| v.to_string()))
        .flatten()
}

/// Asks the challenge's service whether the visitor passed: a real HTTP
/// call to `TURNSTILE_VERIFY_URL` (Cloudflare's, or a local stand-in).
async fn challenge_passed(env: &Env, token: Option<&str>, address: &str) -> bool {
    let Some(token) = token.filter(|t| !t.is_empty() && t.len() <= 2_048) else { return false };
    let Ok(secret) = env
        .secret("TURNSTILE_SECRET_KEY")
        .map(|s| s.to_string())
        .or_else(|_| env.var("TURNSTILE_SECRET_KEY").map(|v| v.to_string()))
    else {
        worker::console_error!("the challenge is on but TURNSTILE_SECRET_KEY is not set");
        return false;
    };
    let url = env
        .var("TURNSTILE_VERIFY_URL")
        .map_or_else(|_| "https://challenges.cloudflare.com/turnstile/v0/siteverify".to_owned(), |v| v.to_string());
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("secret", &secret)
        .append_pair("response", token)
        .append_pair("remoteip", address)
        .finish();
    let headers = worker::Headers::new();
    let _ = headers.set("content-type", "application/x-www-form-urlencoded");
    let mut init = worker::RequestInit::new();
    init.with_method(worker::Method::Post).with_headers(headers).with_body(Some(body.into()));
    let Ok(request) = Request::new_with_init(&url, &init) else { return false };
    match worker::Fetch::Request(request).send().await {
        Ok(mut resp) => resp.json::<serde_json::Value>().await.is_ok_and(|v| v["success"] == true),
        Err(e) => {
            worker::console_error!("challenge verification failed: {e}");
            false
        }
    }
}

/// Why an answer was not recorded.
enum AnswerRefusal {
    Throttled,
    Fields(Vec<FieldError>),
}

/// Checks and records an answer; gives the attempt's secret (I4).
async fn answer(
    req: &Request,
    db: &Db,
    env: &Env,
    token: &str,
    link: &PublicLink,
    raw: &RawAnswers,
) -> ApiResult<Result<String, AnswerRefusal>> {
    let address = auth::client_address(req);
    if !allowed(env, Limiter::Answers, format!("{token}|{address}")).await
        || !allowed(env, Limiter::LinkAnswers, token.to_owned()).await
    {
        return Ok(Err(AnswerRefusal::Throttled));
    }
    if challenge_site_key(env, link).is_some() && !challenge_passed(env, raw.challenge.as_deref(), &address).await {
        return Ok(Err(AnswerRefusal::Fields(vec![FieldError::new("challenge", Message::ChallengeFailed)])));
    }
    let settings = link.settings();
    let country = link.company_settings().country_code;
    let answers = match &settings.form {
        Some(form) => match public_link::read_answers(form, raw, country) {
            Ok(answers) => answers,
            Err(errors) => return Ok(Err(AnswerRefusal::Fields(errors))),
        },
        None => Answers::default(),
    };
    let contact = match public_link::plan(settings.form.as_ref(), &answers) {
        Plan::Guest => None,
        Plan::UserRequired => {
            if !public_links::user_exists(db, link.company(), &answers).await? {
                let form = settings.form.as_ref().ok_or(ApiError::NotFound)?;
                return Ok(Err(AnswerRefusal::Fields(vec![public_link::user_not_found(form)])));
            }
            None
        }
        Plan::UserElseContact(contact) => contact,
    };
    let attempt = secret::new_secret(SecretKind::Attempt, platform::random_bytes()?);
    public_links::record(db, link, &answers, contact.as_ref(), &secret::secret_digest(&attempt), platform::now())
        .await?;
    Ok(Ok(attempt))
}

/// Where the attempt is played, when the platform says (`PLAYER_URL`).
fn player_url(env: &Env, link: &PublicLink, attempt: &str) -> Option<String> {
    let base = env.var("PLAYER_URL").ok()?.to_string();
    let joiner = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{joiner}activity={}&attempt={attempt}", link.activity_id))
}

fn activity_of(link: &PublicLink) -> Activity<'_> {
    Activity { title: &link.title, kind: ActivityType::parse(&link.kind).unwrap_or(ActivityType::Questionnaire) }
}

/// An HTML page with its status and policy: styles from the console's
/// origin, forms posted back to it, the challenge's frame when asked.
fn html(status: u16, body: String, challenge: bool, retry_after: Option<u32>) -> ApiResult<Response> {
    let mut resp = Response::from_html(body)?.with_status(status);
    let headers = resp.headers_mut();
    let third = if challenge { " https://challenges.cloudflare.com" } else { "" };
    headers.set(
        "content-security-policy",
        &format!(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; \
             frame-ancestors 'none'; script-src{}; frame-src{}; connect-src{}",
            if challenge { third } else { " 'none'" },
            if challenge { third } else { " 'none'" },
            if challenge { third } else { " 'none'" },
        ),
    )?;
    headers.set("cache-control", "no-store")?;
    if let Some(seconds) = retry_after {
        headers.set("retry-after", &seconds.to_string())?;
    }
    Ok(resp)
}

fn refusal_page(lang: Language, refusal: Refusal) -> ApiResult<Response> {
    let (status, notice, retry) = match refusal {
        Refusal::Missing => (404, Notice::Missing, None),
        Refusal::Closed(closed) => (410, Notice::Closed(closed), None),
        Refusal::Throttled => (429, Notice::Throttled, Some(LIMIT_PERIOD_SECONDS)),
    };
    html(status, page::notice_page(lang, notice), false, retry)
}

/// `GET /p/{token}`: the activity's name and its form.
pub async fn page(req: &Request, db: &Db, env: &Env, token: &str) -> ApiResult<Response> {
    let lang = visitor_language(req);
    let link = match open_link(req, db, env, token).await {
        Ok(link) => link,
        Err(refusal) => return refusal_page(lang, refusal),
    };
    form_page(env, &link, lang, &RawAnswers::default(), &[])
}

/// The link's form page: fresh (200), or again with what was typed and
/// each wrong value on its field (422).
fn form_page(
    env: &Env,
    link: &PublicLink,
    lang: Language,
    values: &RawAnswers,
    errors: &[FieldError],
) -> ApiResult<Response> {
    let key = challenge_site_key(env, link);
    let settings = link.settings();
    let body = page::form_page(&FormPage {
        lang,
        activity: activity_of(link),
        form: settings.form.as_ref(),
        values,
        errors,
        challenge_site_key: key.as_deref(),
    });
    html(if errors.is_empty() { 200 } else { 422 }, body, key.is_some(), None)
}

/// The largest form post read.
const MAX_FORM_BODY: usize = 16 * 1024;

/// `POST /p/{token}`: the form, posted. Wrong values come back on their
/// fields (422); an accepted answer shows the start page (200).
pub async fn post_page(req: &mut Request, db: &Db, env: &Env, token: &str) -> ApiResult<Response> {
    let lang = visitor_language(req);
    let link = match open_link(req, db, env, token).await {
        Ok(link) => link,
        Err(refusal) => return refusal_page(lang, refusal),
    };
    let mut raw = RawAnswers::default();
    let body = body_within(req, MAX_FORM_BODY).await?;
    for (name, value) in form_urlencoded::parse(&body) {
        raw.set(&name, &value);
    }
    match answer(req, db, env, token, &link, &raw).await? {
        Ok(attempt) => {
            let player = player_url(env, &link, &attempt);
            html(200, page::started_page(lang, activity_of(&link), &attempt, player.as_deref()), false, None)
        }
        Err(AnswerRefusal::Throttled) => refusal_page(lang, Refusal::Throttled),
        Err(AnswerRefusal::Fields(errors)) => form_page(env, &link, lang, &raw, &errors),
    }
}

/// `GET /api/v1/public/links/{token}`: what the page shows, as JSON.
pub async fn show(req: &Request, db: &Db, env: &Env, token: &str) -> ApiResult<Response> {
    let link = open_link(req, db, env, token).await?;
    let settings = link.settings();
    json(
        200,
        &json!({
            "activity": { "title": link.title, "type": link.kind },
            "form": settings.form,
            "challenge_site_key": challenge_site_key(env, &link),
        }),
    )
}

/// `POST /api/v1/public/links/{token}/attempts`: an answer, as JSON. The
/// answer is the same whoever the visitor turned out to be (201).
pub async fn create_attempt(req: &mut Request, db: &Db, env: &Env, token: &str) -> ApiResult<Response> {
    let link = open_link(req, db, env, token).await?;
    let raw: RawAnswers = json_body(req).await?;
    match answer(req, db, env, token, &link, &raw).await? {
        Ok(attempt) => json(201, &json!({ "attempt": attempt, "player_url": player_url(env, &link, &attempt) })),
        Err(AnswerRefusal::Throttled) => Err(Refusal::Throttled.into()),
        Err(AnswerRefusal::Fields(errors)) => Err(ApiError::Invalid(errors, visitor_language(req))),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Finish {
    #[serde(default, deserialize_with = "whole_number")]
    score: Option<i64>,
}

/// `POST /api/v1/public/attempts/{secret}/finish`: the player reports the
/// end of an attempt, with its score if it has one. The first report
/// counts; a repeated one answers the same. Callable from the player's
/// own origin.
pub async fn finish(req: &mut Request, db: &Db, env: &Env, attempt: &str) -> ApiResult<Response> {
    if !allowed(env, Limiter::Visits, auth::client_address(req)).await {
        return Err(Refusal::Throttled.into());
    }
    if !secret::looks_like(SecretKind::Attempt, attempt) {
        return Err(ApiError::NotFound);
    }
    let body: Finish = json_body(req).await?;
    let score = public_link::read_score(body.score)
        .map_err(|code| ApiError::Invalid(vec![FieldError::new("score", code)], Language::En))?;
    let state = public_links::finish(db, &secret::secret_digest(attempt), score, platform::now())
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut resp = json(200, &state)?;
    resp.headers_mut().set("access-control-allow-origin", "*")?;
    Ok(resp)
}

/// The preflight a player on another origin sends before reporting.
pub fn finish_preflight() -> ApiResult<Response> {
    let mut resp = Response::empty()?.with_status(204);
    let headers = resp.headers_mut();
    headers.set("access-control-allow-origin", "*")?;
    headers.set("access-control-allow-methods", "POST")?;
    headers.set("access-control-allow-headers", "content-type")?;
    headers.set("access-control-max-age", "86400")?;
    Ok(resp)
}
