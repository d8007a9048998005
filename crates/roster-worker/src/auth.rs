//! Who is calling: session cookies for the console, bearer tokens for
//! automation, and the refusal of cross-site requests riding on a cookie.

use roster_core::Language;
use roster_core::model::{CompanySettings, Role};
use roster_core::secret::{SecretKind, looks_like};
use worker::{Method, Request};

use crate::db::Db;
use crate::db::access::{self, Holder};
use crate::error::{ApiError, ApiResult};
use crate::platform;
use crate::tenant::{Admin, CompanyId};

/// The session cookie's name.
pub const COOKIE: &str = "roster_session";

/// The session secret carried by the request's cookie, if any.
pub fn session_secret(req: &Request) -> Option<String> {
    let header = req.headers().get("cookie").ok().flatten()?;
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

fn bearer(req: &Request) -> Option<String> {
    let header = req.headers().get("authorization").ok().flatten()?;
    let (scheme, token) = header.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

/// The `Set-Cookie` value that stores `secret`, or clears the cookie when
/// `secret` is `None`. `Secure` whenever the console is served over HTTPS.
pub fn cookie(req: &Request, secret: Option<&str>) -> String {
    let secure = req.url().is_ok_and(|u| u.scheme() == "https");
    let (value, max_age) = match secret {
        Some(secret) => (secret, access::SESSION_DAYS * 86_400),
        None => ("", 0),
    };
    format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Refuses a state-changing request that a browser says comes from another
/// site. Browsers send `Sec-Fetch-Site` (and `Origin`) on such requests;
/// clients that send neither are not browsers and carry no ambient cookie risk.
pub fn refuse_cross_site(req: &Request) -> ApiResult<()> {
    if matches!(req.method(), Method::Get | Method::Head | Method::Options) {
        return Ok(());
    }
    let header = |name: &str| req.headers().get(name).ok().flatten();
    if let Some(site) = header("sec-fetch-site") {
        return if site == "same-origin" || site == "none" { Ok(()) } else { Err(ApiError::CrossSite) };
    }
    if let Some(origin) = header("origin") {
        let own = req.url()?.origin().ascii_serialization();
        return if origin == own { Ok(()) } else { Err(ApiError::CrossSite) };
    }
    Ok(())
}

/// The language to answer an anonymous caller in.
pub fn caller_language(req: &Request) -> Language {
    req.headers()
        .get("accept-language")
        .ok()
        .flatten()
        .and_then(|h| Language::from_accept_language(&h))
        .unwrap_or(Language::En)
}

/// The administrator behind the request: a bearer token, or a session
/// cookie on a same-site request.
///
/// # Errors
/// [`ApiError::Unauthenticated`] without a live session or token;
/// [`ApiError::CrossSite`] for a cookie request from another site.
pub async fn admin(req: &Request, db: &Db) -> ApiResult<Admin> {
    let now = platform::now();
    let holder = if let Some(token) = bearer(req) {
        if !looks_like(SecretKind::ApiToken, &token) {
            return Err(ApiError::Unauthenticated);
        }
        access::token_holder(db, &token, now).await?
    } else if let Some(secret) = session_secret(req) {
        if !looks_like(SecretKind::Session, &secret) {
            return Err(ApiError::Unauthenticated);
        }
        refuse_cross_site(req)?;
        access::session_holder(db, &secret, now).await?
    } else {
        None
    };
    holder.ok_or(ApiError::Unauthenticated).and_then(|h| admin_from(&h))
}

/// The administrator a stored session or token holder stands for.
pub fn admin_from(holder: &Holder) -> ApiResult<Admin> {
    let role = Role::parse(&holder.role).map_err(|e| ApiError::Internal(e.to_string()))?;
    if !role.is_admin() {
        return Err(ApiError::Unauthenticated);
    }
    let settings: CompanySettings = serde_json::from_str(&holder.settings)?;
    Ok(Admin {
        company: CompanyId::trusted(holder.company_id),
        user_id: holder.user_id,
        role,
        language: Language::parse(&holder.language).unwrap_or(Language::En),
        country_code: settings.country_code,
    })
}
