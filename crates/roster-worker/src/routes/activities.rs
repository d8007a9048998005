//! `/api/v1/activities`: activities and their thematic bases (A6), and
//! invitations to an activity (E1–E3) — previewed, then made by a job.

use roster_core::invitation::schedule::{Schedule, ScheduleForm};
use roster_core::jobs::{ActivityInvitation, JobKind, JobParams};
use roster_core::model::{ActivityType, Title};
use roster_core::permissions::{Need, Permission, Target};
use roster_core::{FieldError, Message};
use serde::Deserialize;
use serde_json::{Value, json};
use worker::{Env, Request, Response};

use crate::caller::Caller;
use crate::db::activities::{self, ActivityRow};
use crate::db::activity_invitations::{self, Picks};
use crate::db::{Db, contacts, jobs, users};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, json_body, query_param};
use crate::{auth, platform, queue, views};

const SEE: Need = Need::Permission(Permission::SeeActivities);
const EDIT: Need = Need::Permission(Permission::EditActivities);
const INVITE: Need = Need::Permission(Permission::Invite);

/// The company's activities, newest first (`?archived=true` adds archived ones).
pub async fn list(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, SEE).await?;
    let archived = match query_param(req, "archived")?.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::BadRequest("archived is true or false.".into())),
    };
    json(
        200,
        &json!({ "items": activities::list(db, caller.company, archived, caller.bases_perimeter(Permission::SeeActivities)).await? }),
    )
}

/// The company's thematic bases.
pub async fn bases(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::SignedIn).await?;
    let within = caller.bases_perimeter(Permission::SeeActivities);
    json(200, &json!({ "items": activities::bases(db, caller.company, within).await? }))
}

/// One activity of the company.
pub async fn show(req: &Request, db: &Db, id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, SEE).await?;
    json(200, &activity(db, &caller, SEE, id).await?)
}

/// The company's activity `id` once `need` is allowed on its base: 404
/// when it is not the company's or its base is outside the perimeter.
async fn activity(db: &Db, caller: &Caller, need: Need, id: i64) -> ApiResult<ActivityRow> {
    let activity = activities::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?;
    caller.allow(need, Target::Base(activity.base_id))?;
    Ok(activity)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewActivity {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    base: String,
}

fn title(caller: &Caller, field: &'static str, raw: &str) -> ApiResult<Title> {
    Title::parse(raw).map_err(|e| ApiError::Invalid(vec![FieldError::new(field, e.message())], caller.language))
}

/// Creates an activity (201) in the named thematic base, created if new.
pub async fn create(req: &mut Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, EDIT).await?;
    let body: NewActivity = json_body(req).await?;
    let kind = ActivityType::parse(&body.kind)
        .map_err(|_| ApiError::Invalid(vec![FieldError::new("type", Message::UnknownValue)], caller.language))?;
    let title_ = title(&caller, "title", &body.title)?;
    let base = title(&caller, "base", &body.base)?;
    if caller.bases_perimeter(Permission::EditActivities).is_some() {
        // Someone working in some bases only adds to one of theirs.
        let known = activities::base_named(db, caller.company, &base).await?;
        let inside = known.is_some_and(|id| caller.allow(EDIT, Target::Base(id)).is_ok());
        if !inside {
            return Err(ApiError::Invalid(vec![FieldError::new("base", Message::UnknownValue)], caller.language));
        }
    }
    let created = activities::create(db, caller.company, caller.user_id(), kind, &title_, &base).await?;
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
    let caller = auth::caller(req, db, EDIT).await?;
    activity(db, &caller, EDIT, id).await?;
    let body: Change = json_body(req).await?;
    let new_title = body.title.as_deref().map(|raw| title(&caller, "title", raw)).transpose()?;
    if !activities::update(db, caller.company, caller.user_id(), id, new_title.as_ref(), body.archived).await? {
        return Err(ApiError::NotFound);
    }
    json(200, &activities::get(db, caller.company, id).await?.ok_or(ApiError::NotFound)?)
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
    caller: &Caller,
    activity_id: i64,
    body: &InvitationRequest,
) -> ApiResult<(ActivityRow, Picks, Schedule, Vec<activity_invitations::PickedGroup>)> {
    let activity = activity(db, caller, INVITE, activity_id).await?;
    caller.allow(INVITE, Target::BaseAndPeople { base: activity.base_id, groups: &body.groups })?;
    // People outside a scoped inviter's perimeter are absent to them; for
    // others, unknown people are field errors below.
    let bounds = caller.bounds(INVITE);
    if bounds.within_perimeter_of.is_some()
        && (!users::all_within(db, caller.company, &body.users, bounds).await?
            || !contacts::all_within(db, caller.company, &body.contacts, bounds).await?)
    {
        return Err(ApiError::NotFound);
    }
    let mut errors = Vec::new();
    if activity.archived {
        errors.push(FieldError::new("activity", Message::Archived));
    }
    let picks = Picks { groups: body.groups.clone(), users: body.users.clone(), contacts: body.contacts.clone() };
    if picks.groups.is_empty() && picks.users.is_empty() && picks.contacts.is_empty() {
        errors.push(FieldError::new("groups", Message::Required));
    }
    let groups = activity_invitations::picked_groups(db, caller.company, &picks.groups).await?;
    let distinct = |ids: &[i64]| ids.iter().collect::<std::collections::BTreeSet<_>>().len();
    if groups.len() < distinct(&picks.groups) {
        errors.push(FieldError::new("groups", Message::UnknownGroup));
    }
    if groups.iter().any(|g| g.archived) {
        errors.push(FieldError::new("groups", Message::Archived));
    }
    let (users, contacts) =
        activity_invitations::known_people(db, caller.company, &picks.users, &picks.contacts).await?;
    if usize::try_from(users).unwrap_or(0) < distinct(&picks.users) {
        errors.push(FieldError::new("users", Message::UnknownValue));
    }
    if usize::try_from(contacts).unwrap_or(0) < distinct(&picks.contacts) {
        errors.push(FieldError::new("contacts", Message::UnknownValue));
    }
    let schedule = body.schedule.parse(activity.kind(), &caller.time_zone, platform::now());
    match schedule {
        Ok(schedule) if errors.is_empty() => Ok((activity, picks, schedule, groups)),
        Ok(_) => Err(ApiError::Invalid(errors, caller.language)),
        Err(more) => Err(ApiError::Invalid(errors.into_iter().chain(more).collect(), caller.language)),
    }
}

/// What inviting would do (E1, E2): each group's members and their sum, the
/// real total with each person once, who is skipped and why, and the
/// batches of 200 with their labels. Nothing is written.
pub async fn preview(req: &mut Request, db: &Db, activity_id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, INVITE).await?;
    let body: InvitationRequest = json_body(req).await?;
    let (activity, picks, schedule, groups) = checked(db, &caller, activity_id, &body).await?;
    let totals = activity_invitations::totals(db, caller.company, activity.id, &picks).await?;
    let batches =
        activity_invitations::preview_batches(db, caller.company, activity.id, &picks, totals.recipients).await?;
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
            "schedule": views::schedule(&schedule, &caller.time_zone),
        }),
    )
}

/// Invites: a job claims the recipients and splits them into batches (202);
/// the scheduler sends each round when due.
pub async fn create_invitation(req: &mut Request, db: &Db, env: &Env, activity_id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, INVITE).await?;
    let body: InvitationRequest = json_body(req).await?;
    let (activity, picks, schedule, _) = checked(db, &caller, activity_id, &body).await?;
    let origin = req.url()?.origin().ascii_serialization();
    let id = roster_core::secret::random_id(platform::random_bytes()?);
    let params = JobParams::ActivityInvitation(ActivityInvitation {
        activity_id: activity.id,
        groups: picks.groups,
        users: picks.users,
        contacts: picks.contacts,
        schedule,
        origin,
        language: caller.language,
    });
    jobs::create(db, caller.company, caller.user_id(), &id, &params, &[]).await?;
    queue::enqueue(env, caller.company, &id).await?;
    views::job_answer(db, caller.company, JobKind::Invitation, &id, 202).await
}

/// The invitations of an activity, newest first.
pub async fn invitations(req: &Request, db: &Db, activity_id: i64) -> ApiResult<Response> {
    let caller = auth::caller(req, db, INVITE).await?;
    activity(db, &caller, INVITE, activity_id).await?;
    let rows = activity_invitations::of_activity(db, caller.company, activity_id).await?;
    let items: Vec<Value> = rows.iter().map(|r| views::invitation(r, &caller.time_zone)).collect();
    json(200, &json!({ "items": items }))
}
