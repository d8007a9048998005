//! `/api/v1/imports/users` and `/api/v1/imports/invitations`: send a user
//! file (C5–C8) or an invitation file (D1–D5) to be checked again and
//! applied in the background. The job is followed under `jobs`.

use roster_core::jobs::{InvitationImport, JobKind, JobParams, UserImport};
use roster_core::permissions::{Need, Permission};
use roster_core::text;
use worker::{Env, Request, Response};

use crate::auth;
use crate::caller::Caller;
use crate::db::jobs::{self, JobFile};
use crate::db::{Db, invitation_imports};
use crate::error::{ApiError, ApiResult};
use crate::http::{self, percent_decoded};
use crate::{platform, queue, views};

/// The largest file accepted (the core refuses larger files anyway).
const MAX_FILE: usize = roster_core::sheet::Limits::PRODUCT.max_file_bytes;

/// Which file an upload brings.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ImportFile {
    /// Users to create and update.
    Users,
    /// Invitations to schedule.
    Invitations,
}

/// The administrator, when their company imports `file`s: the invitation
/// file is a company setting, and without it the import is absent (404).
pub async fn importer(req: &Request, db: &Db, file: ImportFile) -> ApiResult<Caller> {
    let permission = match file {
        ImportFile::Users => Permission::ImportUsers,
        ImportFile::Invitations => Permission::ImportInvitations,
    };
    let caller = auth::caller(req, db, Need::Permission(permission)).await?;
    if file == ImportFile::Invitations && !caller.invitation_file_import {
        return Err(ApiError::NotFound);
    }
    Ok(caller)
}

/// The company's activities, groups and people as an invitation file is
/// checked against: what the console checks in the browser, and what
/// `roster validate invitations --snapshot` reads.
pub async fn invitation_snapshot(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = importer(req, db, ImportFile::Invitations).await?;
    let snapshot = invitation_imports::snapshot(db, caller.company, caller.time_zone.clone()).await?;
    http::json(200, &snapshot)
}

/// Streams the file to storage, records a queued job and hands it to the
/// queue (202).
pub async fn upload(req: &mut Request, db: &Db, env: &Env, file: ImportFile) -> ApiResult<Response> {
    let caller = importer(req, db, file).await?;
    let typed = req.headers().get("content-type")?.is_some();
    let raw_name = req.headers().get("x-file-name")?.map(|name| percent_decoded(&name)).unwrap_or_default();
    // The name a file is stored under when it came without a usable one.
    let unnamed = if file == ImportFile::Users { "users" } else { "invitations" };
    let file_name = text::file_name(&raw_name).unwrap_or_else(|| unnamed.to_owned());
    let id = roster_core::secret::random_id(platform::random_bytes()?);
    let key = format!("imports/{}/{id}", caller.company.get());
    let bucket = env.bucket("FILES")?;
    let (size, digest) = crate::files::upload_body(req, &bucket, key.clone(), MAX_FILE).await?;
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
    let params = match file {
        ImportFile::Users => JobParams::UserImport(UserImport { file_name, bytes: size, key }),
        ImportFile::Invitations => JobParams::InvitationImport(InvitationImport {
            file_name,
            bytes: size,
            key,
            origin: req.url()?.origin().ascii_serialization(),
            language: caller.language,
        }),
    };
    jobs::create(db, caller.company, caller.user_id(), &id, &params, &[upload]).await?;
    queue::enqueue(env, caller.company, &id).await?;
    let mut answer = views::job_answer(db, caller.company, JobKind::Import, &id, 202).await?;
    // For the idempotency layer, which never holds the file to digest it.
    answer.headers_mut().set(crate::idempotency::BODY_DIGEST_HEADER, &digest)?;
    Ok(answer)
}
