//! `/api/v1/tokens`: API tokens for automation (K1). Company administrators
//! manage them from a console session only, so a token never mints another.

use roster_core::secret::{self, SecretKind, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, TokenScope};
use roster_core::{FieldError, Message, text};
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

use crate::auth;
use crate::caller::Caller;
use crate::db::Db;
use crate::db::access::{self, NewToken};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body};
use crate::platform;

async fn company_admin(req: &Request, db: &Db) -> ApiResult<Caller> {
    auth::session_caller(req, db, roster_core::permissions::Need::CompanyAdministrator).await
}

/// The company's live tokens (names, scopes and dates, never secrets).
pub async fn list(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = company_admin(req, db).await?;
    json(200, &json!({ "items": access::tokens(db, caller.company, platform::now()).await? }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wanted {
    name: String,
    /// `read` (the default) or `write`.
    #[serde(default, deserialize_with = "crate::http::present")]
    scope: Option<TokenScope>,
    /// Days it lasts: 1 to [`TOKEN_MAX_DAYS`], [`TOKEN_DEFAULT_DAYS`] by default.
    #[serde(default, deserialize_with = "crate::http::whole_number")]
    expires_in_days: Option<i64>,
}

/// Creates a token and shows its secret, this once (201).
pub async fn create(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let caller = company_admin(req, db).await?;
    let body: Wanted = json_body(req).await?;
    let mut errors = Vec::new();
    let name = text::one_line(&body.name, 100).map_err(|e| errors.push(FieldError::new("name", e.message()))).ok();
    let days = body.expires_in_days.unwrap_or(TOKEN_DEFAULT_DAYS);
    if !(1..=TOKEN_MAX_DAYS).contains(&days) {
        errors.push(FieldError::new("expires_in_days", Message::OutOfRange));
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Invalid(errors, caller.language));
    };
    let scope = body.scope.unwrap_or(TokenScope::Read);
    let token = secret::new_secret(SecretKind::ApiToken, platform::random_bytes()?);
    let expires_at = platform::now().plus_days(days);
    let id = access::create_token(
        db,
        caller.company,
        caller.user_id(),
        &NewToken { name: &name, secret: &token, scope, expires_at },
    )
    .await?;
    json(201, &json!({ "id": id, "name": name, "token": token, "scope": scope, "expires_at": expires_at }))
}

/// Revokes a token (204).
pub async fn revoke(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = company_admin(req, db).await?;
    if !access::revoke_token(db, caller.company, caller.user_id(), id).await? {
        return Err(ApiError::NotFound);
    }
    Ok(Response::empty()?.with_status(204))
}
