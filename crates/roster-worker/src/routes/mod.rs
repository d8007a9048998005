//! The API's routes: parse the request, call the core and the repository,
//! shape the response. No business rule is decided here.

mod audit;
mod demo;
mod exports;
mod groups;
pub mod imports;
mod session;
mod tokens;
mod users;

use serde::Serialize;
use serde::de::DeserializeOwned;
use worker::{Env, Method, Request, Response};

use crate::db::Db;
use crate::error::{ApiError, ApiResult};

/// The largest JSON body accepted.
const MAX_BODY: usize = 64 * 1024;

/// The API description, served as written.
const OPENAPI: &str = include_str!("../../openapi.yaml");

/// Routes a request to its handler.
pub async fn handle(mut req: Request, env: &Env) -> ApiResult<Response> {
    let path = req.path();
    let Some(rest) = path.strip_prefix("/api/v1/") else {
        return Err(ApiError::NotFound);
    };
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let db = Db::from_env(env)?;
    let method = req.method();
    match (method, segments.as_slice()) {
        (Method::Get, ["openapi.yaml"]) => {
            let mut description = Response::ok(OPENAPI)?;
            description.headers_mut().set("content-type", "application/yaml; charset=utf-8")?;
            Ok(description)
        }
        (Method::Post, ["session"]) => session::sign_in(&mut req, &db).await,
        (Method::Get, ["session"]) => session::whoami(&req, &db).await,
        (Method::Delete, ["session"]) => session::sign_out(&req, &db).await,
        (Method::Get, ["users"]) => users::list(&req, &db).await,
        (Method::Post, ["users"]) => users::create(&mut req, &db).await,
        (Method::Get, ["users", "export"]) => exports::list_page(&req, &db).await,
        (Method::Get, ["users", id]) => users::show(&req, &db, id_from(id)?).await,
        (Method::Get, ["imports", "users", "snapshot"]) => users::import_snapshot(&req, &db).await,
        (Method::Post, ["imports", "users"]) => imports::upload(&mut req, &db, env).await,
        (Method::Get, ["imports" | "exports", id]) => exports::show(&req, &db, id).await,
        (Method::Get, ["imports" | "exports", id, "files", name]) => {
            exports::download(&req, &db, env, id, &imports::percent_decode(name)).await
        }
        (Method::Get, ["exports"]) => exports::list(&req, &db).await,
        (Method::Post, ["exports"]) => exports::create(&mut req, &db, env).await,
        (Method::Get, ["audit"]) => audit::list(&req, &db).await,
        (Method::Get, ["outbox"]) => exports::outbox(&req, &db, env).await,
        (Method::Get, ["groups"]) => groups::list(&req, &db).await,
        (Method::Post, ["groups"]) => groups::create(&mut req, &db).await,
        (Method::Get, ["groups", id]) => groups::show(&req, &db, id_from(id)?).await,
        (Method::Patch, ["groups", id]) => groups::update(&mut req, &db, id_from(id)?).await,
        (Method::Delete, ["groups", id]) => groups::delete(&req, &db, id_from(id)?).await,
        (Method::Get, ["tokens"]) => tokens::list(&req, &db).await,
        (Method::Post, ["tokens"]) => tokens::create(&mut req, &db).await,
        (Method::Delete, ["tokens", id]) => tokens::revoke(&req, &db, id_from(id)?).await,
        (Method::Post, ["demo", "seed"]) => demo::seed(&mut req, &db, env).await,
        (Method::Post, ["demo", "jobs", id, "redeliver"]) => demo::redeliver(&req, &db, env, id).await,
        (Method::Post, ["demo", "jobs", id, "age"]) => demo::age(&mut req, &db, env, id).await,
        (Method::Get, ["demo", "jobs", id, "stored"]) => demo::stored(&req, &db, env, id).await,
        _ => Err(ApiError::NotFound),
    }
}

/// An id from the path; anything else is simply not found.
fn id_from(segment: &str) -> ApiResult<i64> {
    segment.parse::<i64>().ok().filter(|id| *id > 0).ok_or(ApiError::NotFound)
}

/// The request's body, refused past `max` bytes: early when the declared
/// length says so, else once read.
async fn body_within(req: &mut Request, max: usize) -> ApiResult<Vec<u8>> {
    let declared = req.headers().get("content-length")?.and_then(|l| l.parse::<usize>().ok());
    if declared.is_some_and(|l| l > max) {
        return Err(ApiError::TooLarge);
    }
    let bytes = req.bytes().await?;
    if bytes.len() > max {
        return Err(ApiError::TooLarge);
    }
    Ok(bytes)
}

/// The request's JSON body, refused past [`MAX_BODY`] bytes.
async fn json_body<T: DeserializeOwned>(req: &mut Request) -> ApiResult<T> {
    let bytes = body_within(req, MAX_BODY).await?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::BadRequest(format!("The body is not the JSON expected: {e}")))
}

/// A JSON response with `status`.
fn json<T: Serialize>(status: u16, value: &T) -> ApiResult<Response> {
    let mut resp = Response::from_json(value)?.with_status(status);
    resp.headers_mut().set("cache-control", "no-store")?;
    Ok(resp)
}

/// The value of a query-string parameter.
fn query_param(req: &Request, name: &str) -> ApiResult<Option<String>> {
    Ok(req.url()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()))
}
