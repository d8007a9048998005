//! Who is calling: session cookies for the console, bearer tokens for
//! automation, and the refusal of cross-site requests riding on a cookie.

use roster_core::Language;
use roster_core::directory::{PageBounds, UserQuery};
use roster_core::model::CompanySettings;
use roster_core::permissions::{self, Need, Permission, Target};
use roster_core::secret::{SecretKind, TokenScope, looks_like};
use worker::{Method, Request};

use crate::caller::Caller;
use crate::db::Db;
use crate::db::access::{self, Holder};
use crate::db::{groups, users};
use crate::error::{ApiError, ApiResult};
use crate::platform;
use crate::tenant::CompanyId;

/// The session cookie's name.
pub const COOKIE: &str = "roster_session";
/// The cookie of a browser an administrator signed in from.
pub const DEVICE_COOKIE: &str = "roster_device";

/// The value of the request's cookie `name`, if any.
fn cookie_value(req: &Request, name: &str) -> Option<String> {
    let header = req.headers().get("cookie").ok().flatten()?;
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
}

/// The session secret carried by the request's cookie, if any.
pub fn session_secret(req: &Request) -> Option<String> {
    cookie_value(req, COOKIE)
}

/// The device secret the browser holds, if it has the shape of one.
pub fn device_secret(req: &Request) -> Option<String> {
    cookie_value(req, DEVICE_COOKIE).filter(|s| looks_like(SecretKind::Device, s))
}

/// The client's network address as the platform reports it.
pub fn client_address(req: &Request) -> String {
    req.headers().get("cf-connecting-ip").ok().flatten().map_or_else(|| "unknown".to_owned(), |a| a.trim().to_owned())
}

fn bearer(req: &Request) -> Option<String> {
    let header = req.headers().get("authorization").ok().flatten()?;
    let (scheme, token) = header.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

/// The `Set-Cookie` value that stores `secret`, or clears the cookie when
/// `secret` is `None`. `Secure` whenever the console is served over HTTPS.
pub fn cookie(req: &Request, secret: Option<&str>) -> String {
    set_cookie(req, COOKIE, secret, access::SESSION_DAYS)
}

/// The `Set-Cookie` value that marks this browser as trusted by an account.
pub fn device_cookie(req: &Request, secret: &str) -> String {
    set_cookie(req, DEVICE_COOKIE, Some(secret), roster_core::secret::DEVICE_DAYS)
}

fn set_cookie(req: &Request, name: &str, secret: Option<&str>, days: i64) -> String {
    let secure = req.url().is_ok_and(|u| u.scheme() == "https");
    let (value, max_age) = match secret {
        Some(secret) => (secret, days * 86_400),
        None => ("", 0),
    };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}", if secure { "; Secure" } else { "" })
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

/// The user behind the request — a bearer token, or a session cookie on a
/// same-site request — once allowed what the route needs for the company
/// as a whole. A read-only token may only read. Routes about one thing
/// then ask [`Caller::allow`] about it.
///
/// # Errors
/// [`ApiError::Unauthenticated`] without a live session or token, or for a
/// user who may not use the console; [`ApiError::CrossSite`] for a cookie
/// request from another site; [`ApiError::Forbidden`] for a change asked
/// with a read-only token; [`ApiError::Denied`] without what `need` names.
pub async fn caller(req: &Request, db: &Db, need: Need) -> ApiResult<Caller> {
    let (caller, scope) = holder(req, db).await?;
    let changes = !matches!(req.method(), Method::Get | Method::Head);
    if scope.is_some_and(|s| !s.allows(changes)) {
        return Err(ApiError::Forbidden("This API token may only read."));
    }
    caller.allow(need, Target::Company)?;
    Ok(caller)
}

/// The user behind a console session (never a token), allowed `need`:
/// what managing tokens requires, so that a token cannot mint others.
///
/// # Errors
/// As [`caller`]; [`ApiError::Forbidden`] for a token.
pub async fn session_caller(req: &Request, db: &Db, need: Need) -> ApiResult<Caller> {
    match holder(req, db).await? {
        (caller, None) => {
            caller.allow(need, Target::Company)?;
            Ok(caller)
        }
        (_, Some(_)) => Err(ApiError::Forbidden("API tokens are managed from a signed-in console session.")),
    }
}

/// Allows `need` on the company's user `id`: their groups decide whether
/// they are inside the caller's perimeter.
///
/// # Errors
/// [`ApiError::NotFound`] for a user who is not the company's or is
/// outside the perimeter; [`ApiError::Denied`] as [`Caller::allow`].
pub async fn on_user(db: &Db, caller: &Caller, need: Need, id: i64) -> ApiResult<()> {
    on_users(db, caller, need, &[id]).await
}

/// Allows `need` on each of the company's users `ids`, as [`on_user`]
/// does for one, in one read.
///
/// # Errors
/// [`ApiError::NotFound`] when one is not the company's or is outside the
/// perimeter; [`ApiError::Denied`] as [`Caller::allow`].
pub async fn on_users(db: &Db, caller: &Caller, need: Need, ids: &[i64]) -> ApiResult<()> {
    let found = users::reach_all(db, caller.company, ids).await?;
    let distinct: std::collections::HashSet<&i64> = ids.iter().collect();
    if found.len() != distinct.len() {
        return Err(ApiError::NotFound);
    }
    for person in &found {
        caller.allow(need, Target::Person { groups: &person.group_ids(), powers: &person.powers.read()? })?;
    }
    Ok(())
}

/// The directory query of the request (filters, order, cursor), narrowed
/// to the users `caller` reaches under `permission`. A `group` filter
/// naming a group outside that perimeter answers 404, as another
/// company's group does.
///
/// # Errors
/// [`ApiError::BadRequest`] for a query that does not read;
/// [`ApiError::NotFound`] for a group out of reach.
pub async fn directory_query(
    req: &Request,
    db: &Db,
    caller: &Caller,
    permission: Permission,
    bounds: PageBounds,
) -> ApiResult<UserQuery> {
    let mut query = crate::http::user_query(req, bounds, &caller.time_zone)?;
    query.within_perimeter_of = caller.users_perimeter(permission);
    if let Some(group) = query.group
        && !groups::all_within(db, caller.company, &[group], query.within_perimeter_of).await?
    {
        return Err(ApiError::NotFound);
    }
    Ok(query)
}

async fn holder(req: &Request, db: &Db) -> ApiResult<(Caller, Option<TokenScope>)> {
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
    let holder = holder.ok_or(ApiError::Unauthenticated)?;
    let scope = match holder.scope.as_deref() {
        None => None,
        Some(code) => Some(TokenScope::parse(code).ok_or_else(|| ApiError::Internal(format!("token scope {code}")))?),
    };
    Ok((caller_from(&holder)?, scope))
}

/// The user a stored session or token holder stands for, with what they
/// may do. Someone who may not use the console (any more) is signed out.
///
/// # Errors
/// [`ApiError::Unauthenticated`] for a user who may not use the console.
pub fn caller_from(holder: &Holder) -> ApiResult<Caller> {
    let actor = holder.actor()?;
    let settings: CompanySettings = serde_json::from_str(&holder.settings)?;
    if !permissions::may_sign_in(actor.role, actor.advanced, actor.permissions) {
        return Err(ApiError::Unauthenticated);
    }
    Ok(Caller {
        company: CompanyId::trusted(holder.company_id),
        actor,
        language: Language::parse(&holder.language).unwrap_or(Language::En),
        country_code: settings.country_code,
        time_zone: settings.time_zone,
        invitation_file_import: settings.invitation_file_import,
        licence_capacity: settings.licence_capacity,
        optional_fields: settings.optional_fields,
    })
}
