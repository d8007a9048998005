//! `/api/v1/imports`: send a user file to be checked again and applied in
//! the background (C5–C8), follow the job, download the file sent.

use roster_core::jobs::{JobKind, JobParams, UserImport};
use roster_core::text;
use worker::{Env, Request, Response};

use crate::auth;
use crate::db::Db;
use crate::db::jobs::{self, JobFile};
use crate::error::{ApiError, ApiResult};
use crate::http::{self, json, percent_decoded};
use crate::{files, platform, queue, views};

/// The largest file accepted (the core refuses larger files anyway).
const MAX_FILE: usize = roster_core::sheet::Limits::PRODUCT.max_file_bytes;

/// The name a file is stored under when it came without a usable one.
const UNNAMED: &str = "users";

/// Streams the file to storage, records a queued job and hands it to the
/// queue (202).
pub async fn upload(req: &mut Request, db: &Db, env: &Env) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let typed = req.headers().get("content-type")?.is_some();
    let raw_name = req.headers().get("x-file-name")?.map(|name| percent_decoded(&name)).unwrap_or_default();
    let file_name = text::file_name(&raw_name).unwrap_or_else(|| UNNAMED.to_owned());
    let id = roster_core::secret::random_id(platform::random_bytes()?);
    let key = format!("imports/{}/{id}", admin.company.get());
    let bucket = env.bucket("FILES")?;
    let size = http::upload_body(req, &bucket, key.clone(), MAX_FILE).await?;
    // A request that sends nothing at all (no bytes, no type) is not a file;
    // an empty file with its type is, and its job says it is empty.
    if size == 0 && !typed {
        bucket.delete(&key).await?;
        return Err(ApiError::BadRequest("Send the file's bytes as the request body.".into()));
    }
    let upload = JobFile {
        job_id: id.clone(),
        name: file_name.clone(),
        object_key: key.clone(),
        bytes: i64::try_from(size).unwrap_or(i64::MAX),
        rows: None,
        deleted_at: None,
    };
    let params = JobParams::UserImport(UserImport { file_name, bytes: size, key });
    jobs::create(db, admin.company, admin.user_id, &id, &params, &[upload]).await?;
    queue::enqueue(env, admin.company, &id).await?;
    show_job(db, &admin, &id, 202).await
}

async fn show_job(db: &Db, admin: &crate::tenant::Admin, id: &str, status: u16) -> ApiResult<Response> {
    let job = jobs::job_of_kind(db, admin.company, JobKind::Import, id).await?.ok_or(ApiError::NotFound)?;
    let files = jobs::files(db, admin.company, id).await?;
    json(status, &views::job(&job, &files.iter().collect::<Vec<_>>(), platform::now()))
}

/// One import of the company with its file; 404 for anything else.
pub async fn show(req: &Request, db: &Db, id: &str) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    show_job(db, &admin, id, 200).await
}

/// The file an import was sent, until its last day.
pub async fn download(req: &Request, db: &Db, env: &Env, id: &str, name: &str) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let job = jobs::job_of_kind(db, admin.company, JobKind::Import, id).await?.ok_or(ApiError::NotFound)?;
    files::download(db, env, &admin, &job, name).await
}
