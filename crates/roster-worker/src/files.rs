//! Stored files: a file written as it goes is uploaded in equal parts, so
//! only one part is ever held in memory, whatever the file's size.

use futures_util::StreamExt;
use roster_core::idempotency::BodyDigest;
use worker::{Bucket, MultipartUpload, Request, UploadedPart};

use crate::error::{ApiError, ApiResult};

/// The size of every part but the last (the store wants equal parts of
/// 5 MiB at least).
pub const PART_BYTES: usize = 8 * 1024 * 1024;

/// An upload fed with the bytes of a file as they are written.
pub struct PartUpload<'a> {
    bucket: &'a Bucket,
    key: String,
    upload: Option<MultipartUpload>,
    parts: Vec<UploadedPart>,
    buffer: Vec<u8>,
    size: u64,
}

impl<'a> PartUpload<'a> {
    /// An upload to `key`; nothing is sent before a full part is ready.
    pub const fn new(bucket: &'a Bucket, key: String) -> Self {
        Self { bucket, key, upload: None, parts: Vec::new(), buffer: Vec::new(), size: 0 }
    }

    /// Adds bytes; sends each part as soon as it is full.
    pub async fn write(&mut self, bytes: &[u8]) -> ApiResult<()> {
        self.size += bytes.len() as u64;
        self.buffer.extend_from_slice(bytes);
        while self.buffer.len() >= PART_BYTES {
            let rest = self.buffer.split_off(PART_BYTES);
            let part = std::mem::replace(&mut self.buffer, rest);
            self.send(part).await?;
        }
        Ok(())
    }

    async fn send(&mut self, part: Vec<u8>) -> ApiResult<()> {
        if self.upload.is_none() {
            self.upload = Some(self.bucket.create_multipart_upload(self.key.clone()).execute().await?);
        }
        let upload = self.upload.as_ref().ok_or_else(|| ApiError::Internal("no upload".into()))?;
        let number = u16::try_from(self.parts.len() + 1).map_err(|_| ApiError::Internal("too many parts".into()))?;
        self.parts.push(upload.upload_part(number, part).await?);
        Ok(())
    }

    /// Gives up: parts sent so far are discarded, nothing is stored.
    pub async fn abort(self) {
        if let Some(upload) = &self.upload {
            // Storage discards unfinished uploads by itself anyway.
            let _ = upload.abort().await;
        }
    }

    /// Adds the last bytes and stores the file; gives its size.
    pub async fn finish(mut self, last: &[u8]) -> ApiResult<u64> {
        self.size += last.len() as u64;
        self.buffer.extend_from_slice(last);
        if self.upload.is_none() {
            // Small enough for one request.
            let bytes = std::mem::take(&mut self.buffer);
            self.bucket.put(self.key.clone(), bytes).execute().await?;
            return Ok(self.size);
        }
        if !self.buffer.is_empty() {
            let part = std::mem::take(&mut self.buffer);
            self.send(part).await?;
        }
        let upload = self.upload.take().ok_or_else(|| ApiError::Internal("no upload".into()))?;
        upload.complete(std::mem::take(&mut self.parts)).await?;
        Ok(self.size)
    }
}

/// Sends a stored file of a job to an administrator of its company, and
/// records the download. After the job's last day the answer is 410 Gone.
pub async fn download(
    db: &crate::db::Db,
    env: &worker::Env,
    caller: &crate::caller::Caller,
    job: &crate::db::jobs::JobRow,
    name: &str,
) -> ApiResult<worker::Response> {
    use crate::db::{exports, jobs};
    let file = jobs::files(db, caller.company, &job.id).await?.into_iter().find(|f| f.name == name);
    let file = file.ok_or(ApiError::NotFound)?;
    if file.deleted_at.is_some() || job.files_expired(crate::platform::now()) {
        return Err(expired());
    }
    let object = env.bucket("FILES")?.get(file.object_key.clone()).execute().await?.ok_or_else(expired)?;
    exports::record_download(db, caller.company, caller.user_id(), &job.id, name).await?;
    let body = object.body().ok_or_else(|| ApiError::Internal("stored file has no body".into()))?.stream()?;
    let mut resp = worker::Response::from_stream(body)?;
    let headers = resp.headers_mut();
    let extension = name.rsplit_once('.').map(|(_, e)| e).and_then(roster_core::export::Format::parse);
    let media = extension.map_or("application/octet-stream", roster_core::export::Format::media_type);
    headers.set("content-type", media)?;
    headers.set("content-length", &file.bytes.to_string())?;
    headers.set("content-disposition", &crate::http::attachment(name))?;
    headers.set("cache-control", "no-store")?;
    Ok(resp)
}

/// The answer to a download past its last day.
fn expired() -> ApiError {
    ApiError::Gone("This file has expired and was deleted; ask for a new export.".into())
}

/// Streams the request's body into storage at `key`, a part at a time, and
/// gives its size. Past `max` bytes the upload is abandoned and refused: at
/// no point is more than one part held in memory.
pub async fn upload_body(req: &mut Request, bucket: &Bucket, key: String, max: usize) -> ApiResult<(u64, String)> {
    crate::http::refuse_declared(req, max)?;
    let mut upload = PartUpload::new(bucket, key);
    let mut size = 0usize;
    let mut digest = BodyDigest::default();
    if let Ok(mut stream) = req.stream() {
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            size += chunk.len();
            if size > max {
                upload.abort().await;
                crate::http::drain(&mut stream).await;
                return Err(ApiError::TooLarge);
            }
            digest.update(&chunk);
            upload.write(&chunk).await?;
        }
    }
    // An empty file is stored too: its job fails saying so, in the admin's language.
    Ok((upload.finish(&[]).await?, digest.finish()))
}
