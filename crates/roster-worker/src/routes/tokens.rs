//! `/api/v1/tokens`: API tokens for automation (K1). Company admins only.

use roster_core::secret::{self, SecretKind};
use roster_core::{FieldError, text};
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

use super::{json, json_body};
use crate::auth;
use crate::db::{Db, access};
use crate::error::{ApiError, ApiResult};
use crate::platform;
use crate::tenant::Admin;

async fn company_admin(req: &Request, db: &Db) -> ApiResult<Admin> {
    let admin = auth::admin(req, db).await?;
    if admin.role != roster_core::model::Role::CompanyAdmin {
        return Err(ApiError::Forbidden("Only company administrators manage API tokens."));
    }
    Ok(admin)
}

/// The company's live tokens (names and dates, never secrets).
pub async fn list(req: &Request, db: &Db) -> ApiResult<Response> {
    let admin = company_admin(req, db).await?;
    json(200, &json!({ "items": access::tokens(db, admin.company).await? }))
}

#[derive(Deserialize)]
struct NewToken {
    #[serde(default)]
    name: String,
}

/// Creates a token and shows its secret, this once (201).
pub async fn create(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let admin = company_admin(req, db).await?;
    let body: NewToken = json_body(req).await?;
    let name = text::one_line(&body.name, 100)
        .map_err(|e| ApiError::Invalid(vec![FieldError::new("name", e.message())], admin.language))?;
    let token = secret::new_secret(SecretKind::ApiToken, platform::random_bytes()?);
    let id = access::create_token(db, admin.company, admin.user_id, &name, &token).await?;
    json(201, &json!({ "id": id, "name": name, "token": token }))
}

/// Revokes a token (204).
pub async fn revoke(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let admin = company_admin(req, db).await?;
    if !access::revoke_token(db, admin.company, admin.user_id, id).await? {
        return Err(ApiError::NotFound);
    }
    Ok(Response::empty()?.with_status(204))
}
