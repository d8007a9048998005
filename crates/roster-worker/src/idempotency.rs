//! The `Idempotency-Key` header (see `roster_core::idempotency`): a
//! signed-in request that changes something may carry one; the first
//! request with a key acts and its answer is kept a day, a retry gets that
//! answer again (marked `Idempotent-Replayed: true`), a retry while the
//! first is still running gets 409, and the key sent with another request
//! gets 422.

use roster_core::idempotency::{self as rules, Fingerprint, Key, PENDING, Verdict};
use roster_core::permissions::Need;
use worker::{Method, Request, RequestInit, Response};

use crate::db::Db;
use crate::db::idempotency::{self, Owned, Stored};
use crate::error::{ApiError, ApiResult};
use crate::{auth, http, platform};

/// The request header carrying the key.
const HEADER: &str = "idempotency-key";
/// The answer header an upload route sets to its body's digest, read and
/// taken off here: uploads are streamed to storage, never held to digest.
pub const BODY_DIGEST_HEADER: &str = "x-roster-body-digest";

/// Whether a request to `segments` (the path below `/api/v1/`) with
/// `method` takes a key: every change made by a signed-in user (sign-in
/// itself, public links, personal links and delivery reports aside).
pub fn applies(method: &Method, segments: &[&str]) -> bool {
    *method == Method::Post
        && !matches!(
            segments.first(),
            Some(&("session" | "public" | "password" | "signup" | "delivery-reports" | "demo"))
        )
}

/// Routes whose body is a file streamed to storage.
fn is_upload(segments: &[&str]) -> bool {
    matches!(segments, ["imports", "users" | "invitations"])
}

/// The request's key, if it carries one.
///
/// # Errors
/// [`ApiError::BadRequest`] for a key that is not 1 to 255 visible ASCII characters.
pub fn key_of(req: &Request) -> ApiResult<Option<Key>> {
    match req.headers().get(HEADER)? {
        None => Ok(None),
        Some(raw) => Key::parse(&raw).map(Some).map_err(|why| ApiError::BadRequest(why.to_owned())),
    }
}

/// A request that took its key and is about to act.
pub struct Taken {
    owned: Owned,
    path: String,
    /// Known before acting, except for uploads.
    fingerprint: Option<Fingerprint>,
}

/// What to do with a request carrying a key.
pub enum Start {
    /// Answer this without acting.
    Answered(Response),
    /// Act on this request (its body as received), then call [`finish`].
    Act(Request, Taken),
}

/// Takes the request's key, or answers from what the key holds.
///
/// # Errors
/// As [`auth::caller`] for a caller who is not signed in; as the body
/// readers for a body past its limit.
pub async fn start(mut req: Request, db: &Db, key: Key, segments: &[&str]) -> ApiResult<Start> {
    let caller = auth::caller(&req, db, Need::SignedIn).await?;
    let owned = Owned { company: caller.company, user: caller.user_id(), key };
    let url = req.url()?;
    let path = url.path().to_owned();
    let now = platform::now();
    let refuse = |verdict| match verdict {
        Verdict::InProgress => Err(ApiError::KeyInProgress(caller.language)),
        _ => Err(ApiError::KeyReused(caller.language)),
    };
    if is_upload(segments) {
        let pending = Fingerprint::new("POST", &path, PENDING);
        let Some(stored) = idempotency::take(db, &owned, &pending, now).await? else {
            return Ok(Start::Act(req, Taken { owned, path, fingerprint: None }));
        };
        if stored.status.is_none() {
            return refuse(rules::verdict(&pending, Some(&stored.used())));
        }
        let max = roster_core::sheet::Limits::PRODUCT.max_file_bytes;
        let read = Fingerprint::new("POST", &path, &http::body_digest_within(&mut req, max).await?);
        return match rules::verdict(&read, Some(&stored.used())) {
            Verdict::Replay => Ok(Start::Answered(replay(&stored)?)),
            other => refuse(other),
        };
    }
    let body = http::body_within(&mut req, http::MAX_JSON_BODY).await?;
    let fingerprint = Fingerprint::new("POST", &path, &rules::body_digest(&body));
    match idempotency::take(db, &owned, &fingerprint, now).await? {
        None => {
            let init = RequestInit {
                method: Method::Post,
                headers: req.headers().clone(),
                body: Some(js_sys::Uint8Array::from(body.as_slice()).into()),
                ..RequestInit::default()
            };
            let again = Request::new_with_init(url.as_str(), &init)?;
            Ok(Start::Act(again, Taken { owned, path, fingerprint: Some(fingerprint) }))
        }
        Some(stored) => match rules::verdict(&fingerprint, Some(&stored.used())) {
            Verdict::Replay => Ok(Start::Answered(replay(&stored)?)),
            other => refuse(other),
        },
    }
}

/// The answer kept for a key, given again.
fn replay(stored: &Stored) -> ApiResult<Response> {
    let mut answer = Response::from_bytes(stored.body.clone().unwrap_or_default().into_bytes())?
        .with_status(stored.status.unwrap_or(200));
    let headers = answer.headers_mut();
    headers.set("content-type", stored.content_type.as_deref().unwrap_or("application/json; charset=utf-8"))?;
    headers.set("cache-control", "no-store")?;
    headers.set("idempotent-replayed", "true")?;
    Ok(answer)
}

/// Keeps the answer of a request that took its key, or frees the key when
/// the answer is not kept (our failures, an upload refused before it was
/// read); gives the answer.
///
/// # Errors
/// When the answer cannot be read or kept.
pub async fn finish(db: &Db, taken: Taken, answer: ApiResult<Response>) -> ApiResult<Response> {
    let mut answer = answer.unwrap_or_else(ApiError::into_response);
    let digest = answer.headers().get(BODY_DIGEST_HEADER)?;
    answer.headers_mut().delete(BODY_DIGEST_HEADER)?;
    let status = answer.status_code();
    let fingerprint = taken.fingerprint.or_else(|| digest.map(|d| Fingerprint::new("POST", &taken.path, &d)));
    let Some(fingerprint) = fingerprint.filter(|_| rules::kept(status)) else {
        idempotency::free(db, &taken.owned).await?;
        return Ok(answer);
    };
    let headers = answer.headers().clone();
    let Ok(body) = String::from_utf8(answer.bytes().await?) else {
        idempotency::free(db, &taken.owned).await?;
        return Err(ApiError::Internal("an answer that is not text was given a key".into()));
    };
    let kept = Stored {
        fingerprint: fingerprint.as_str().to_owned(),
        status: Some(status),
        content_type: headers.get("content-type")?,
        body: Some(body),
    };
    idempotency::keep(db, &taken.owned, &kept).await?;
    Ok(Response::from_bytes(kept.body.unwrap_or_default().into_bytes())?.with_status(status).with_headers(headers))
}
