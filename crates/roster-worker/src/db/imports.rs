//! User import jobs: the staging of a checked plan in chunks, and the one
//! batch that makes it all live at once.

use std::collections::HashMap;

use roster_core::import::users::{ExistingUser, Plan, Snapshot};
use roster_core::model::{Email, EmployeeId, Label, Mobile, PersonName};
use serde_json::{Value, json};
use wasm_bindgen::JsValue;

use super::jobs;
use super::{CompanyId, Db, audit, params};
use crate::error::{ApiError, ApiResult};
use crate::platform;

/// Staged rows per multi-row statement (4 parameters each, 100 at most).
const ROWS_PER_STATEMENT: usize = 25;
/// Statements per batch while staging.
const STATEMENTS_PER_BATCH: usize = 40;

/// Writes the plan to the staging table in chunks, reporting progress from
/// `from` to `to` percent. Nothing staged is visible in the product.
pub async fn stage(
    db: &Db,
    company: CompanyId,
    job: &str,
    plan: &Plan,
    snapshot: &Snapshot,
    (from, to): (i64, i64),
) -> ApiResult<()> {
    let rows = staged_rows(plan, snapshot);
    let chunks: Vec<&[(&str, Value)]> = rows.chunks(ROWS_PER_STATEMENT).collect();
    let batches = chunks.chunks(STATEMENTS_PER_BATCH).count().max(1);
    for (b, batch) in chunks.chunks(STATEMENTS_PER_BATCH).enumerate() {
        let mut statements = Vec::with_capacity(batch.len() + 1);
        for (c, chunk) in batch.iter().enumerate() {
            let first = (b * STATEMENTS_PER_BATCH + c) * ROWS_PER_STATEMENT;
            let placeholders = vec!["(?, ?, ?, ?)"; chunk.len()].join(", ");
            let mut binds: Vec<JsValue> = Vec::with_capacity(chunk.len() * 4);
            for (i, (kind, payload)) in chunk.iter().enumerate() {
                binds.extend_from_slice(params![
                    job,
                    i64::try_from(first + i).unwrap_or(i64::MAX),
                    *kind,
                    payload.to_string()
                ]);
            }
            statements.push(db.statement(
                &format!("INSERT INTO import_staging (job_id, seq, kind, payload) VALUES {placeholders}"),
                &binds,
            )?);
        }
        let done = i64::try_from(b + 1).unwrap_or(0) * (to - from) / i64::try_from(batches).unwrap_or(1);
        statements.push(db.statement(
            "UPDATE jobs SET progress = ?, heartbeat_at = ? WHERE company_id = ? AND id = ?",
            params![from + done, platform::now().to_string(), company, job],
        )?);
        db.batch(statements).await?;
    }
    Ok(())
}

/// The plan as staging rows: `(kind, payload)`.
fn staged_rows<'a>(plan: &'a Plan, snapshot: &'a Snapshot) -> Vec<(&'static str, Value)> {
    let existing: HashMap<i64, &ExistingUser> = snapshot.users.iter().map(|u| (u.id, u)).collect();
    let mut rows = Vec::new();
    let mut tags = std::collections::BTreeMap::new();
    for name in &plan.groups_to_create {
        if let Ok(label) = Label::parse(name) {
            rows.push(("group", json!({ "name": label.as_str(), "key": label.unique_key() })));
        }
    }
    // Memberships name their user by id (updates) or by an identifier the new user holds.
    let mut links = |who: &Value, groups: &[Label], allowed: &[Label], user_tags: &[Label], rows: &mut Vec<_>| {
        for (kind, list) in [("member", groups), ("allowed", allowed), ("tagged", user_tags)] {
            for label in list {
                let mut payload = who.clone();
                payload["key"] = Value::String(label.unique_key());
                rows.push((kind, payload));
                if kind == "tagged" {
                    tags.entry(label.unique_key()).or_insert_with(|| label.to_string());
                }
            }
        }
    };
    for c in &plan.creates {
        let u = &c.user;
        rows.push((
            "create",
            json!({
                "last_name": u.last_name.as_str(),
                "first_name": u.first_name.as_ref().map(PersonName::as_str),
                "email": u.email.as_ref().map(Email::as_str),
                "mobile": u.mobile.as_ref().map(Mobile::as_str),
                "employee_id": u.employee_id.as_ref().map(EmployeeId::as_str),
                "department": u.department.as_ref().map(PersonName::as_str),
                "user_type": u.user_type.code(),
                "role": u.role.code(),
                "licence_level": u.licence_level.code(),
                "preferred_channel": u.preferred_channel.code(),
                "language": u.language.code(),
                "sort_key": u.sort_key(),
                "search_text": u.search_text(),
            }),
        ));
        let who = match (&u.email, &u.mobile) {
            (Some(email), _) => json!({ "email": email.as_str() }),
            (None, Some(mobile)) => json!({ "mobile": mobile.as_str() }),
            (None, None) => continue,
        };
        links(&who, &c.groups, &c.allowed_groups, &c.tags, &mut rows);
    }
    for u in &plan.updates {
        let Some(before) = existing.get(&u.id) else { continue };
        let (sort_key, search_text) = u.directory_keys(before);
        let mut payload = json!({ "user_id": u.id, "sort_key": sort_key, "search_text": search_text });
        for change in &u.changes {
            payload[change.field.code()] = change.to.clone().map_or(Value::Null, Value::String);
        }
        rows.push(("update", payload));
        links(&json!({ "user_id": u.id }), &u.groups, &u.allowed_groups, &u.tags, &mut rows);
    }
    for (key, name) in tags {
        rows.push(("tag", json!({ "name": name, "key": key })));
    }
    rows
}

/// The `users` columns an import sets; each is also the attribute's code.
const UPDATABLE: [&str; 11] = [
    "last_name",
    "first_name",
    "email",
    "mobile",
    "employee_id",
    "department",
    "user_type",
    "role",
    "licence_level",
    "preferred_channel",
    "language",
];

/// Makes a staged import live in one batch: all of it or nothing. The first
/// statement records the commit, so a second delivery of the job fails whole.
pub async fn commit(db: &Db, company: CompanyId, job: &str, actor: i64, result: &Value) -> ApiResult<()> {
    let now = platform::now();
    let expires = now.plus_days(jobs::FILES_KEPT_DAYS).to_string();
    let now = now.to_string();
    let c = company.to_js_value();
    let staged = |kind: &str| format!("FROM import_staging s WHERE s.job_id = ? AND s.kind = '{kind}'");
    let set_updates = UPDATABLE
        .iter()
        .map(|col| {
            format!("{col} = CASE WHEN json_type(s.payload, '$.{col}') IS NULL THEN users.{col} ELSE json_extract(s.payload, '$.{col}') END")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut statements = vec![
        db.statement("INSERT INTO job_commits (job_id, at) VALUES (?, ?)", params![job, now.clone()])?,
        db.statement(
            &format!(
                "INSERT OR IGNORE INTO groups (company_id, name, name_key, created_at) \
                 SELECT ?, json_extract(s.payload, '$.name'), json_extract(s.payload, '$.key'), ? {}",
                staged("group")
            ),
            &[c.clone(), now.as_str().into(), job.into()],
        )?,
        db.statement(
            &format!(
                "INSERT OR IGNORE INTO tags (company_id, name, name_key) \
                 SELECT ?, json_extract(s.payload, '$.name'), json_extract(s.payload, '$.key') {}",
                staged("tag")
            ),
            &[c.clone(), job.into()],
        )?,
        db.statement(
            &format!(
                "INSERT INTO users (company_id, {cols}, status, sort_key, search_text, created_at, updated_at) \
                 SELECT ?, {values}, 'created', json_extract(s.payload, '$.sort_key'), \
                 json_extract(s.payload, '$.search_text'), ?, ? {} ORDER BY s.seq",
                staged("create"),
                cols = UPDATABLE.join(", "),
                values = UPDATABLE
                    .iter()
                    .map(|col| format!("json_extract(s.payload, '$.{col}')"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            &[c.clone(), now.as_str().into(), now.as_str().into(), job.into()],
        )?,
        db.statement(
            &format!(
                "UPDATE users SET {set_updates}, sort_key = json_extract(s.payload, '$.sort_key'), \
                 search_text = json_extract(s.payload, '$.search_text'), updated_at = ? \
                 FROM import_staging s WHERE s.job_id = ? AND s.kind = 'update' \
                 AND users.company_id = ? AND users.id = json_extract(s.payload, '$.user_id')"
            ),
            &[now.as_str().into(), job.into(), c.clone()],
        )?,
    ];
    // Links by each way of naming the user, each an indexed equality join.
    for (kind, table, target, key_table) in [
        ("member", "group_users (company_id, group_id, user_id, added_at)", "g.id, u.id, ?", "groups"),
        ("allowed", "user_allowed_groups (company_id, group_id, user_id)", "g.id, u.id", "groups"),
        ("tagged", "user_tags (company_id, tag_id, user_id)", "g.id, u.id", "tags"),
    ] {
        for (who, user_match) in [("user_id", "u.id"), ("email", "u.email"), ("mobile", "u.mobile")] {
            let sql = format!(
                "INSERT OR IGNORE INTO {table} SELECT u.company_id, {target} \
                 FROM import_staging s \
                 JOIN {key_table} g ON g.company_id = ? AND g.name_key = json_extract(s.payload, '$.key') \
                 JOIN users u ON u.company_id = ? AND {user_match} = json_extract(s.payload, '$.{who}') \
                 WHERE s.job_id = ? AND s.kind = '{kind}' AND json_type(s.payload, '$.{who}') IS NOT NULL"
            );
            let mut binds = Vec::new();
            if kind == "member" {
                binds.push(JsValue::from_str(&now));
            }
            binds.extend([c.clone(), c.clone(), job.into()]);
            statements.push(db.statement(&sql, &binds)?);
        }
    }
    statements.extend([
        db.statement("DELETE FROM import_staging WHERE job_id = ?", params![job])?,
        db.statement(
            "UPDATE jobs SET status = 'done', progress = 100, result = ?, finished_at = ?, expires_at = ? \
             WHERE company_id = ? AND id = ?",
            params![result.to_string(), now, expires, company, job],
        )?,
        audit::entry(db, company, Some(actor), "import.apply", Some(job), result)?,
    ]);
    match db.batch(statements).await {
        Err(e) if super::is_unique_violation(&e) => Err(ApiError::Conflict),
        other => other.map(|_| ()),
    }
}
