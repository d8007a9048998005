//! The API's routes: parse the request, call the core and the repository,
//! shape the response. No business rule is decided here, and no route
//! module uses another: what several share lives in `http`, `views`,
//! `files` and `queue`.

mod activities;
mod audit;
mod bulk;
mod company;
mod contacts;
mod delivery;
mod demo;
mod exports;
mod groups;
mod imports;
mod insights;
mod invitations;
mod jobs;
mod outbox;
mod passwords;
mod profiles;
mod public;
mod public_links;
mod session;
mod tags;
mod tokens;
mod users;

use imports::ImportFile;
use roster_core::jobs::JobKind;
use worker::{Env, Method, Request, Response};

use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::http::percent_decoded;
use crate::idempotency;

/// The API description, served as written.
const OPENAPI: &str = include_str!("../../openapi.yaml");

/// Answers a request: once only for a change carrying an idempotency key
/// already used, else as its route says.
///
/// # Errors
/// What the route or the idempotency check refuses with.
pub async fn handle(mut req: Request, env: &Env) -> ApiResult<Response> {
    let db = Db::from_env(env)?;
    let path = req.path();
    let segments: Vec<&str> = path.strip_prefix("/api/v1/").map(|rest| rest.split('/').collect()).unwrap_or_default();
    if path.starts_with("/api/v1/")
        && idempotency::applies(&known_method(&req), &segments)
        && let Some(key) = idempotency::key_of(&req)?
    {
        return match idempotency::start(req, &db, key, &segments).await? {
            idempotency::Start::Answered(answer) => Ok(answer),
            idempotency::Start::Act(mut req, taken) => {
                let answer = route(&mut req, env, &db).await;
                idempotency::finish(&db, taken, answer).await
            }
        };
    }
    route(&mut req, env, &db).await
}

/// Routes a request to its handler. A known path asked with another
/// method answers 405 with the methods it takes.
#[allow(clippy::too_many_lines)] // one arm per route: the table reads best whole
async fn route(req: &mut Request, env: &Env, db: &Db) -> ApiResult<Response> {
    let path = req.path();
    let method = known_method(req);
    if let Some(token) = path.strip_prefix("/p/").filter(|t| !t.contains('/')) {
        return match method {
            Method::Get => public::page(req, db, env, token).await,
            Method::Post => public::post_page(req, db, env, token).await,
            _ => not_allowed(&["GET", "POST"]),
        };
    }
    let Some(rest) = path.strip_prefix("/api/v1/") else {
        return Err(ApiError::NotFound);
    };
    let segments: Vec<&str> = rest.split('/').collect();
    match segments.as_slice() {
        ["openapi.yaml"] => match method {
            Method::Get => {
                let mut description = Response::ok(OPENAPI)?;
                description.headers_mut().set("content-type", "application/yaml; charset=utf-8")?;
                Ok(description)
            }
            _ => not_allowed(&["GET"]),
        },
        ["session"] => match method {
            Method::Post => session::sign_in(req, db).await,
            Method::Get => session::whoami(req, db).await,
            Method::Delete => session::sign_out(req, db).await,
            _ => not_allowed(&["GET", "POST", "DELETE"]),
        },
        ["users"] => match method {
            Method::Get => users::list(req, db).await,
            Method::Post => users::create(req, db).await,
            _ => not_allowed(&["GET", "POST"]),
        },
        ["users", "bulk"] => match method {
            Method::Post => bulk::create(req, db, env).await,
            _ => not_allowed(&["POST"]),
        },
        ["users", "bulk", "preview"] => match method {
            Method::Post => bulk::preview(req, db).await,
            _ => not_allowed(&["POST"]),
        },
        ["bulk-actions", id] => match method {
            Method::Get => jobs::show(req, db, JobKind::Bulk, id).await,
            _ => not_allowed(&["GET"]),
        },
        ["bulk-actions", id, "files", name] => match method {
            Method::Get => jobs::download(req, db, env, JobKind::Bulk, id, &percent_decoded(name)).await,
            _ => not_allowed(&["GET"]),
        },
        ["users", "export"] => match method {
            Method::Get => exports::list_page(req, db).await,
            _ => not_allowed(&["GET"]),
        },
        ["users", id] => match method {
            Method::Get => users::show(req, db, id_from(id)?).await,
            Method::Patch => users::update(req, db, id_from(id)?).await,
            _ => not_allowed(&["GET", "PATCH"]),
        },
        ["users", id, "permissions"] => match method {
            Method::Get => profiles::of_user(req, db, id_from(id)?).await,
            Method::Put => profiles::set_for_user(req, db, id_from(id)?).await,
            _ => not_allowed(&["GET", "PUT"]),
        },
        ["profiles"] => match method {
            Method::Get => profiles::list(req, db).await,
            Method::Post => profiles::create(req, db).await,
            _ => not_allowed(&["GET", "POST"]),
        },
        ["profiles", "delete"] => match method {
            Method::Post => profiles::delete_selection(req, db).await,
            _ => not_allowed(&["POST"]),
        },
        ["profiles", id] => match method {
            Method::Patch => profiles::update(req, db, id_from(id)?).await,
            Method::Delete => profiles::delete(req, db, id_from(id)?).await,
            _ => not_allowed(&["PATCH", "DELETE"]),
        },
        ["users", id, "transfer"] => match method {
            Method::Post => users::transfer(req, db, id_from(id)?).await,
            _ => not_allowed(&["POST"]),
        },
        ["users", id, "tags", tag] => match method {
            Method::Put => tags::set_on_user(req, db, id_from(id)?, id_from(tag)?, true).await,
            Method::Delete => tags::set_on_user(req, db, id_from(id)?, id_from(tag)?, false).await,
            _ => not_allowed(&["PUT", "DELETE"]),
        },
        ["tags"] => match method {
            Method::Get => tags::list(req, db).await,
            Method::Post => tags::create(req, db).await,
            _ => not_allowed(&["GET", "POST"]),
        },
        ["tags", id] => match method {
            Method::Patch => tags::rename(req, db, id_from(id)?).await,
            Method::Delete => tags::delete(req, db, id_from(id)?).await,
            _ => not_allowed(&["PATCH", "DELETE"]),
        },
        ["imports", "users", "snapshot"] => match method {
            Method::Get => users::import_snapshot(req, db).await,
            _ => not_allowed(&["GET"]),
        },
        ["imports", "users"] => match method {
            Method::Post => imports::upload(req, db, env, ImportFile::Users).await,
            _ => not_allowed(&["POST"]),
        },
        ["imports", "invitations", "snapshot"] => match method {
            Method::Get => imports::invitation_snapshot(req, db).await,
            _ => imports::importer(req, db, ImportFile::Invitations).await.and_then(|_| not_allowed(&["GET"])),
        },
        ["imports", "invitations"] => match method {
            Method::Post => imports::upload(req, db, env, ImportFile::Invitations).await,
            _ => imports::importer(req, db, ImportFile::Invitations).await.and_then(|_| not_allowed(&["POST"])),
        },
        ["imports", id] => match method {
            Method::Get => jobs::show(req, db, JobKind::Import, id).await,
            _ => not_allowed(&["GET"]),
        },
        ["imports", id, "files", name] => match method {
            Method::Get => jobs::download(req, db, env, JobKind::Import, id, &percent_decoded(name)).await,
            _ => not_allowed(&["GET"]),
        },
        ["exports"] => match method {
            Method::Post => exports::create(req, db, env).await,
            _ => not_allowed(&["POST"]),
        },
        ["exports", id] => match method {
            Method::Get => jobs::show(req, db, JobKind::Export, id).await,
            _ => not_allowed(&["GET"]),
        },
        ["exports", id, "files", name] => match method {
            Method::Get => jobs::download(req, db, env, JobKind::Export, id, &percent_decoded(name)).await,
            _ => not_allowed(&["GET"]),
        },
        ["insights"] => match method {
            Method::Get => insights::figures(req, db).await,
            _ => not_allowed(&["GET"]),
        },
        ["insights", file] => match method {
            Method::Get => insights::chart(req, db, file).await,
            _ => not_allowed(&["GET"]),
        },
        ["company", "partner-code"] => match method {
            Method::Get => groups::partner_code(req, db).await,
            _ => not_allowed(&["GET"]),
        },
        ["company", "dashboard"] => match method {
            Method::Get => company::dashboard(req, db).await,
            _ => not_allowed(&["GET"]),
        },
        ["company", "settings"] => match method {
            Method::Get => company::show(req, db).await,
            Method::Patch => company::update(req, db, env).await,
            _ => not_allowed(&["GET", "PATCH"]),
        },
        ["jobs"] => match method {
            Method::Get => jobs::list(req, db).await,
            _ => not_allowed(&["GET"]),
        },
        ["audit"] => match method {
            Method::Get => audit::list(req, db).await,
            _ => not_allowed(&["GET"]),
        },
        ["outbox"] => match method {
            Method::Get => outbox::list(req, db, env).await,
            _ => not_allowed(&["GET"]),
        },
        ["groups"] => match method {
            Method::Get => groups::list(req, db).await,
            Method::Post => groups::create(req, db).await,
            _ => not_allowed(&["GET", "POST"]),
        },
        ["groups", "matrix"] => match method {
            Method::Get => groups::matrix(req, db).await,
            _ => not_allowed(&["GET"]),
        },
        ["groups", "memberships"] => match method {
            Method::Post => groups::change_memberships(req, db).await,
            _ => not_allowed(&["POST"]),
        },
        ["groups", "archive"] => match method {
            Method::Post => groups::archive(req, db).await,
            _ => not_allowed(&["POST"]),
        },
        ["groups", id, "partners"] => match method {
            Method::Post => groups::share(req, db, id_from(id)?).await,
            _ => not_allowed(&["POST"]),
        },
        ["groups", id, "partners", partner] => match method {
            Method::Delete => groups::unshare(req, db, id_from(id)?, id_from(partner)?).await,
            _ => not_allowed(&["DELETE"]),
        },
        ["groups", id] => match method {
            Method::Get => groups::show(req, db, id_from(id)?).await,
            Method::Patch => groups::update(req, db, id_from(id)?).await,
            Method::Delete => groups::delete(req, db, id_from(id)?).await,
            _ => not_allowed(&["GET", "PATCH", "DELETE"]),
        },
        ["activities"] => match method {
            Method::Get => activities::list(req, db).await,
            Method::Post => activities::create(req, db).await,
            _ => not_allowed(&["GET", "POST"]),
        },
        ["activities", id] => match method {
            Method::Get => activities::show(req, db, id_from(id)?).await,
            Method::Patch => activities::update(req, db, id_from(id)?).await,
            _ => not_allowed(&["GET", "PATCH"]),
        },
        ["activities", id, "invitations"] => match method {
            Method::Get => activities::invitations(req, db, id_from(id)?).await,
            Method::Post => activities::create_invitation(req, db, env, id_from(id)?).await,
            _ => not_allowed(&["GET", "POST"]),
        },
        ["activities", id, "invitations", "preview"] => match method {
            Method::Post => activities::preview(req, db, id_from(id)?).await,
            _ => not_allowed(&["POST"]),
        },
        ["activities", id, "public-link"] => match method {
            Method::Get => public_links::show(req, db, id_from(id)?).await,
            Method::Put => public_links::save(req, db, id_from(id)?).await,
            _ => not_allowed(&["GET", "PUT"]),
        },
        ["activities", id, "public-link", "regenerate"] => match method {
            Method::Post => public_links::regenerate(req, db, id_from(id)?).await,
            _ => not_allowed(&["POST"]),
        },
        ["activities", id, "public-link", file @ ("qr.svg" | "qr.png")] => match method {
            Method::Get => public_links::qr_code(req, db, id_from(id)?, &file[3..]).await,
            _ => not_allowed(&["GET"]),
        },
        ["activities", id, "public-attempts"] => match method {
            Method::Get => public_links::attempts(req, db, id_from(id)?).await,
            _ => not_allowed(&["GET"]),
        },
        ["public", "links", token] => match method {
            Method::Get => public::show(req, db, env, token).await,
            _ => not_allowed(&["GET"]),
        },
        ["public", "links", token, "attempts"] => match method {
            Method::Post => public::create_attempt(req, db, env, token).await,
            _ => not_allowed(&["POST"]),
        },
        ["public", "attempts", secret, "finish"] => match method {
            Method::Post => public::finish(req, db, env, secret).await,
            Method::Options => public::finish_preflight(),
            _ => not_allowed(&["POST", "OPTIONS"]),
        },
        ["activity-invitations", id] => match method {
            Method::Get => jobs::show(req, db, JobKind::Invitation, id).await,
            _ => not_allowed(&["GET"]),
        },
        ["bases"] => match method {
            Method::Get => activities::bases(req, db).await,
            _ => not_allowed(&["GET"]),
        },
        ["contacts"] => match method {
            Method::Get => contacts::list(req, db).await,
            Method::Post => contacts::create(req, db).await,
            _ => not_allowed(&["GET", "POST"]),
        },
        ["contacts", id] => match method {
            Method::Get => contacts::show(req, db, id_from(id)?).await,
            _ => not_allowed(&["GET"]),
        },
        ["contacts", id, "user"] => match method {
            Method::Post => contacts::become_user(req, db, id_from(id)?).await,
            _ => not_allowed(&["POST"]),
        },
        ["invitations"] => match method {
            Method::Get => invitations::pending(req, db).await,
            Method::Post => invitations::send(req, db).await,
            _ => not_allowed(&["GET", "POST"]),
        },
        ["invitations", "preview"] => match method {
            Method::Post => invitations::preview(req, db).await,
            _ => not_allowed(&["POST"]),
        },
        ["invitations", id] => match method {
            Method::Delete => invitations::destroy(req, db, id_from(id)?).await,
            _ => not_allowed(&["DELETE"]),
        },
        ["invitations", id, "resend"] => match method {
            Method::Post => invitations::resend(req, db, id_from(id)?).await,
            _ => not_allowed(&["POST"]),
        },
        ["password", secret] => match method {
            Method::Get => passwords::page(db, secret).await,
            Method::Post => passwords::choose(req, db, secret).await,
            _ => not_allowed(&["GET", "POST"]),
        },
        ["signup", secret] => match method {
            Method::Get => invitations::sign_up_page(db, secret).await,
            Method::Post => invitations::sign_up(req, db, secret).await,
            _ => not_allowed(&["GET", "POST"]),
        },
        ["delivery-reports"] => match method {
            Method::Post => delivery::report(req, db, env).await,
            _ => not_allowed(&["POST"]),
        },
        ["tokens"] => match method {
            Method::Get => tokens::list(req, db).await,
            Method::Post => tokens::create(req, db).await,
            _ => not_allowed(&["GET", "POST"]),
        },
        ["tokens", id] => match method {
            Method::Delete => tokens::revoke(req, db, id_from(id)?).await,
            _ => not_allowed(&["DELETE"]),
        },
        ["demo", "seed"] if method == Method::Post => demo::seed(req, db, env).await,
        ["demo", "jobs", id, "redeliver"] if method == Method::Post => demo::redeliver(req, db, env, id).await,
        ["demo", "jobs", id, "age"] if method == Method::Post => demo::age(req, db, env, id).await,
        ["demo", "jobs", "fill"] if method == Method::Post => demo::fill(req, db, env).await,
        ["demo", "invitations", id, "age"] if method == Method::Post => demo::age_invitation(req, db, env, id).await,
        ["demo", "challenge"] if method == Method::Post => demo::challenge(req, env).await,
        ["demo", "licences"] if method == Method::Post => demo::licences(req, db, env).await,
        ["demo", "insights", "raw"] if method == Method::Get => demo::raw_insights(req, db, env).await,
        ["demo", "scheduler"] if method == Method::Post => demo::run_scheduler(req, db, env).await,
        ["demo", "jobs", id, "stored"] if method == Method::Get => demo::stored(req, db, env, id).await,
        _ => Err(ApiError::NotFound),
    }
}

/// The request's method. The platform's type reads a method it does not
/// know (`QUERY`, `FOO`) as GET; such a request must not be served as one,
/// so it becomes TRACE, which no route takes (405).
fn known_method(req: &Request) -> Method {
    let raw = req.inner().method();
    let method = req.method();
    if method.as_ref().eq_ignore_ascii_case(&raw) { method } else { Method::Trace }
}

/// A 405 naming the methods the path takes.
fn not_allowed(methods: &[&str]) -> ApiResult<Response> {
    Err(ApiError::MethodNotAllowed(methods.join(", ")))
}

/// An id from the path; anything else is simply not found.
fn id_from(segment: &str) -> ApiResult<i64> {
    segment.parse::<i64>().ok().filter(|id| *id > 0).ok_or(ApiError::NotFound)
}
