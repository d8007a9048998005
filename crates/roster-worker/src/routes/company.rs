//! `/api/v1/company/…`: the dashboard (F7), and the settings page (A1),
//! which every administrator reads and only company administrators change.

use roster_core::model::{CompanySettings, Plan, SettingsChange, UserStatus};
use roster_core::permissions::{Need, Permission};
use roster_core::{FieldError, Message};
use serde_json::{Value, json};
use worker::{Env, Request, Response};

use crate::caller::Caller;
use crate::db::{Db, companies, profiles, users};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body};
use crate::{auth, platform};

/// What the settings page shows and changes; the plan and the licence
/// capacity are set by the platform and only shown.
fn shown(settings: &CompanySettings, plan: Plan) -> Value {
    json!({
        "plan": plan,
        "licence_capacity": settings.licence_capacity,
        "advanced_permissions": settings.advanced_permissions,
        "optional_fields": settings.optional_fields,
        "invitation_file_import": settings.invitation_file_import,
        "time_zone": settings.time_zone.name(),
        "public_link_challenge": settings.public_link_challenge,
        "mass_action_guard_users": settings.mass_action_guard.users,
        "mass_action_guard_percent": settings.mass_action_guard.percent,
    })
}

/// The dashboard: licence seats, users per status, activities created,
/// storage used.
pub async fn dashboard(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Permission(Permission::SeeStatistics)).await?;
    let census = users::census(db, caller.company).await?;
    let licences = users::seats_of(&census, caller.licence_capacity);
    let mut per_status: serde_json::Map<String, Value> =
        UserStatus::ALL.iter().map(|s| (s.code().to_owned(), 0.into())).collect();
    for row in &census {
        let n = per_status.get(&row.status).and_then(Value::as_u64).unwrap_or(0) + u64::from(row.n);
        per_status.insert(row.status.clone(), n.into());
    }
    let since = platform::now().plus_days(-30).to_string();
    let holdings = companies::holdings(db, caller.company, &since).await?;
    json(
        200,
        &json!({
            "licences": { "capacity": licences.capacity, "used": licences.used, "available": licences.available() },
            "users": per_status,
            "activities": { "total": holdings.activities, "last_30_days": holdings.recent_activities },
            "storage": { "files": holdings.files, "bytes": holdings.bytes },
        }),
    )
}

/// The company's settings.
pub async fn show(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::SignedIn).await?;
    let settings = companies::settings(db, caller.company).await?.ok_or(ApiError::Unauthenticated)?;
    json(200, &shown(&settings, plan(db, &caller).await?))
}

/// Changes the fields given (company administrators only), audited with
/// their values before and after.
pub async fn update(req: &mut Request, db: &Db, env: &Env) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::CompanyAdministrator).await?;
    let change: SettingsChange = json_body(req).await?;
    let before = companies::settings(db, caller.company).await?.ok_or(ApiError::Unauthenticated)?;
    let plan = plan(db, &caller).await?;
    let after = change.apply(&before, plan).map_err(|errors| ApiError::Invalid(errors, caller.language))?;
    if after.public_link_challenge && !before.public_link_challenge && env.var("TURNSTILE_SITE_KEY").is_err() {
        // Turned on without the platform's keys, every public form would refuse everyone.
        let error = FieldError::new("public_link_challenge", Message::ChallengeNotConfigured);
        return Err(ApiError::Invalid(vec![error], caller.language));
    }
    if after.advanced_permissions && !before.advanced_permissions {
        // The predefined profiles are there before anyone can hold them.
        profiles::add_presets(db, caller.company).await?;
    }
    if after != before {
        let detail = json!({ "before": shown(&before, plan), "after": shown(&after, plan) });
        companies::save_settings(db, caller.company, caller.user_id(), &after, &detail).await?;
    }
    json(200, &shown(&after, plan))
}

/// The caller's company's plan.
async fn plan(db: &Db, caller: &Caller) -> ApiResult<Plan> {
    let company = companies::summary(db, caller.company).await?.ok_or(ApiError::Unauthenticated)?;
    Plan::parse(&company.plan).map_err(|e| ApiError::Internal(e.to_string()))
}
