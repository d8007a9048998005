//! `/api/v1/exports`: ask for a users export, follow it, list the imports
//! and exports of the last 30 days (J1), download their files for 4 days;
//! and the pages the console builds its own exports from (J3).

use std::fmt::Write as _;

use roster_core::Language;
use roster_core::directory::UserQuery;
use roster_core::export::Format;
use roster_core::export::users::MAX_EXPORT_USERS;
use serde::Deserialize;
use serde_json::{Value, json};
use worker::{Env, Request, Response};

use super::{json, json_body, users::directory_query};
use crate::auth;
use crate::db::jobs::{self, JobFile, JobRow};
use crate::db::{Db, exports, users};
use crate::error::{ApiError, ApiResult};
use crate::platform;

#[derive(Deserialize)]
struct ExportRequest {
    kind: String,
    format: String,
    /// The language of the headers; the requester's by default.
    language: Option<String>,
}

/// Records a queued export and hands it to the queue (202).
pub async fn create(req: &mut Request, db: &Db, env: &Env) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let body: ExportRequest = json_body(req).await?;
    if body.kind != "users" {
        return Err(ApiError::BadRequest(format!("There is no export of kind “{}”; try “users”.", body.kind)));
    }
    let format = Format::parse(&body.format)
        .ok_or_else(|| ApiError::BadRequest(format!("The format “{}” is not csv or xlsx.", body.format)))?;
    let language = body.language.as_deref().and_then(|l| Language::parse(l).ok()).unwrap_or(admin.language);
    let everyone = UserQuery { search: Vec::new(), status: None, group: None, after: None, limit: 1 };
    if users::count(db, admin.company, &everyone).await? > MAX_EXPORT_USERS {
        return Err(ApiError::BadRequest(format!(
            "An export takes at most {MAX_EXPORT_USERS} users; this company has more. Export the list by status or group instead."
        )));
    }
    let url = req.url()?;
    let origin = url.origin().ascii_serialization();
    let id = roster_core::secret::random_id(platform::random_bytes()?);
    let params = json!({ "format": format, "language": language.code(), "origin": origin });
    jobs::create(db, admin.company, "export", admin.user_id, &id, &params, &[]).await?;
    env.queue("JOBS")?.send(super::imports::JobMessage { job: id.clone(), company: admin.company.get() }).await?;
    let job = jobs::job(db, admin.company, &id).await?.ok_or_else(|| ApiError::Internal("job vanished".into()))?;
    json(202, &shown(&job, &[]))
}

/// The company's imports and exports of the last 30 days, newest first.
pub async fn list(req: &Request, db: &Db) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let since = platform::now().plus_days(-jobs::DASHBOARD_DAYS).to_string();
    let recent = jobs::recent(db, admin.company, &since).await?;
    let ids: Vec<&str> = recent.iter().map(|j| j.id.as_str()).collect();
    let files = jobs::files(db, admin.company, &ids).await?;
    let items: Vec<Value> = recent
        .iter()
        .map(|job| {
            let own: Vec<&JobFile> = files.iter().filter(|f| f.job_id == job.id).collect();
            shown(job, &own)
        })
        .collect();
    json(200, &json!({ "items": items }))
}

/// One job of the company with its files.
pub async fn show(req: &Request, db: &Db, id: &str) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let job = jobs::job(db, admin.company, id).await?.ok_or(ApiError::NotFound)?;
    let files = jobs::files(db, admin.company, &[id]).await?;
    json(200, &shown(&job, &files.iter().collect::<Vec<_>>()))
}

/// A job as the API shows it: its files with their download address, and
/// whether they expired.
pub fn shown(job: &JobRow, files: &[&JobFile]) -> Value {
    let now = platform::now().to_string();
    let expired = job.expires_at.as_deref().is_some_and(|at| at <= now.as_str());
    let base = if job.kind == "export" { "exports" } else { "imports" };
    let mut value = job.to_json();
    value["expired"] = Value::Bool(expired);
    value["files"] = files
        .iter()
        .map(|f| {
            let available = !expired && f.deleted_at.is_none();
            json!({
                "name": f.name,
                "size": f.bytes,
                "rows": f.rows,
                "url": available.then(|| format!("/api/v1/{base}/{}/files/{}", job.id, encode_segment(&f.name))),
                "deleted": f.deleted_at.is_some(),
            })
        })
        .collect();
    value
}

/// Sends a job's file to an administrator of the company, and records the
/// download. After the job's last day the answer is 410 Gone.
pub async fn download(req: &Request, db: &Db, env: &Env, id: &str, name: &str) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let job = jobs::job(db, admin.company, id).await?.ok_or(ApiError::NotFound)?;
    let file = jobs::files(db, admin.company, &[id]).await?.into_iter().find(|f| f.name == name);
    let file = file.ok_or(ApiError::NotFound)?;
    let now = platform::now().to_string();
    if file.deleted_at.is_some() || job.expires_at.as_deref().is_some_and(|at| at <= now.as_str()) {
        return Err(ApiError::Gone);
    }
    let object = env.bucket("FILES")?.get(file.object_key.clone()).execute().await?.ok_or(ApiError::Gone)?;
    exports::record_download(db, admin.company, admin.user_id, id, name).await?;
    let body = object.body().ok_or_else(|| ApiError::Internal("stored file has no body".into()))?.stream()?;
    let mut resp = Response::from_stream(body)?;
    let headers = resp.headers_mut();
    let extension = name.rsplit_once('.').map(|(_, e)| e).and_then(Format::parse);
    let media = extension.map_or("application/octet-stream", Format::media_type);
    headers.set("content-type", media)?;
    headers.set("content-length", &file.bytes.to_string())?;
    headers.set("content-disposition", &format!("attachment; filename*=UTF-8''{}", encode_segment(name)))?;
    headers.set("cache-control", "no-store")?;
    headers.set("x-content-type-options", "nosniff")?;
    Ok(resp)
}

/// The most users one page of [`list_page`] gives.
const EXPORT_PAGE: u32 = 1_000;

/// One page of the directory as exports show it (the list's filters), for
/// the console to build its own file; the first page also counts them all.
pub async fn list_page(req: &Request, db: &Db) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let mut query: UserQuery = directory_query(req, None)?;
    let limit = super::query_param(req, "limit")?.and_then(|l| l.parse::<u32>().ok());
    query.limit = limit.unwrap_or(EXPORT_PAGE).clamp(1, EXPORT_PAGE);
    let total = if query.after.is_none() { Some(users::count(db, admin.company, &query).await?) } else { None };
    let since = platform::now().plus_days(-365).to_string();
    let mut rows = exports::page(db, admin.company, &with_one_more(&query), &since).await?;
    let next = (rows.len() > query.limit as usize).then(|| {
        rows.truncate(query.limit as usize);
        rows.last().map(|r| r.cursor().encode())
    });
    let items: Vec<_> = rows.into_iter().map(|r| r.user).collect();
    json(200, &json!({ "items": items, "next_cursor": next.flatten(), "total": total }))
}

fn with_one_more(query: &UserQuery) -> UserQuery {
    UserQuery { limit: query.limit + 1, ..query.clone() }
}

/// The outbox, readable in the console when it runs locally (K3).
pub async fn outbox(req: &Request, db: &Db, env: &Env) -> ApiResult<Response> {
    if !super::demo::is_local(env) {
        return Err(ApiError::NotFound);
    }
    let admin = auth::admin(req, db).await?;
    json(200, &json!({ "items": exports::outbox(db, admin.company).await? }))
}

/// A path segment with everything but unreserved characters escaped.
fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}
