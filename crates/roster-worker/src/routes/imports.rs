//! `/api/v1/imports`: send a user file to be checked again and applied in
//! the background (C5–C8), and follow the job.

use serde::{Deserialize, Serialize};
use serde_json::json;
use worker::{Env, Request, Response};

use super::json;
use crate::auth;
use crate::db::Db;
use crate::db::jobs::{self, JobFile};
use crate::error::{ApiError, ApiResult};
use crate::platform;
use crate::tenant::CompanyId;

/// The message a job's queue carries.
#[derive(Debug, Serialize, Deserialize)]
pub struct JobMessage {
    /// The job's id.
    pub job: String,
    /// Its company.
    pub company: i64,
}

/// The largest file accepted (the core refuses larger files anyway).
const MAX_FILE: usize = roster_core::sheet::Limits::PRODUCT.max_file_bytes;

/// Stores the file, records a queued job and hands it to the queue (202).
pub async fn upload(req: &mut Request, db: &Db, env: &Env) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let bytes = super::body_within(req, MAX_FILE).await?;
    if bytes.is_empty() {
        return Err(ApiError::BadRequest("The file is empty.".into()));
    }
    let file_name: String = req
        .headers()
        .get("x-file-name")?
        .map_or_else(|| "users".into(), |name| percent_decode(&name))
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let id = roster_core::secret::random_id(platform::random_bytes()?);
    let key = format!("imports/{}/{id}", admin.company.get());
    env.bucket("FILES")?.put(&key, bytes.clone()).execute().await?;
    let size = bytes.len();
    let params = json!({ "file_name": file_name, "bytes": size, "key": key });
    let upload = JobFile {
        job_id: id.clone(),
        name: file_name,
        object_key: key,
        bytes: i64::try_from(size).unwrap_or(i64::MAX),
        rows: None,
        deleted_at: None,
    };
    jobs::create(db, admin.company, "import", admin.user_id, &id, &params, &[upload]).await?;
    env.queue("JOBS")?.send(JobMessage { job: id.clone(), company: admin.company.get() }).await?;
    let job = jobs::job(db, admin.company, &id).await?.ok_or_else(|| ApiError::Internal("job vanished".into()))?;
    json(202, &super::exports::shown(&job, &[]))
}

/// The company a queue message names (the message comes from this Worker).
pub fn company_of(message: &JobMessage) -> CompanyId {
    CompanyId::trusted(message.company)
}

/// Decodes `%XX` escapes (file names travel URI-encoded in a header).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
