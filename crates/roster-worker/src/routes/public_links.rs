//! `/api/v1/activities/{id}/public-link`: making a questionnaire or a
//! module public (I1–I3), its QR code, and its results tab (I6).

use roster_core::model::ActivityType;
use roster_core::permissions::{Need, Permission, Target};
use roster_core::public_link::{self, Closed, LinkSettings, LinkSettingsForm, qr};
use roster_core::secret;
use roster_core::{FieldError, Message};
use serde_json::{Value, json};
use worker::{Request, Response};

use crate::auth;
use crate::caller::Caller;
use crate::db::{Db, activities, public_links};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body};
use crate::platform;

/// The address a link's token opens, on the origin the console is served from.
fn link_url(req: &Request, token: &str) -> ApiResult<String> {
    Ok(format!("{}/p/{token}", req.url()?.origin().ascii_serialization()))
}

fn closed_code(closed: Closed) -> &'static str {
    match closed {
        Closed::TurnedOff => "turned_off",
        Closed::PastClosingDate => "past_closing_date",
        Closed::ActivityArchived => "activity_archived",
    }
}

/// A link as the console shows it.
fn shown(req: &Request, caller: &Caller, link: &public_links::LinkRow, archived: bool) -> ApiResult<Value> {
    let settings = link.settings();
    let base = format!("/api/v1/activities/{}/public-link", link.activity_id);
    let open = public_link::check_open(&settings, archived, platform::now());
    Ok(json!({
        "activity_id": link.activity_id,
        "url": link_url(req, &link.token)?,
        "enabled": settings.enabled,
        "closes_at": settings.closes_at,
        "closes_at_local": settings.closes_at.map(|at| caller.time_zone.local(at)),
        "form": settings.form,
        "open": open.is_ok(),
        "closed_reason": open.err().map(closed_code),
        "qr_svg": format!("{base}/qr.svg"),
        "qr_png": format!("{base}/qr.png"),
        "created_at": link.created_at,
        "updated_at": link.updated_at,
    }))
}

/// What managing links needs.
const MANAGE: Need = Need::Permission(Permission::ManagePublicLinks);

/// The company's activity, or 404, also when its base is outside the
/// caller's perimeter.
async fn activity(db: &Db, caller: &Caller, id: i64) -> ApiResult<activities::ActivityRow> {
    let activity = activities::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    caller.allow(MANAGE, Target::Base(activity.base_id))?;
    Ok(activity)
}

/// The activity's link (404 while it has none).
pub async fn show(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, MANAGE).await?;
    let activity = activity(db, &caller, id).await?;
    let link = public_links::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    json(200, &shown(req, &caller, &link, activity.archived)?)
}

/// Makes the activity public (201) or changes its link's settings (200):
/// on, off, closing date, identification form.
pub async fn save(req: &mut Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, MANAGE).await?;
    let change: LinkSettingsForm = json_body(req).await?;
    let activity = activity(db, &caller, id).await?;
    if !public_link::can_be_public(activity.kind()) {
        return Err(ApiError::Invalid(vec![FieldError::new("activity", Message::NotPublicType)], caller.language));
    }
    let existing = public_links::get(db, caller.company, id).await?;
    let before = existing.as_ref().map(public_links::LinkRow::settings).unwrap_or_default();
    let now = platform::now();
    let after = change.apply(&before, &caller.time_zone, now).map_err(|e| ApiError::Invalid(e, caller.language))?;
    let token = match existing {
        Some(_) => None,
        None => Some(secret::random_id(platform::random_bytes()?)),
    };
    if existing.is_none() || after != before {
        public_links::save(db, caller.company, caller.user_id(), id, &after, token.as_deref(), now).await?;
    }
    let link = public_links::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    json(if token.is_some() { 201 } else { 200 }, &shown(req, &caller, &link, activity.archived)?)
}

/// Gives the link a new address; the old one stops working at once.
pub async fn regenerate(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, MANAGE).await?;
    let activity = activity(db, &caller, id).await?;
    let link = public_links::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    let token = secret::random_id(platform::random_bytes()?);
    let settings: LinkSettings = link.settings();
    public_links::save(db, caller.company, caller.user_id(), id, &settings, Some(&token), platform::now()).await?;
    let link = public_links::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    json(200, &shown(req, &caller, &link, activity.archived)?)
}

/// The link's QR code, as SVG or as PNG, to download.
pub async fn qr_code(req: &Request, db: &Db, id: i64, format: &str) -> ApiResult<Response> {
    let caller = auth::caller(req, db, MANAGE).await?;
    let activity = activity(db, &caller, id).await?;
    let link = public_links::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    let url = link_url(req, &link.token)?;
    let too_long = |_| ApiError::Internal("a link address too long for a QR code".into());
    let (mut resp, content_type) = match format {
        "svg" => (Response::ok(qr::svg(&url).map_err(too_long)?)?, "image/svg+xml"),
        _ => (Response::from_bytes(qr::png(&url, 8).map_err(too_long)?)?, "image/png"),
    };
    let stem = file_stem(&activity.title, activity.kind());
    let headers = resp.headers_mut();
    headers.set("content-type", content_type)?;
    headers.set("cache-control", "no-store")?;
    headers.set("content-disposition", &crate::http::attachment(&format!("{stem}-qr.{format}")))?;
    Ok(resp)
}

/// A file name from the activity's title: letters, digits and dashes.
fn file_stem(title: &str, kind: ActivityType) -> String {
    let folded = roster_core::text::fold(title);
    let stem: String = folded.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let stem = stem.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    if stem.is_empty() { kind.code().to_owned() } else { stem.chars().take(60).collect() }
}

/// The activity's "free and public tests" tab (I6): its latest attempts,
/// each by a user, a contact or a guest.
pub async fn attempts(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, MANAGE).await?;
    activity(db, &caller, id).await?;
    let items =
        public_links::attempts(db, caller.company, public_links::AttemptsOf::Activity(id), caller.sight()).await?;
    json(200, &json!({ "items": items, "limit": public_links::ATTEMPTS_SHOWN }))
}
