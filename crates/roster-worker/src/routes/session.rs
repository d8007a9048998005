//! `/api/v1/session`: sign in, who am I, sign out.

use roster_core::insights;
use roster_core::model::{CompanySettings, Email, Plan, Role};
use roster_core::permissions::{self, Actor, Need, Permission, Permissions};
use roster_core::secret::{self, PASSWORD_MAX_LEN, SecretKind};
use roster_core::throttle::{self, Attempt};
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

use crate::auth;
use crate::caller::Caller;
use crate::db::{Db, access, companies, users};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body};
use crate::platform;
use crate::tenant::CompanyId;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    email: String,
    password: String,
    /// For an address that administers several companies: which one. By
    /// default the first by name.
    #[serde(default, deserialize_with = "crate::http::whole_number")]
    company_id: Option<i64>,
}

/// Signs an administrator in and sets the session cookie (and the cookie
/// that makes this browser trusted by the account). Unknown address and
/// wrong password get the same answer in the same time; attempts are
/// limited as `throttle` describes.
pub async fn sign_in(req: &mut Request, db: &Db) -> ApiResult<Response> {
    auth::refuse_cross_site(req)?;
    let language = auth::caller_language(req);
    let body: SignIn = json_body(req).await?;
    if body.email.len() > 320 || body.password.chars().count() > PASSWORD_MAX_LEN {
        return Err(ApiError::BadCredentials(language));
    }
    let Ok(email) = Email::parse(&body.email) else {
        return Err(ApiError::BadCredentials(language));
    };
    let now = platform::now();
    let device = auth::device_secret(req);
    let trusted = match &device {
        Some(secret) => access::trusted_device(db, secret, email.as_str(), now).await?,
        None => false,
    };
    let device_digest = device.as_deref().filter(|_| trusted).map(secret::secret_digest);
    let address = auth::client_address(req);
    let attempt = Attempt { email: email.as_str(), address: &address, trusted_device: device_digest.as_deref() };
    let attempt_id = secret::random_id(platform::random_bytes()?);
    let counts = access::count_attempt(db, &attempt_id, &attempt.counters(), now).await?;
    if !throttle::allowed(&counts) {
        return Err(ApiError::TooManyAttempts { retry_after: throttle::RETRY_AFTER_SECONDS });
    }
    // Learners, and without advanced permissions everyone but administrators, stay out.
    let (candidates, kept_out): (Vec<_>, Vec<_>) =
        access::sign_in_candidates(db, email.as_str()).await?.into_iter().partition(|c| {
            let settings = serde_json::from_str::<CompanySettings>(&c.settings).unwrap_or_default();
            let plan = Plan::parse(&c.plan).unwrap_or(Plan::Standard);
            let role = Role::parse(&c.role).unwrap_or_default();
            permissions::may_sign_in(
                role,
                settings.permission_profiles_on(plan),
                Permissions::from_stored(&c.permissions),
            )
        });
    if candidates.is_empty() && kept_out.is_empty() {
        secret::burn_password_time(&body.password);
    }
    // Every company this address and password open (each hash checked once),
    // so the console can offer a choice.
    let opened: Vec<_> =
        candidates.iter().filter(|c| secret::verify_password(&body.password, &c.password_hash)).collect();
    let found = match body.company_id {
        None => opened.first().copied(),
        Some(id) => opened.iter().copied().find(|c| c.company_id == id),
    };
    let Some(found) = found else {
        // The right password of an account the console is not for: say so,
        // rather than that the password is wrong.
        if opened.is_empty() && kept_out.iter().any(|c| secret::verify_password(&body.password, &c.password_hash)) {
            access::forget_attempt(db, &attempt_id).await?;
            return Err(ApiError::Denied(Need::SignedIn, language));
        }
        return Err(ApiError::BadCredentials(language));
    };
    access::forget_attempt(db, &attempt_id).await?;
    let company = CompanyId::trusted(found.company_id);
    let session = secret::new_secret(SecretKind::Session, platform::random_bytes()?);
    let zone = serde_json::from_str::<CompanySettings>(&found.settings).unwrap_or_default().time_zone;
    access::open_session(db, company, found.id, &session, now, &insights::month_of(&zone, now)).await?;
    let device = match device.filter(|_| trusted) {
        Some(kept) => kept,
        None => secret::new_secret(SecretKind::Device, platform::random_bytes()?),
    };
    access::trust_device(db, company, found.id, &device, now).await?;
    let holder = access::session_holder(db, &session, now).await?;
    let caller = auth::caller_from(&holder.ok_or_else(|| ApiError::Internal("new session not found".into()))?)?;
    let companies: Vec<_> = opened.iter().map(|c| json!({ "id": c.company_id, "name": c.company_name })).collect();
    let mut profile = profile(db, &caller).await?;
    profile["companies"] = companies.into();
    let mut resp = json(201, &profile)?;
    resp.headers_mut().append("set-cookie", &auth::cookie(req, Some(&session)))?;
    resp.headers_mut().append("set-cookie", &auth::device_cookie(req, &device))?;
    Ok(resp)
}

/// The signed-in administrator and their company.
pub async fn whoami(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::SignedIn).await?;
    json(200, &profile(db, &caller).await?)
}

async fn profile(db: &Db, caller: &Caller) -> ApiResult<serde_json::Value> {
    let user = users::get(db, caller.company, caller.user_id()).await?.ok_or(ApiError::Unauthenticated)?;
    let company = companies::summary(db, caller.company).await?.ok_or(ApiError::Unauthenticated)?;
    Ok(json!({
        "user": user,
        "company": company,
        "role": caller.role(),
        "language": caller.language,
        "country_code": caller.country_code.get(),
        "time_zone": caller.time_zone.name(),
        "invitation_file_import": caller.invitation_file_import,
        "advanced_permissions": caller.actor.advanced,
        "permissions": granted(&caller.actor),
        "optional_fields": caller.optional_fields,
    }))
}

/// What the caller may use, for the console to show only that: every
/// permission for an administrator.
fn granted(actor: &Actor) -> Permissions {
    if actor.role.is_admin() { Permission::ALL.iter().copied().collect() } else { actor.permissions }
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
