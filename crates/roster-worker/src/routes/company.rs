//! `/api/v1/company/settings`: the company's settings page (A1). Every
//! administrator reads them; only company administrators change them.

use roster_core::model::{CompanySettings, Role, SettingsChange};
use roster_core::{FieldError, Message};
use serde_json::{Value, json};
use worker::{Env, Request, Response};

use crate::auth;
use crate::db::{Db, companies};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body};

/// What the settings page shows and changes.
fn shown(settings: &CompanySettings) -> Value {
    json!({
        "invitation_file_import": settings.invitation_file_import,
        "time_zone": settings.time_zone.name(),
        "public_link_challenge": settings.public_link_challenge,
    })
}

/// The company's settings.
pub async fn show(req: &Request, db: &Db) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let settings = companies::settings(db, admin.company).await?.ok_or(ApiError::Unauthenticated)?;
    json(200, &shown(&settings))
}

/// Changes the fields given (company administrators only), audited with
/// their values before and after.
pub async fn update(req: &mut Request, db: &Db, env: &Env) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    if admin.role != Role::CompanyAdmin {
        return Err(ApiError::Forbidden("Only company administrators change the company's settings."));
    }
    let change: SettingsChange = json_body(req).await?;
    let before = companies::settings(db, admin.company).await?.ok_or(ApiError::Unauthenticated)?;
    let after = change.apply(&before).map_err(|errors| ApiError::Invalid(errors, admin.language))?;
    if after.public_link_challenge && !before.public_link_challenge && env.var("TURNSTILE_SITE_KEY").is_err() {
        // Turned on without the platform's keys, every public form would refuse everyone.
        let error = FieldError::new("public_link_challenge", Message::ChallengeNotConfigured);
        return Err(ApiError::Invalid(vec![error], admin.language));
    }
    if after != before {
        let detail = json!({ "before": shown(&before), "after": shown(&after) });
        companies::save_settings(db, admin.company, admin.user_id, &after, &detail).await?;
    }
    json(200, &shown(&after))
}
