//! `/api/v1/activities`: activities and their thematic bases (A6), and
//! invitations to an activity (E1–E3) — previewed, then made by a job.

use roster_core::invitation::schedule::{Schedule, ScheduleForm};
use roster_core::jobs::{ActivityInvitation, JobKind, JobParams};
use roster_core::model::{ActivityType, Title};
use roster_core::{FieldError, Message};
use serde::Deserialize;
use serde_json::{Value, json};
use worker::{Env, Request, Response};

use crate::db::activities::{self, ActivityRow};
use crate::db::activity_invitations::{self, Picks};
use crate::db::{Db, jobs};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body, query_param};
use crate::tenant::Admin;
use crate::{auth, platform, queue, views};

/// The company's activities, newest first (`?archived=true` adds archived ones).
pub async fn list(req: &Request, db: &Db) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let archived = match query_param(req, "archived")?.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::BadRequest("archived is true or false.".into())),
    };
    json(200, &json!({ "items": activities::list(db, admin.company, archived).await? }))
}

/// The company's thematic bases.
pub async fn bases(req: &Request, db: &Db) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    json(200, &json!({ "items": activities::bases(db, admin.company).await? }))
}

/// One activity of the company.
pub async fn show(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    json(200, &activities::get(db, admin.company, id).await?.ok_or(ApiError::NotFound)?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewActivity {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    base: String,
}

fn title(admin: &Admin, field: &'static str, raw: &str) -> ApiResult<Title> {
    Title::parse(raw).map_err(|e| ApiError::Invalid(vec![FieldError::new(field, e.message())], admin.language))
}

/// Creates an activity (201) in the named thematic base, created if new.
pub async fn create(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let body: NewActivity = json_body(req).await?;
    let kind = ActivityType::parse(&body.kind)
        .map_err(|_| ApiError::Invalid(vec![FieldError::new("type", Message::UnknownValue)], admin.language))?;
    let title_ = title(&admin, "title", &body.title)?;
    let base = title(&admin, "base", &body.base)?;
    let created = activities::create(db, admin.company, admin.user_id, kind, &title_, &base).await?;
    json(201, &created.ok_or_else(|| ApiError::Internal("created activity vanished".into()))?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Change {
    #[serde(default, deserialize_with = "crate::http::present")]
    title: Option<String>,
    #[serde(default, deserialize_with = "crate::http::present")]
    archived: Option<bool>,
}

/// Renames, archives or unarchives an activity.
pub async fn update(req: &mut Request, db: &Db, id: i64) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let body: Change = json_body(req).await?;
    let new_title = body.title.as_deref().map(|raw| title(&admin, "title", raw)).transpose()?;
    if !activities::update(db, admin.company, admin.user_id, id, new_title.as_ref(), body.archived).await? {
        return Err(ApiError::NotFound);
    }
    json(200, &activities::get(db, admin.company, id).await?.ok_or(ApiError::NotFound)?)
}

/// Unknown fields are refused by the schedule's part, which gets the rest.
#[derive(Deserialize)]
struct InvitationRequest {
    #[serde(default, deserialize_with = "crate::http::ids")]
    groups: Vec<i64>,
    #[serde(default, deserialize_with = "crate::http::ids")]
    users: Vec<i64>,
    #[serde(default, deserialize_with = "crate::http::ids")]
    contacts: Vec<i64>,
    #[serde(flatten)]
    schedule: ScheduleForm,
}

/// The activity, open to invitations, and the checked request.
async fn checked(
    db: &Db,
    admin: &Admin,
    activity_id: i64,
    body: &InvitationRequest,
) -> ApiResult<(ActivityRow, Picks, Schedule, Vec<activity_invitations::PickedGroup>)> {
    let activity = activities::get(db, admin.company, activity_id).await?.ok_or(ApiError::NotFound)?;
    let mut errors = Vec::new();
    if activity.archived {
        errors.push(FieldError::new("activity", Message::Archived));
    }
    let picks = Picks { groups: body.groups.clone(), users: body.users.clone(), contacts: body.contacts.clone() };
    if picks.groups.is_empty() && picks.users.is_empty() && picks.contacts.is_empty() {
        errors.push(FieldError::new("groups", Message::Required));
    }
    let groups = activity_invitations::picked_groups(db, admin.company, &picks.groups).await?;
    let distinct = |ids: &[i64]| ids.iter().collect::<std::collections::BTreeSet<_>>().len();
    if groups.len() < distinct(&picks.groups) {
        errors.push(FieldError::new("groups", Message::UnknownGroup));
    }
    if groups.iter().any(|g| g.archived) {
        errors.push(FieldError::new("groups", Message::Archived));
    }
    let (users, contacts) =
        activity_invitations::known_people(db, admin.company, &picks.users, &picks.contacts).await?;
    if usize::try_from(users).unwrap_or(0) < distinct(&picks.users) {
        errors.push(FieldError::new("users", Message::UnknownValue));
    }
    if usize::try_from(contacts).unwrap_or(0) < distinct(&picks.contacts) {
        errors.push(FieldError::new("contacts", Message::UnknownValue));
    }
    let schedule = body.schedule.parse(activity.kind(), &admin.time_zone, platform::now());
    match schedule {
        Ok(schedule) if errors.is_empty() => Ok((activity, picks, schedule, groups)),
        Ok(_) => Err(ApiError::Invalid(errors, admin.language)),
        Err(more) => Err(ApiError::Invalid(errors.into_iter().chain(more).collect(), admin.language)),
    }
}

/// What inviting would do (E1, E2): each group's members and their sum, the
/// real total with each person once, who is skipped and why, and the
/// batches of 200 with their labels. Nothing is written.
pub async fn preview(req: &mut Request, db: &Db, activity_id: i64) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let body: InvitationRequest = json_body(req).await?;
    let (activity, picks, schedule, groups) = checked(db, &admin, activity_id, &body).await?;
    let totals = activity_invitations::totals(db, admin.company, activity.id, &picks).await?;
    let batches =
        activity_invitations::preview_batches(db, admin.company, activity.id, &picks, totals.recipients).await?;
    let sum: i64 = groups.iter().map(|g| g.members).sum();
    json(
        200,
        &json!({
            "activity": activity,
            "groups": groups,
            "group_members_sum": sum,
            "users": picks.users.len(),
            "contacts": picks.contacts.len(),
            "totals": totals,
            "batches": batches,
            "schedule": views::schedule(&schedule, &admin.time_zone),
        }),
    )
}

/// Invites: a job claims the recipients and splits them into batches (202);
/// the scheduler sends each round when due.
pub async fn create_invitation(req: &mut Request, db: &Db, env: &Env, activity_id: i64) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    let body: InvitationRequest = json_body(req).await?;
    let (activity, picks, schedule, _) = checked(db, &admin, activity_id, &body).await?;
    let origin = req.url()?.origin().ascii_serialization();
    let id = roster_core::secret::random_id(platform::random_bytes()?);
    let params = JobParams::ActivityInvitation(ActivityInvitation {
        activity_id: activity.id,
        groups: picks.groups,
        users: picks.users,
        contacts: picks.contacts,
        schedule,
        origin,
        language: admin.language,
    });
    jobs::create(db, admin.company, admin.user_id, &id, &params, &[]).await?;
    queue::enqueue(env, admin.company, &id).await?;
    views::job_answer(db, admin.company, JobKind::Invitation, &id, 202).await
}

/// The invitations of an activity, newest first.
pub async fn invitations(req: &Request, db: &Db, activity_id: i64) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    activities::get(db, admin.company, activity_id).await?.ok_or(ApiError::NotFound)?;
    let rows = activity_invitations::of_activity(db, admin.company, activity_id).await?;
    let items: Vec<Value> = rows.iter().map(|r| views::invitation(r, &admin.time_zone)).collect();
    json(200, &json!({ "items": items }))
}
