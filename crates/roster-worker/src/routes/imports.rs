//! `/api/v1/imports/users`: send a user file to be checked again and
//! applied in the background (C5–C8). The job is followed under `jobs`.

use roster_core::jobs::{JobKind, JobParams, UserImport};
use roster_core::text;
use worker::{Env, Request, Response};

use crate::auth;
use crate::db::Db;
use crate::db::jobs::{self, JobFile};
use crate::error::{ApiError, ApiResult};
use crate::http::{self, percent_decoded};
use crate::{platform, queue, views};

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
    views::job_answer(db, admin.company, JobKind::Import, &id, 202).await
}
