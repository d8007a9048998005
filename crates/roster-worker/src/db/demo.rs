//! Stores the demo companies of a local console.

use roster_core::demo::DemoCompany;
use roster_core::time::Timestamp;
use serde::Deserialize;
use wasm_bindgen::JsValue;

use super::users::{UserDates, insert_statement};
use super::{CompanyId, Db, params};
use crate::error::ApiResult;

#[derive(Deserialize)]
struct Existing {
    id: i64,
}

/// The id of the company with this name, if it exists.
pub async fn company_named(db: &Db, name: &str) -> ApiResult<Option<CompanyId>> {
    let row: Option<Existing> = db.first("SELECT id FROM companies WHERE name = ?", params![name]).await?;
    Ok(row.map(|r| CompanyId::trusted(r.id)))
}

/// Sets the password of the company's administrator.
pub async fn set_admin_password(db: &Db, company: CompanyId, email: &str, hash: &str) -> ApiResult<()> {
    db.run("UPDATE users SET password_hash = ? WHERE company_id = ? AND email = ?", params![hash, company, email])
        .await?;
    Ok(())
}

/// Stores a whole demo company in one transaction, so that an interrupted
/// seeding leaves nothing half-made. Dates are counted back from `now`.
pub async fn store(db: &Db, demo: &DemoCompany, admin_password_hash: &str, now: Timestamp) -> ApiResult<()> {
    let company_sql = "(SELECT id FROM companies WHERE name = ?)";
    let company_param = JsValue::from_str(demo.name);
    let at = |days_ago: u32| now.plus_days(-i64::from(days_ago)).to_string();
    let settings = serde_json::to_string(&roster_core::model::CompanySettings {
        licence_capacity: u32::try_from(demo.users.len()).unwrap_or(u32::MAX),
        ..Default::default()
    })?;
    let mut s = vec![db.statement(
        "INSERT INTO companies (name, plan, settings, created_at) VALUES (?, ?, ?, ?)",
        params![demo.name, demo.plan.code(), settings, at(800)],
    )?];
    let admin_dates = UserDates {
        status: roster_core::model::UserStatus::Active,
        created_at: at(800),
        invited_at: Some(at(800)),
        activated_at: Some(at(799)),
        last_access_at: None,
    };
    s.push(insert_statement(db, company_sql, &company_param, &demo.admin, Some(admin_password_hash), &admin_dates)?);
    for (i, group) in demo.groups.iter().enumerate() {
        s.push(db.statement(
            &format!("INSERT INTO groups (company_id, name, name_key, archived_at, created_at) VALUES ({company_sql}, ?, ?, ?, ?)"),
            params![demo.name, group.name.as_str(), group.name.unique_key(), group.archived.then(|| at(30)), at(700 - u32::try_from(i).unwrap_or(0))],
        )?);
    }
    for tag in &demo.tags {
        s.push(db.statement(
            &format!("INSERT INTO tags (company_id, name, name_key) VALUES ({company_sql}, ?, ?)"),
            params![demo.name, tag.as_str(), tag.unique_key()],
        )?);
    }
    for person in &demo.users {
        use roster_core::model::UserStatus as S;
        let created = person.created_days_ago;
        let dates = UserDates {
            status: person.status,
            created_at: at(created),
            invited_at: (person.status != S::Created).then(|| at(created)),
            activated_at: matches!(person.status, S::Active | S::Inactive).then(|| at(created.saturating_sub(1))),
            last_access_at: person.last_access_days_ago.map(at),
        };
        // A deleted user is anonymised: their identifiers are released for others.
        let mut user = person.user.clone();
        if person.status == S::Deleted {
            (user.email, user.mobile, user.employee_id) = (None, None, None);
        }
        s.push(insert_statement(db, company_sql, &company_param, &user, None, &dates)?);
        let email = user.email.as_ref().map(ToString::to_string);
        for &g in &person.groups {
            s.push(db.statement(
                "INSERT INTO group_users (company_id, group_id, user_id, added_at) \
                 SELECT u.company_id, g.id, u.id, ? FROM users u JOIN groups g ON g.company_id = u.company_id \
                 WHERE u.company_id = (SELECT id FROM companies WHERE name = ?) AND u.email = ? AND g.name_key = ?",
                params![at(created), demo.name, email.clone(), demo.groups[g].name.unique_key()],
            )?);
        }
        for &t in &person.tags {
            s.push(db.statement(
                "INSERT INTO user_tags (company_id, tag_id, user_id) \
                 SELECT u.company_id, t.id, u.id FROM users u JOIN tags t ON t.company_id = u.company_id \
                 WHERE u.company_id = (SELECT id FROM companies WHERE name = ?) AND u.email = ? AND t.name = ?",
                params![demo.name, email.clone(), demo.tags[t].as_str()],
            )?);
        }
        if let Some(days) = person.last_access_days_ago {
            s.push(db.statement(
                "INSERT INTO activity_events (company_id, user_id, kind, at) \
                 SELECT company_id, id, 'login', ? FROM users WHERE company_id = (SELECT id FROM companies WHERE name = ?) AND email = ?",
                params![at(days), demo.name, email],
            )?);
        }
    }
    for base in &demo.bases {
        s.push(db.statement(
            &format!("INSERT INTO thematic_bases (company_id, name) VALUES ({company_sql}, ?)"),
            params![demo.name, base.name],
        )?);
        for (title, kind) in &base.activities {
            s.push(db.statement(
                "INSERT INTO activities (company_id, base_id, type, title, created_by, created_at) \
                 SELECT b.company_id, b.id, ?, ?, (SELECT id FROM users WHERE company_id = b.company_id AND role = 'company_admin' LIMIT 1), ? \
                 FROM thematic_bases b WHERE b.company_id = (SELECT id FROM companies WHERE name = ?) AND b.name = ?",
                params![kind.code(), title.as_str(), at(100), demo.name, base.name],
            )?);
        }
    }
    db.batch(s).await?;
    Ok(())
}

/// Moves a job of the company `days` into the past: when it was asked,
/// finished and its last day. Gives how many jobs changed (0 or 1).
pub async fn age_job(db: &Db, company: CompanyId, id: &str, days: i64) -> ApiResult<usize> {
    let shift = format!("-{} days", days.clamp(0, 3650));
    let moved = |column: &str| format!("{column} = strftime('%Y-%m-%dT%H:%M:%SZ', {column}, ?)");
    db.run(
        &format!(
            "UPDATE jobs SET {}, {}, {} WHERE company_id = ? AND id = ?",
            moved("created_at"),
            moved("finished_at"),
            moved("expires_at")
        ),
        params![shift.clone(), shift.clone(), shift, company, id],
    )
    .await
}
