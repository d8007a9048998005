//! `/api/v1/session`: sign in, who am I, sign out.

use roster_core::model::Email;
use roster_core::secret::{self, SecretKind};
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

use super::{json, json_body};
use crate::auth;
use crate::db::access::{self, THROTTLE_FAILURES};
use crate::db::{Db, companies, users};
use crate::error::{ApiError, ApiResult};
use crate::platform;
use crate::tenant::{Admin, CompanyId};

#[derive(Deserialize)]
struct SignIn {
    email: String,
    password: String,
}

/// Signs an administrator in and sets the session cookie. Unknown address
/// and wrong password get the same answer in the same time.
pub async fn sign_in(req: &mut Request, db: &Db) -> ApiResult<Response> {
    auth::refuse_cross_site(req)?;
    let language = auth::caller_language(req);
    let body: SignIn = json_body(req).await?;
    let Ok(email) = Email::parse(&body.email) else {
        return Err(ApiError::BadCredentials(language));
    };
    let now = platform::now();
    if access::recent_failures(db, email.as_str(), now).await? >= THROTTLE_FAILURES {
        return Err(ApiError::TooManyAttempts);
    }
    let candidates = access::sign_in_candidates(db, email.as_str()).await?;
    if candidates.is_empty() {
        secret::burn_password_time(&body.password);
    }
    let Some(found) = candidates.iter().find(|c| secret::verify_password(&body.password, &c.password_hash)) else {
        access::record_failure(db, email.as_str(), now).await?;
        return Err(ApiError::BadCredentials(language));
    };
    let company = CompanyId::trusted(found.company_id);
    let session = secret::new_secret(SecretKind::Session, platform::random_bytes()?);
    access::open_session(db, company, found.id, email.as_str(), &session, now).await?;
    let cookie = auth::cookie(req, Some(&session));
    let holder = access::session_holder(db, &session, now).await?;
    let admin = auth::admin_from(&holder.ok_or_else(|| ApiError::Internal("new session not found".into()))?)?;
    let mut resp = json(201, &profile(db, &admin).await?)?;
    resp.headers_mut().set("set-cookie", &cookie)?;
    Ok(resp)
}

/// The signed-in administrator and their company.
pub async fn whoami(req: &Request, db: &Db) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    json(200, &profile(db, &admin).await?)
}

async fn profile(db: &Db, admin: &Admin) -> ApiResult<serde_json::Value> {
    let user = users::get(db, admin.company, admin.user_id).await?.ok_or(ApiError::Unauthenticated)?;
    let company = companies::summary(db, admin.company).await?.ok_or(ApiError::Unauthenticated)?;
    Ok(json!({
        "user": user,
        "company": company,
        "role": admin.role,
        "language": admin.language,
        "country_code": admin.country_code.get(),
    }))
}

/// Ends the session of the request's cookie and clears the cookie.
pub async fn sign_out(req: &Request, db: &Db) -> ApiResult<Response> {
    if let Some(secret) = auth::session_secret(req) {
        auth::refuse_cross_site(req)?;
        access::close_session(db, &secret).await?;
    }
    let mut resp = Response::empty()?.with_status(204);
    resp.headers_mut().set("set-cookie", &auth::cookie(req, None))?;
    Ok(resp)
}
