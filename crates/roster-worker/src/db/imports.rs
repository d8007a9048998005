//! User import jobs: the staging of a checked plan in chunks, and the one
//! batch that makes it all live at once.

use std::collections::HashMap;

use roster_core::form::UserField;
use roster_core::import::users::{ExistingUser, Plan, Snapshot};
use roster_core::model::Label;
use serde_json::{Value, json};
use wasm_bindgen::JsValue;

use super::DbResult;
use super::{CompanyId, Db, JsonRows, audit, params};
use crate::platform;

/// Statements per batch while staging (a batch is one transaction).
const STATEMENTS_PER_BATCH: usize = 8;

/// Writes the plan to the staging table, reporting progress from `from` to
/// `to` percent. Nothing staged is visible in the product.
pub async fn stage(
    db: &Db,
    company: CompanyId,
    job: &str,
    plan: &Plan,
    snapshot: &Snapshot,
    (from, to): (i64, i64),
) -> DbResult<()> {
    let mut rows = JsonRows::default();
    staged_rows(plan, snapshot, |kind, payload| rows.push(&Value::Array(vec![kind.into(), payload])));
    let batches = rows.arrays().chunks(STATEMENTS_PER_BATCH).len();
    for (b, batch) in rows.arrays().chunks(STATEMENTS_PER_BATCH).enumerate() {
        let mut statements = Vec::with_capacity(batch.len() + 1);
        for (first, array) in batch {
            statements.push(db.statement(
                "INSERT INTO import_staging (job_id, seq, kind, payload) \
                 SELECT ?, ? + key, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)",
                params![job, *first, array.as_str()],
            )?);
        }
        let done = roster_core::jobs::progress(from, to, b as u64 + 1, batches as u64);
        statements.push(super::jobs::progress_statement(db, company, job, done)?);
        db.batch(statements).await?;
    }
    Ok(())
}

/// The plan as staging rows, each given to `emit` as `(kind, payload)`.
fn staged_rows(plan: &Plan, snapshot: &Snapshot, mut emit: impl FnMut(&'static str, Value)) {
    let existing: HashMap<i64, &ExistingUser> = snapshot.users.iter().map(|u| (u.id, u)).collect();
    let mut tags = std::collections::BTreeMap::new();
    for name in &plan.groups_to_create {
        if let Ok(label) = Label::parse(name) {
            emit("group", json!({ "name": label.as_str(), "key": label.unique_key() }));
        }
    }
    // Memberships name their user by id (updates) or by an identifier the new user holds.
    let mut links = |who: &Value,
                     groups: &[Label],
                     allowed: &[Label],
                     user_tags: &[Label],
                     emit: &mut dyn FnMut(&'static str, Value)| {
        for (kind, list) in [("member", groups), ("allowed", allowed), ("tagged", user_tags)] {
            for label in list {
                let mut payload = who.clone();
                payload["key"] = Value::String(label.unique_key());
                emit(kind, payload);
                if kind == "tagged" {
                    tags.entry(label.unique_key()).or_insert_with(|| label.to_string());
                }
            }
        }
    };
    for c in &plan.creates {
        let u = &c.user;
        emit("create", Value::Object(u.record()));
        let who = match (&u.email, &u.mobile) {
            (Some(email), _) => json!({ "email": email.as_str() }),
            (None, Some(mobile)) => json!({ "mobile": mobile.as_str() }),
            (None, None) => continue,
        };
        links(&who, &c.groups, &c.allowed_groups, &c.tags, &mut emit);
    }
    for u in &plan.updates {
        let Some(before) = existing.get(&u.id) else { continue };
        let (sort_key, search_text) = u.directory_keys(before);
        let mut payload = json!({ "user_id": u.id, "sort_key": sort_key, "search_text": search_text });
        for change in &u.changes {
            payload[change.field.code()] = change.to.clone().map_or(Value::Null, Value::String);
        }
        emit("update", payload);
        links(&json!({ "user_id": u.id }), &u.groups, &u.allowed_groups, &u.tags, &mut emit);
    }
    for (key, name) in tags {
        emit("tag", json!({ "name": name, "key": key }));
    }
}

/// Makes a staged import live in one batch: all of it or nothing. The first
/// statement records the commit, so a second delivery of the job fails whole.
pub async fn commit(db: &Db, company: CompanyId, job: &str, actor: i64, result: &Value) -> DbResult<()> {
    let now = platform::now();
    let expires = roster_core::jobs::files_expire_at(now).to_string();
    let now = now.to_string();
    let c = company.to_js_value();
    let staged = |kind: &str| format!("FROM import_staging s WHERE s.job_id = ? AND s.kind = '{kind}'");
    let columns: Vec<&str> = UserField::ALL.iter().map(|f| f.code()).collect();
    let set_updates = columns
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
                cols = columns.join(", "),
                values = columns
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
    db.batch(statements).await?;
    Ok(())
}
