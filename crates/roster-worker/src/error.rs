//! The API's one error type, mapped once to HTTP statuses and JSON bodies.

use roster_core::{FieldError, Language};
use serde_json::{Map, Value, json};
use worker::{Headers, Response};

/// Everything a request can fail with. A 500 never shows internals: the
/// detail goes to the log and the caller gets a generic message.
#[derive(Debug)]
pub enum ApiError {
    /// No valid session or token (401).
    Unauthenticated,
    /// A signed request (a delivery report) whose signature is missing,
    /// stale or wrong (401), saying which.
    BadSignature(String),
    /// E-mail or password wrong, said the same way for both (401).
    BadCredentials(Language),
    /// Signed in, but not allowed (403).
    Forbidden(&'static str),
    /// Signed in, but lacking what the route needs (403), named in the body.
    Denied(roster_core::permissions::Need, Language),
    /// A change to a person holding powers the caller lacks (403).
    Outranked(Language),
    /// A state-changing cookie request from another site (403).
    CrossSite,
    /// Nothing here for this company (404): also what another company's ids get.
    NotFound,
    /// The request is malformed: bad JSON, bad query (400).
    BadRequest(String),
    /// The body is larger than accepted (413).
    TooLarge,
    /// The path exists but not with this method (405); lists those it takes.
    MethodNotAllowed(String),
    /// Fields with problems, each shown next to its field (422).
    Invalid(Vec<FieldError>, Language),
    /// The request clashes with the current state (409).
    Conflict,
    /// The first request with this idempotency key is still running (409).
    KeyInProgress(Language),
    /// This idempotency key came with another request (422).
    KeyReused(Language),
    /// The thing existed but is gone for good: an expired download, a used
    /// sign-up link (410), with what to do about it.
    Gone(String),
    /// Too many attempts; try again after `retry_after` seconds (429).
    TooManyAttempts {
        /// Seconds to wait, sent as `Retry-After`.
        retry_after: u32,
    },
    /// A fault of ours or of the platform (500).
    Internal(String),
}

impl ApiError {
    fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated | Self::BadCredentials(_) | Self::BadSignature(_) => 401,
            Self::Forbidden(_) | Self::Denied(..) | Self::Outranked(_) | Self::CrossSite => 403,
            Self::NotFound => 404,
            Self::BadRequest(_) => 400,
            Self::TooLarge => 413,
            Self::MethodNotAllowed(_) => 405,
            Self::Invalid(..) | Self::KeyReused(_) => 422,
            Self::Conflict | Self::KeyInProgress(_) => 409,
            Self::Gone(_) => 410,
            Self::TooManyAttempts { .. } => 429,
            Self::Internal(_) => 500,
        }
    }

    fn body(&self) -> Value {
        let (code, message) = match self {
            Self::Unauthenticated => ("unauthenticated", "Sign in first.".to_owned()),
            Self::BadCredentials(lang) => (
                "bad_credentials",
                match lang {
                    Language::Fr => "Adresse e-mail ou mot de passe incorrect.",
                    _ => "Incorrect e-mail address or password.",
                }
                .to_owned(),
            ),
            Self::BadSignature(why) => ("bad_signature", format!("Refused: {why}.")),
            Self::Forbidden(why) => ("forbidden", (*why).to_owned()),
            Self::Denied(need, lang) => ("missing_permission", need.explain(*lang)),
            Self::Outranked(lang) => ("outranked", roster_core::Message::Outranked.text(*lang).to_owned()),
            Self::CrossSite => ("cross_site", "Requests from other sites are refused.".to_owned()),
            Self::NotFound => ("not_found", "Not found.".to_owned()),
            Self::BadRequest(why) => ("bad_request", why.clone()),
            Self::TooLarge => ("too_large", "The request body is too large.".to_owned()),
            Self::MethodNotAllowed(allowed) => ("method_not_allowed", format!("This address takes {allowed}.")),
            Self::Invalid(_, lang) => ("invalid", roster_core::Message::FieldsNeedAttention.text(*lang).to_owned()),
            Self::Conflict => ("conflict", "This clashes with changes made meanwhile.".to_owned()),
            Self::KeyInProgress(lang) => (
                "idempotency_key_in_progress",
                match lang {
                    Language::Fr => "La première requête portant cette clé d'idempotence est encore en cours : réessayez dans un instant.",
                    _ => "The first request with this idempotency key is still running: try again in a moment.",
                }
                .to_owned(),
            ),
            Self::KeyReused(lang) => (
                "idempotency_key_reused",
                match lang {
                    Language::Fr => "Cette clé d'idempotence a déjà servi pour une autre requête : prenez-en une nouvelle.",
                    _ => "This idempotency key was already used for another request: use a new one.",
                }
                .to_owned(),
            ),
            Self::Gone(why) => ("gone", why.clone()),
            Self::TooManyAttempts { .. } => ("too_many_attempts", "Too many attempts; wait a few minutes.".to_owned()),
            Self::Internal(_) => ("internal", "Something went wrong on our side.".to_owned()),
        };
        let mut body = json!({ "error": { "code": code, "message": message } });
        if let Self::Invalid(errors, lang) = self {
            let mut fields = Map::new();
            for e in errors {
                fields.entry(e.field).or_insert_with(|| json!({ "code": e.code, "message": e.code.text(*lang) }));
            }
            body["fields"] = Value::Object(fields);
        }
        if let Self::Denied(need, _) = self {
            body["error"]["permission"] = need.code().into();
        }
        body
    }

    /// The HTTP response for this error.
    pub fn into_response(self) -> Response {
        if let Self::Internal(detail) = &self {
            worker::console_error!("internal error: {detail}");
        }
        let headers = Headers::new();
        let _ = headers.set("content-type", "application/json; charset=utf-8");
        let _ = headers.set("cache-control", "no-store");
        if let Self::MethodNotAllowed(allowed) = &self {
            let _ = headers.set("allow", allowed);
        }
        if let Self::TooManyAttempts { retry_after } = &self {
            let _ = headers.set("retry-after", &retry_after.to_string());
        }
        let body = serde_json::to_vec(&self.body()).unwrap_or_default();
        Response::builder().with_status(self.status()).with_headers(headers).fixed(body)
    }
}

impl From<crate::db::DbError> for ApiError {
    /// The one place the repository's failures become HTTP: a unique
    /// violation that a route did not turn into a field error is a clash
    /// with a concurrent change (409); anything else is ours (500).
    fn from(e: crate::db::DbError) -> Self {
        match e {
            crate::db::DbError::Unique(detail) => {
                worker::console_log!("refused as a clash: {detail}");
                Self::Conflict
            }
            crate::db::DbError::Budget(limit) => Self::Internal(format!("statement refused before sending: {limit}")),
            crate::db::DbError::Platform(detail) => Self::Internal(detail),
        }
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<roster_core::export::ExportError> for ApiError {
    fn from(e: roster_core::export::ExportError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        Self::Internal(e.to_string())
    }
}

/// The result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
