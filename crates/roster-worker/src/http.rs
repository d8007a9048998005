//! Reading requests and shaping answers, the same way for every route:
//! bodies read as streams within a byte limit (never whole before the
//! check), JSON bodies that must be the object described, query strings
//! read strictly, and the headers every answer carries.

use futures_util::StreamExt;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use roster_core::directory::{PageBounds, UserQuery};
use roster_core::idempotency::BodyDigest;
use roster_core::numbers;
use roster_core::time::Zone;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use worker::{Request, Response};

use crate::error::{ApiError, ApiResult};

/// The largest JSON body accepted.
pub const MAX_JSON_BODY: usize = 64 * 1024;

/// What stays unescaped in a path segment or an RFC 5987 value.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Refuses early a body whose declared length is over `max`.
pub(crate) fn refuse_declared(req: &Request, max: usize) -> ApiResult<()> {
    let declared = req.headers().get("content-length")?.and_then(|l| l.trim().parse::<u64>().ok());
    if declared.is_some_and(|l| l > max as u64) {
        return Err(ApiError::TooLarge);
    }
    Ok(())
}

/// The most bytes of a refused body read and dropped so the connection
/// stays usable; a sender going on past this is cut off.
const MAX_DRAINED: usize = 256 * 1024 * 1024;

/// Reads and drops the rest of a refused body, a chunk at a time: the
/// runtime serves the next request only once this one's body is consumed,
/// and nothing of it is kept.
pub(crate) async fn drain(stream: &mut worker::ByteStream) {
    let mut drained = 0usize;
    while let Some(Ok(chunk)) = stream.next().await {
        drained += chunk.len();
        if drained > MAX_DRAINED {
            break;
        }
    }
}

/// The request's body, read chunk by chunk and refused as soon as it passes
/// `max` bytes, whether or not a length was declared.
pub async fn body_within(req: &mut Request, max: usize) -> ApiResult<Vec<u8>> {
    refuse_declared(req, max)?;
    let mut body = Vec::new();
    let Ok(mut stream) = req.stream() else {
        return Ok(body); // no body at all
    };
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > max {
            drop(body);
            drain(&mut stream).await;
            return Err(ApiError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The digest of the request's body, read chunk by chunk and never held
/// whole; refused past `max` bytes.
pub async fn body_digest_within(req: &mut Request, max: usize) -> ApiResult<String> {
    refuse_declared(req, max)?;
    let mut digest = BodyDigest::default();
    let mut size = 0usize;
    if let Ok(mut stream) = req.stream() {
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            size += chunk.len();
            if size > max {
                drain(&mut stream).await;
                return Err(ApiError::TooLarge);
            }
            digest.update(&chunk);
        }
    }
    Ok(digest.finish())
}

/// The request's JSON body: an object (never an array or a bare value),
/// within [`MAX_JSON_BODY`], of the shape `T` describes (its structs refuse
/// unknown fields).
pub async fn json_body<T: DeserializeOwned>(req: &mut Request) -> ApiResult<T> {
    let bytes = body_within(req, MAX_JSON_BODY).await?;
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::BadRequest("The body must be a JSON object.".into()));
    }
    serde_json::from_slice(&bytes).map_err(|e| ApiError::BadRequest(format!("The body is not the JSON expected: {e}")))
}

/// For an optional body field that, when given, must be a value: `null`
/// is refused like any other wrong type instead of meaning "absent".
pub fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// For an optional whole-number body field: `3` and `3.0` are the same
/// number in JSON; `null`, `3.5` and numbers past 2^53 are refused.
pub fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let number = serde_json::Number::deserialize(d)?;
    numbers::whole(&number).map(Some).ok_or_else(|| serde::de::Error::custom(format!("{number} is not a whole number")))
}

/// For a body field listing ids: whole numbers of either JSON form (`3`,
/// `3.0`), each positive and within 2^53; at most [`MAX_IDS`].
pub fn ids<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    let list = Vec::<serde_json::Number>::deserialize(d)?;
    if list.len() > MAX_IDS {
        return Err(serde::de::Error::custom(format!("at most {MAX_IDS} ids")));
    }
    list.into_iter()
        .map(|n| {
            numbers::whole(&n).filter(|id| *id > 0).ok_or_else(|| serde::de::Error::custom(format!("{n} is not an id")))
        })
        .collect()
}

/// The most ids one request may list.
pub const MAX_IDS: usize = 1_000;

/// A JSON answer with `status`, never cached.
pub fn json<T: Serialize>(status: u16, value: &T) -> ApiResult<Response> {
    let mut resp = Response::from_json(value)?.with_status(status);
    resp.headers_mut().set("cache-control", "no-store")?;
    Ok(resp)
}

/// The headers every API answer carries: nothing of it may be framed,
/// sniffed into another type or run as a page.
pub fn secure(mut resp: Response) -> Response {
    let headers = resp.headers_mut();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("content-security-policy", "default-src 'none'; frame-ancestors 'none'"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
    ] {
        // A page that needs more than nothing (the public form) sets its own policy.
        if !headers.has(name).unwrap_or(false) {
            let _ = headers.set(name, value);
        }
    }
    resp
}

/// The value of a query-string parameter.
pub fn query_param(req: &Request, name: &str) -> ApiResult<Option<String>> {
    Ok(req.url()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()))
}

/// A whole number from the query string within `min..=max`, or `default`.
pub fn query_number(req: &Request, name: &str, (min, max): (u32, u32), default: u32) -> ApiResult<u32> {
    match query_param(req, name)? {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| ApiError::BadRequest(format!("“{name}” must be a whole number from {min} to {max}."))),
    }
}

/// The directory query of the request's filters, `sort`, `cursor` and
/// `limit`, within `bounds`; access dates are days of `zone`.
pub fn user_query(req: &Request, bounds: PageBounds, zone: &Zone) -> ApiResult<UserQuery> {
    let pairs: Vec<(String, String)> = req.url()?.query_pairs().into_owned().collect();
    let param = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    UserQuery::parse(param, bounds, zone).map_err(|e| ApiError::BadRequest(e.to_string()))
}

/// A path segment or header value with `%XX` escapes decoded (invalid
/// UTF-8 replaced, never refused).
pub fn percent_decoded(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// `text` with everything but unreserved characters escaped.
pub fn percent_encoded(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// A `Content-Disposition` that downloads the file as `name`: an ASCII
/// fallback for old clients, the exact name for the others.
pub fn attachment(name: &str) -> String {
    let fallback: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{}", percent_encoded(name))
}
