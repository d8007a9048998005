//! The background work: the queue consumer runs import and export jobs
//! (delivery is at least once, so running a job twice must change nothing
//! more), and the scheduled cleanup deletes files past their last day.

use roster_core::import::users::{Context, validate};
use roster_core::import::{Outcome, Remarks};
use roster_core::model::{CompanySettings, Role};
use roster_core::sheet::Limits;
use roster_core::{Language, import::users::Report};
use serde_json::{Value, json};
use worker::{Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder};

use roster_core::directory::UserQuery;
use roster_core::export::users::{UserFile, UsersWriter, ready_notice};
use roster_core::insights::Measure;
use roster_core::permissions::{Actor, Need, Target};

use roster_core::bulk::{Action, ReportWriter};
use roster_core::import::invitations;
use roster_core::jobs::{
    self as rules, ActivityInvitation, BulkAction, InvitationImport, JobParams, JobStatus, UserExport, UserImport,
};

use crate::db::activity_invitations::{self, PartInvitation, Picks, Split};
use crate::db::exports::{self, Notice};
use crate::db::jobs::{self, Claim, JobFile, JobRow, Requester};
use crate::db::{CompanyId, Db, DbError, access, bulk, companies, imports, invitation_imports, users};
use crate::error::{ApiError, ApiResult};
use crate::files::{PART_BYTES, PartUpload};
use crate::platform;
use crate::queue::JobMessage;

/// The most remarks kept in a job's result; the counts cover them all.
const KEPT_REMARKS: usize = 1_000;

/// Why a delivery did not finish its job.
enum Stop {
    /// Another delivery is running the job.
    Busy,
    /// The job could not even be looked at (a passing storage error).
    BeforeClaim(ApiError),
    /// This delivery took the job and stopped on an error.
    Run(ApiError),
}

/// Runs each message's job; a message whose job stopped for a passing
/// reason is retried by the queue.
pub async fn consume(batch: MessageBatch<JobMessage>, env: &Env) -> worker::Result<()> {
    for message in batch.messages()? {
        // One database handle per message: its statement budget is the message's.
        let db = match Db::from_env(env) {
            Ok(db) => db,
            Err(e) => {
                worker::console_error!("job {} not taken: {e:?}", message.body().job);
                message.retry();
                continue;
            }
        };
        match claim_and_run(&db, message.body(), env).await {
            Ok(()) => message.ack(),
            Err(Stop::Busy) => {
                // Look again once the other delivery's lease could have lapsed.
                let delay = u32::try_from(rules::LEASE_SECONDS).unwrap_or(120);
                message.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(delay).build());
            }
            Err(Stop::BeforeClaim(e)) => {
                worker::console_error!("job {} not taken: {e:?}", message.body().job);
                message.retry();
            }
            Err(Stop::Run(e)) => {
                worker::console_error!("job {} stopped: {e:?}", message.body().job);
                // Run it again unless it stopped too often already; then it ends as failed.
                match jobs::release(&db, message.body().company(), &message.body().job).await {
                    Ok(false) => message.ack(),
                    _ => message.retry(),
                }
            }
        }
    }
    Ok(())
}

async fn claim_and_run(db: &Db, message: &JobMessage, env: &Env) -> Result<(), Stop> {
    let company = message.company();
    match jobs::claim(db, company, &message.job).await.map_err(|e| Stop::BeforeClaim(e.into()))? {
        Claim::Taken => run(db, env, message).await.map_err(Stop::Run),
        Claim::Finished => Ok(()), // delivered again after it finished
        Claim::Busy => Err(Stop::Busy),
    }
}

async fn run(db: &Db, env: &Env, message: &JobMessage) -> ApiResult<()> {
    let company = message.company();
    let Some(job) = jobs::job(db, company, &message.job).await? else {
        return Ok(());
    };
    let requester = jobs::requester(db, company, job.requested_by).await?.ok_or(ApiError::NotFound)?;
    match job.params()? {
        JobParams::UserExport(params) => export_users(db, env, company, &job, &params, &requester).await,
        JobParams::UserImport(params) => import_users(db, env, company, &job, &params, &requester).await,
        JobParams::ActivityInvitation(params) => invite_to_activity(db, company, &job, &params).await,
        JobParams::InvitationImport(params) => import_invitations(db, env, company, &job, &params, &requester).await,
        JobParams::BulkAction(params) => bulk_action(db, env, company, &job, &params, &requester).await.map(|_| ()),
    }
}

/// Statements a delivery of a bulk job spends at most on its steps before
/// it hands the rest to a fresh delivery: the report still fits in what an
/// invocation may send, whatever the selection's size.
const BULK_STEP_STATEMENTS: u32 = 600;
/// Report lines read at a time.
const REPORT_PAGE: u32 = 5_000;

/// Does a bulk action step by step (each step one transaction, so a
/// delivery cut short resumes after the last step it finished), then
/// writes the per-user report and ends the job. `false` when the job goes
/// on in another delivery.
pub async fn bulk_action(
    db: &Db,
    env: &Env,
    company: CompanyId,
    job: &JobRow,
    params: &BulkAction,
    requester: &Requester,
) -> ApiResult<bool> {
    let action =
        params.action.parse().map_err(|_| ApiError::Internal(format!("job {} has an unreadable action", job.id)))?;
    let settings: CompanySettings = serde_json::from_str(&requester.settings)?;
    let personal = matches!(action, Action::ResetPassword | Action::LoginCode);
    let company_name = if personal {
        companies::summary(db, company).await?.map(|c| c.name).unwrap_or_default()
    } else {
        String::new()
    };
    let origin = params.origin.clone().unwrap_or_default();
    let reset_links =
        personal.then(|| bulk::LinkContext { company_name: &company_name, origin: &origin, zone: &settings.time_zone });
    // Whom the asker may change is decided per user.
    let asker = asker(db, company, job).await?;
    let total = params.selected.max(1);
    let mut done = bulk::decided(db, company, &job.id).await?;
    loop {
        let before = done;
        let progress = |n: usize| rules::progress(5, 95, before + n as u64, total);
        let step =
            bulk::step(db, company, job, &asker, &action, settings.licence_capacity, reset_links.as_ref(), progress)
                .await?;
        done += step.decided as u64;
        if !step.more {
            break;
        }
        if db.statements_used() > BULK_STEP_STATEMENTS {
            jobs::requeue(db, company, &job.id).await?;
            crate::queue::enqueue(env, company, &job.id).await?;
            return Ok(false);
        }
    }
    let bucket = env.bucket("FILES")?;
    let name = ReportWriter::file_name(params.language).to_owned();
    let key = format!("bulk/{}/{}/{name}", company.get(), job.id);
    let mut writer = ReportWriter::new(params.language, platform::now())?;
    let mut upload = PartUpload::new(&bucket, key.clone());
    let (mut after, mut rows) = (0, 0u64);
    loop {
        let lines = bulk::report_lines(db, company, &job.id, after, REPORT_PAGE).await?;
        for line in &lines {
            let person: [Option<String>; 4] = serde_json::from_str(&line.person).unwrap_or_default();
            writer.add(line.user_id, &person, &line.outcome)?;
        }
        if writer.pending_output() >= PART_BYTES {
            upload.write(&writer.take_output()).await?;
        }
        rows += lines.len() as u64;
        match lines.last() {
            Some(last) if lines.len() == REPORT_PAGE as usize => after = last.user_id,
            _ => break,
        }
    }
    let mut rest = writer.take_output();
    rest.extend(writer.finish()?);
    let bytes = upload.finish(&rest).await?;
    let mut result = bulk::tally(db, company, &job.id).await?;
    let mut action_shown = serde_json::to_value(&params.action)?;
    roster_core::bulk::hide_password(&mut action_shown);
    result["action"] = action_shown;
    result["selected"] = params.selected.into();
    let file = JobFile::written(&job.id, name, key, bytes, rows);
    match bulk::finish(db, company, job, &file, &result, &action).await {
        Ok(()) | Err(DbError::Unique(_)) => Ok(true), // finished by another delivery
        Err(e) => Err(e.into()),
    }
}

/// Claims the recipients of an invitation to an activity and splits them
/// into batches; the scheduler sends their messages when due.
async fn invite_to_activity(db: &Db, company: CompanyId, job: &JobRow, params: &ActivityInvitation) -> ApiResult<()> {
    let picks = Picks { groups: params.groups.clone(), users: params.users.clone(), contacts: params.contacts.clone() };
    let totals = activity_invitations::totals(db, company, params.activity_id, &picks).await?;
    jobs::progress(db, company, &job.id, 10).await?;
    let held = activity_invitations::claim(db, company, &job.id, params).await?;
    jobs::progress(db, company, &job.id, 70).await?;
    let invitations = [PartInvitation { activity_id: params.activity_id, schedule: &params.schedule }];
    let result = |split: &Split| {
        json!({
            "outcome": "succeeded",
            "recipients": held,
            "invitations": split.batches,
            "skipped": {
                "inactive": totals.inactive,
                "deleted": totals.deleted,
                // Counted before this job claimed anyone: people another invitation took meanwhile too.
                "already_invited": totals.already_invited + (totals.recipients - held).max(0),
            },
        })
    };
    let done = activity_invitations::split_and_finish(
        db,
        company,
        job,
        &invitations,
        (&params.origin, params.language),
        result,
        ("invitation.activity", None),
    )
    .await;
    match done {
        Ok(_) | Err(DbError::Unique(_)) => Ok(()), // finished by another delivery
        Err(e) => Err(e.into()),
    }
}

/// The uploaded file of an import, or the job failed because it is gone.
async fn uploaded(env: &Env, key: &str) -> ApiResult<Option<Vec<u8>>> {
    let Some(object) = env.bucket("FILES")?.get(key).execute().await? else {
        return Ok(None);
    };
    Ok(Some(object.body().ok_or_else(|| ApiError::Internal("empty object".into()))?.bytes().await?))
}

/// What a job says when its uploaded file is gone.
fn missing_file() -> Value {
    json!({ "outcome": "failed", "error": { "code": "missing_file", "message": "The uploaded file is gone." } })
}

/// Checks an invitation file again against the company as it is now, then
/// claims every row's people and splits them into batches: all the rows'
/// invitations go live in one final transaction, or none does.
async fn import_invitations(
    db: &Db,
    env: &Env,
    company: CompanyId,
    job: &JobRow,
    params: &InvitationImport,
    requester: &Requester,
) -> ApiResult<()> {
    let language = Language::parse(&requester.language).unwrap_or(Language::En);
    let settings: CompanySettings = serde_json::from_str(&requester.settings)?;
    let context = invitations::Context { language, country_code: settings.country_code, now: platform::now() };
    let Some(bytes) = uploaded(env, &params.key).await? else {
        return Ok(jobs::fail(db, company, job, &missing_file()).await?);
    };
    let snapshot = invitation_imports::snapshot(db, company, settings.time_zone).await?;
    jobs::progress(db, company, &job.id, 15).await?;
    let report = match invitations::validate(&bytes, &context, &snapshot, Limits::PRODUCT) {
        Ok(report) => report,
        Err(e) => {
            let result = json!({ "outcome": "failed", "error": { "code": e.code(), "message": e.message(language) } });
            return Ok(jobs::fail(db, company, job, &result).await?);
        }
    };
    drop(snapshot);
    let mut result = remarks_summary(&report.remarks, report.outcome, report.rows, language);
    let plan = &report.plan;
    result["invitations"] = plan.counts.invitations.into();
    result["planned_recipients"] = plan.counts.recipients.into();
    if report.outcome == Outcome::Failed {
        result["imported"] = 0.into();
        return Ok(jobs::fail(db, company, job, &result).await?);
    }
    invitation_imports::stage_and_claim(db, company, &job.id, plan, (20, 80)).await?;
    let parts: Vec<PartInvitation> =
        plan.invitations.iter().map(|i| PartInvitation { activity_id: i.activity_id, schedule: &i.schedule }).collect();
    let summary = |split: &Split| {
        let mut result = result.clone();
        let held: usize = split.held.iter().map(|(_, n)| n).sum();
        result["imported"] = split.held.len().into();
        result["recipients"] = held.into();
        result["batches"] = split.batches.into();
        // People invited to the activity by an earlier invitation keep it.
        result["already_invited"] = plan.counts.recipients.saturating_sub(held).into();
        result
    };
    let done = activity_invitations::split_and_finish(
        db,
        company,
        job,
        &parts,
        (&params.origin, params.language),
        summary,
        ("invitation.import", Some(rules::files_expire_at(platform::now()))),
    )
    .await;
    match done {
        Ok(_) | Err(DbError::Unique(_)) => Ok(()), // finished by another delivery
        Err(e) => Err(e.into()),
    }
}

/// Who asked for a job, with their rights as they stand now (not as they
/// were when it was asked).
async fn asker(db: &Db, company: CompanyId, job: &JobRow) -> ApiResult<Actor> {
    let holder = access::user_holder(db, company, job.requested_by).await?;
    Ok(holder.ok_or_else(|| ApiError::Internal(format!("job {} has no requester", job.id)))?.actor()?)
}

async fn import_users(
    db: &Db,
    env: &Env,
    company: CompanyId,
    job: &JobRow,
    params: &UserImport,
    requester: &Requester,
) -> ApiResult<()> {
    let language = Language::parse(&requester.language).unwrap_or(Language::En);
    let settings: CompanySettings = serde_json::from_str(&requester.settings)?;
    let context = Context {
        language,
        admin_role: Role::parse(&requester.role).unwrap_or(Role::Member),
        country_code: settings.country_code,
    };
    let Some(bytes) = uploaded(env, &params.key).await? else {
        return Ok(jobs::fail(db, company, job, &missing_file()).await?);
    };
    // Checked again against the company as it is now: the browser's check is never trusted.
    let snapshot =
        users::import_snapshot(db, company, &asker(db, company, job).await?, settings.licence_capacity).await?;
    jobs::progress(db, company, &job.id, 15).await?;
    let report = match validate(&bytes, &context, &snapshot, Limits::PRODUCT) {
        Ok(report) => report,
        Err(e) => {
            let result = json!({ "outcome": "failed", "error": { "code": e.code(), "message": e.message(language) } });
            return Ok(jobs::fail(db, company, job, &result).await?);
        }
    };
    let result = summary(&report, language);
    if report.outcome == Outcome::Failed {
        return Ok(jobs::fail(db, company, job, &result).await?);
    }
    jobs::progress(db, company, &job.id, 30).await?;
    imports::stage(db, company, &job.id, &report.plan, &snapshot, (30, 95)).await?;
    match imports::commit(db, company, &job.id, job.requested_by, &result).await {
        Err(DbError::Unique(_)) => {
            let now = jobs::job(db, company, &job.id).await?;
            if now.is_some_and(|j| j.status == JobStatus::Done) {
                return Ok(()); // a concurrent delivery applied it first
            }
            let result = json!({ "outcome": "failed", "error": { "code": "conflict",
                "message": "Users changed while the file was imported; import it again." } });
            Ok(jobs::fail(db, company, job, &result).await?)
        }
        other => Ok(other?),
    }
}

/// Users read from the database at a time while exporting.
const EXPORT_PAGE: u32 = 1_000;

/// Builds the three files of a users export (J2), or the one file of a
/// group members export (G1), page by page, each sent to storage in parts
/// as it is written, then ends the job in one batch. Only the users of the
/// requester's perimeter are in it when their permission is scoped.
async fn export_users(
    db: &Db,
    env: &Env,
    company: CompanyId,
    job: &JobRow,
    params: &UserExport,
    requester: &Requester,
) -> ApiResult<()> {
    let (format, lang) = (params.format, params.language);
    let now = platform::now();
    let since = rules::statistics_since(now);
    // Everyone the files will hold, for the progress.
    let everyone = UserQuery {
        within_perimeter_of: params.within_perimeter_of,
        in_groups: params.groups.clone(),
        active_in: params.month.as_ref().map(|(month, measure)| (month.clone(), *measure == Measure::ActiveAccounts)),
        ..UserQuery::everyone(EXPORT_PAGE)
    };
    let total = users::count(db, company, &everyone).await?;
    let bucket = env.bucket("FILES")?;
    let mut done = 0i64;
    let mut files = Vec::new();
    for &file in params.files() {
        let name = file.file_name(format);
        let key = format!("exports/{}/{}/{name}", company.get(), job.id);
        let notes = file == UserFile::GroupMembers;
        let mut writer =
            UsersWriter::for_file(format, lang, (file.has_statistics(), notes), file.sheet_name(lang), now)?;
        let mut upload = PartUpload::new(&bucket, key.clone());
        for &status in file.statuses() {
            let mut query = UserQuery { status: Some(status), ..everyone.clone() };
            loop {
                let rows = exports::page(db, company, &query, since).await?;
                for row in &rows {
                    writer.add(&row.user)?;
                }
                if writer.pending_output() >= PART_BYTES {
                    upload.write(&writer.take_output()).await?;
                }
                done += i64::try_from(rows.len()).unwrap_or(0);
                // Progress is an estimate from a count made before; the end says 100.
                jobs::progress(db, company, &job.id, (5 + done * 90 / total.max(1)).min(95)).await?;
                match rows.last() {
                    Some(last) if rows.len() == EXPORT_PAGE as usize => query.after = Some(last.cursor(query.sort)),
                    _ => break,
                }
            }
        }
        if notes {
            // Partner companies' members of shared groups, after the company's own (J6).
            let mut after = 0;
            loop {
                let page = exports::partner_members(db, company, &params.groups, after, EXPORT_PAGE).await?;
                for member in &page {
                    writer.add(&roster_core::sharing::masked(member.user.clone(), &member.company_name, lang))?;
                }
                if writer.pending_output() >= PART_BYTES {
                    upload.write(&writer.take_output()).await?;
                }
                done += i64::try_from(page.len()).unwrap_or(0);
                match page.last() {
                    Some(last) if page.len() == EXPORT_PAGE as usize => after = last.id,
                    _ => break,
                }
            }
        }
        let rows = writer.rows();
        let mut rest = writer.take_output();
        rest.extend(writer.finish()?);
        let bytes = upload.finish(&rest).await?;
        files.push(JobFile::written(&job.id, name, key, bytes, rows));
    }
    let listed: Vec<(String, u64)> =
        files.iter().map(|f| (f.name.clone(), u64::try_from(f.rows.unwrap_or(0)).unwrap_or(0))).collect();
    let result = json!({
        "format": format,
        "language": lang.code(),
        "rows": done,
        "files": files.iter().map(|f| json!({ "name": f.name, "rows": f.rows, "size": f.bytes })).collect::<Vec<_>>(),
    });
    let link = format!("{}/#/jobs/{}", params.origin, job.id);
    let notices: Vec<Notice> = readers(db, company, job, params, requester)
        .await?
        .into_iter()
        .map(|(language, recipients)| {
            let expires = rules::files_expire_at(now);
            let (subject, body) = ready_notice(language, &link, &listed, expires, &params.group_names);
            Notice { recipients, subject, body }
        })
        .collect();
    match exports::finish(db, company, job, &files, &result, &notices).await {
        Err(DbError::Unique(_)) => Ok(()), // another delivery finished it first: one set of files
        other => Ok(other?),
    }
}

/// Who is told an export is ready, by language: its requester (in the
/// export's language) and, for a group export, every other user who may
/// read it (J4: administrators and those managing all its groups).
async fn readers(
    db: &Db,
    company: CompanyId,
    job: &JobRow,
    params: &UserExport,
    requester: &Requester,
) -> ApiResult<Vec<(Language, Vec<String>)>> {
    let mut by_language: Vec<(Language, Vec<String>)> = Vec::new();
    let mut add = |language: Language, email: String| match by_language.iter_mut().find(|(l, _)| *l == language) {
        Some((_, list)) => list.push(email),
        None => by_language.push((language, vec![email])),
    };
    if let Some(email) = &requester.email {
        add(params.language, email.clone());
    }
    if !params.groups.is_empty() {
        let target = Target::Job { requested_by: job.requested_by, groups: &params.groups };
        for holder in access::staff(db, company).await? {
            let Some(email) = holder.email.clone() else { continue };
            if holder.user_id == job.requested_by {
                continue;
            }
            // Someone who may not use the console any more is skipped.
            if let Ok(reader) = crate::auth::caller_from(&holder)
                && reader.allow(Need::SignedIn, target).is_ok()
            {
                add(reader.language, email);
            }
        }
    }
    Ok(by_language)
}

/// Files deleted per scheduled run at most; the next run takes the rest.
const CLEANUP_BATCH: u32 = 500;

/// Deletes the stored files of jobs past their last day, and records it.
pub async fn clean_expired(env: &Env) -> ApiResult<usize> {
    let db = Db::from_env(env)?;
    let bucket = env.bucket("FILES")?;
    let expired = jobs::expired_files(&db, platform::now(), CLEANUP_BATCH).await?;
    for (company, file) in &expired {
        bucket.delete(file.object_key.clone()).await?;
        jobs::mark_deleted(&db, *company, file).await?;
    }
    Ok(expired.len())
}

/// What a finished user import reports: counts, outcome and the first
/// remarks. The counts say what was done: nothing when it failed.
fn summary(report: &Report, lang: Language) -> Value {
    let mut result = remarks_summary(&report.remarks, report.outcome, report.rows, lang);
    let done = report.outcome != Outcome::Failed;
    let counts = &report.plan.counts;
    let groups: &[String] = if done { &report.plan.groups_to_create } else { &[] };
    result["created"] = (if done { counts.creates } else { 0 }).into();
    result["updated"] = (if done { counts.updates } else { 0 }).into();
    result["unchanged"] = (if done { counts.unchanged } else { 0 }).into();
    result["groups_created"] = serde_json::to_value(groups).unwrap_or_default();
    result
}

/// What every import reports: outcome, rows read, remark counts and the
/// first remarks in the importer's language.
fn remarks_summary(remarks: &Remarks, outcome: Outcome, rows: u32, lang: Language) -> Value {
    let Remarks { items, omitted, blocking, warnings } = remarks;
    let kept: Vec<Value> = items
        .iter()
        .take(KEPT_REMARKS)
        .map(|r| json!({ "row": r.row, "column": r.column, "code": r.code, "severity": r.severity, "message": r.message(lang) }))
        .collect();
    json!({
        "outcome": outcome,
        "rows": rows,
        "blocking": blocking,
        "warnings": warnings,
        "remarks": kept,
        "omitted_remarks": omitted + items.len().saturating_sub(KEPT_REMARKS),
    })
}
