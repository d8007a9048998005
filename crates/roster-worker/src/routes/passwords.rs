//! `/api/v1/password/{secret}`: the public page of a link sent by a
//! password reset (F3), where the user chooses a new password, once.

use roster_core::secret::{self, SecretKind};
use roster_core::time::Timestamp;
use roster_core::{FieldError, Language, Message};
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

use crate::db::Db;
use crate::db::password_links::{self, LinkRow};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body};
use crate::{auth, platform};

fn link_gone(lang: Language) -> ApiError {
    ApiError::Gone(Message::PasswordLinkExpired.text(lang).to_owned())
}

/// The link behind a secret while it works; 404 for a secret that never
/// existed, 410 for a link used, expired, or whose user is no longer active.
async fn live_link(db: &Db, secret_text: &str) -> ApiResult<(LinkRow, String)> {
    if !secret::looks_like(SecretKind::PasswordLink, secret_text) {
        return Err(ApiError::NotFound);
    }
    let digest = secret::secret_digest(secret_text);
    let link = password_links::by_digest(db, &digest).await?.ok_or(ApiError::NotFound)?;
    let expired = Timestamp::parse(&link.expires_at).is_none_or(|at| at <= platform::now());
    if link.used_at.is_some() || expired || link.status != "active" {
        return Err(link_gone(Language::parse(&link.language).unwrap_or(Language::En)));
    }
    Ok((link, digest))
}

/// What the page shows: the company, the address, until when.
pub async fn page(db: &Db, secret_text: &str) -> ApiResult<Response> {
    let (link, _) = live_link(db, secret_text).await?;
    json(
        200,
        &json!({ "company": link.company, "address": link.address, "language": link.language,
                 "expires_at": link.expires_at }),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPassword {
    password: String,
}

/// Sets the new password (200); 422 for one too short or too long. The
/// link works once.
pub async fn choose(req: &mut Request, db: &Db, secret_text: &str) -> ApiResult<Response> {
    let (link, digest) = live_link(db, secret_text).await?;
    let body: NewPassword = json_body(req).await?;
    let lang = Language::parse(&link.language).unwrap_or_else(|_| auth::caller_language(req));
    if let Err(code) = secret::check_new_password(&body.password) {
        return Err(ApiError::Invalid(vec![FieldError::new("password", code)], lang));
    }
    let hash = secret::hash_password(&body.password, platform::random_bytes()?);
    let nonce = secret::random_id(platform::random_bytes()?);
    if !password_links::complete(db, &link, &digest, &hash, &nonce).await? {
        return Err(link_gone(lang));
    }
    json(200, &json!({ "company": link.company, "address": link.address }))
}
