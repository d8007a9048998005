//! Stores the demo companies of a local console.

use roster_core::demo::{DemoCompany, DemoStaff};
use roster_core::permissions::Preset;
use roster_core::time::Timestamp;
use serde::Deserialize;
use serde_json::json;
use wasm_bindgen::JsValue;

use super::DbResult;
use super::users::{UserDates, insert_statement, stored_record};
use super::{CompanyId, Db, JsonRows, params};

#[derive(Deserialize)]
struct Existing {
    id: i64,
}

/// The id of the company with this name, if it exists.
pub async fn company_named(db: &Db, name: &str) -> DbResult<Option<CompanyId>> {
    let row: Option<Existing> = db.first("SELECT id FROM companies WHERE name = ?", params![name]).await?;
    Ok(row.map(|r| CompanyId::trusted(r.id)))
}

#[derive(Deserialize)]
struct ActivityAndAdmin {
    activity: i64,
    admin: i64,
}

/// The id of the company's activity with this title, and of its first
/// company administrator.
pub async fn activity_and_admin(db: &Db, company: CompanyId, title: &str) -> DbResult<Option<(i64, i64)>> {
    let row: Option<ActivityAndAdmin> = db
        .first(
            "SELECT a.id AS activity, u.id AS admin FROM activities a \
             JOIN users u ON u.company_id = a.company_id AND u.role = 'company_admin' \
             WHERE a.company_id = ? AND a.title = ? ORDER BY u.id LIMIT 1",
            params![company, title],
        )
        .await?;
    Ok(row.map(|r| (r.activity, r.admin)))
}

/// Sets the password of the company's administrator and staff (`emails`).
pub async fn set_staff_password(db: &Db, company: CompanyId, emails: &[String], hash: &str) -> DbResult<()> {
    db.run(
        "UPDATE users SET password_hash = ? WHERE company_id = ? AND email IN (SELECT value FROM json_each(?))",
        params![hash, company, serde_json::to_string(emails).unwrap_or_default()],
    )
    .await?;
    Ok(())
}

/// Stores a whole demo company in one transaction, so that an interrupted
/// seeding leaves nothing half-made. Users, memberships and sign-ins travel
/// as JSON rows, a few statements whatever the company's size. Dates are
/// counted back from `now`.
pub async fn store(db: &Db, demo: &DemoCompany, admin_password_hash: &str, now: Timestamp) -> DbResult<()> {
    use roster_core::model::UserStatus as S;
    let company_sql = "(SELECT id FROM companies WHERE name = ?)";
    let company_param = JsValue::from_str(demo.name);
    let at = |days_ago: u32| now.plus_days(-i64::from(days_ago)).to_string();
    let settings = roster_core::model::CompanySettings {
        licence_capacity: demo.licence_capacity(),
        invitation_file_import: demo.invitation_file_import,
        advanced_permissions: demo.advanced_permissions,
        ..Default::default()
    };
    let zone = settings.time_zone.clone();
    let settings = serde_json::to_string(&settings)?;
    let mut s = vec![db.statement(
        "INSERT INTO companies (name, plan, settings, created_at) VALUES (?, ?, ?, ?)",
        params![demo.name, demo.plan.code(), settings, at(800)],
    )?];
    let admin_dates = UserDates {
        status: S::Active,
        created_at: at(800),
        invited_at: Some(at(800)),
        activated_at: Some(at(799)),
        last_access_at: None,
    };
    let (mut users, mut members, mut tagged, mut logins) =
        (JsonRows::default(), JsonRows::default(), JsonRows::default(), JsonRows::default());
    users.push(&stored_record(demo.admin.record(), Some(admin_password_hash), &admin_dates));
    for staff in &demo.staff {
        users.push(&stored_record(staff.user.record(), Some(admin_password_hash), &admin_dates));
    }
    for person in &demo.users {
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
        users.push(&stored_record(user.record(), None, &dates));
        let Some(email) = user.email.as_ref().map(ToString::to_string) else { continue };
        for &g in &person.groups {
            members.push(&json!([email, demo.groups[g].name.unique_key(), at(created)]));
        }
        for &t in &person.tags {
            tagged.push(&json!([email, demo.tags[t].unique_key()]));
        }
        if let Some(days) = person.last_access_days_ago {
            let month = roster_core::insights::month_of(&zone, now.plus_days(-i64::from(days)));
            logins.push(&json!([email, at(days), month]));
        }
    }
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
    for (_, array) in users.arrays() {
        s.push(insert_statement(db, company_sql, &company_param, array)?);
    }
    links_by_email(db, &mut s, demo.name, [&members, &tagged, &logins])?;
    for base in &demo.bases {
        s.push(db.statement(
            &format!("INSERT INTO thematic_bases (company_id, name, name_key) VALUES ({company_sql}, ?, ?)"),
            params![demo.name, base.name, roster_core::text::key(base.name)],
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

/// Gives a staff member their profile and perimeter, found by names.
pub async fn give_staff(db: &Db, company: CompanyId, staff: &DemoStaff) -> DbResult<()> {
    let email = staff.user.email.as_ref().map(ToString::to_string).unwrap_or_default();
    // Keys as stored: groups' folded names, bases' keys.
    let keys = |names: &[&str], key: fn(&str) -> String| {
        serde_json::to_string(&names.iter().map(|n| key(n)).collect::<Vec<_>>())
    };
    let groups = keys(&staff.groups, roster_core::text::fold)?;
    let bases = keys(staff.bases.as_deref().unwrap_or_default(), roster_core::text::key)?;
    let user = "SELECT id FROM users WHERE company_id = ?1 AND email = ?2";
    db.batch(vec![
        db.statement(
            "UPDATE users SET perimeter_all_bases = ?3 WHERE company_id = ?1 AND email = ?2",
            params![company, email.clone(), i64::from(staff.bases.is_none())],
        )?,
        db.statement(
            &format!(
                "INSERT INTO user_profiles (company_id, user_id, profile_id) SELECT ?1, ({user}), id \
                 FROM permission_profiles WHERE company_id = ?1 AND preset = ?3"
            ),
            params![company, email.clone(), staff.preset.map(Preset::code)],
        )?,
        db.statement(
            &format!(
                "INSERT INTO user_allowed_groups (company_id, user_id, group_id) SELECT ?1, ({user}), id \
                 FROM groups WHERE company_id = ?1 AND name_key IN (SELECT value FROM json_each(?3))"
            ),
            params![company, email.clone(), groups],
        )?,
        db.statement(
            &format!(
                "INSERT INTO user_allowed_bases (company_id, user_id, base_id) SELECT ?1, ({user}), id \
                 FROM thematic_bases WHERE company_id = ?1 AND name_key IN (SELECT value FROM json_each(?3))"
            ),
            params![company, email, bases],
        )?,
    ])
    .await?;
    Ok(())
}

/// Moves a job of the company `days` into the past: when it was asked,
/// finished and its last day. Gives how many jobs changed (0 or 1).
pub async fn age_job(db: &Db, company: CompanyId, id: &str, days: i64) -> DbResult<usize> {
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

/// Moves a pending invitation of the company `days` into the past.
pub async fn age_invitation(db: &Db, company: CompanyId, id: i64, days: i64) -> DbResult<usize> {
    let shift = format!("-{} days", days.clamp(0, 3650));
    let moved = |column: &str| format!("{column} = strftime('%Y-%m-%dT%H:%M:%SZ', {column}, ?)");
    db.run(
        &format!(
            "UPDATE signup_invitations SET {}, {} WHERE company_id = ? AND id = ? AND used_at IS NULL",
            moved("sent_at"),
            moved("expires_at")
        ),
        params![shift.clone(), shift, company, id],
    )
    .await
}

/// Records `count` finished exports of the company, each with one file,
/// in two statements.
pub async fn fill_jobs(db: &Db, company: CompanyId, actor: i64, count: u32, now: Timestamp) -> DbResult<()> {
    let finished = now.to_string();
    let expires = roster_core::jobs::files_expire_at(now).to_string();
    let params = r#"{"format":"csv","language":"en","origin":""}"#;
    db.batch(vec![
        db.statement(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) \
             INSERT INTO jobs (id, company_id, kind, subject, status, progress, requested_by, params, result, \
             created_at, finished_at, expires_at) \
             SELECT 'filled-' || lower(hex(randomblob(8))) || '-' || i, ?, 'export', 'users', 'done', 100, ?, ?, '{}', ?, ?, ? FROM n",
            params![count, company, actor, params, finished.clone(), finished, expires],
        )?,
        db.statement(
            "INSERT INTO job_files (company_id, job_id, name, object_key, bytes, rows) \
             SELECT company_id, id, 'active-users.csv', 'filled/' || id, 0, 0 FROM jobs \
             WHERE company_id = ? AND id LIKE 'filled-%' AND id NOT IN (SELECT job_id FROM job_files WHERE company_id = ?)",
            params![company, company],
        )?,
    ])
    .await?;
    Ok(())
}

/// The statements that store a demo company's memberships, tags and
/// sign-ins, each row naming its user by e-mail: `[email, key, …]`.
fn links_by_email(
    db: &Db,
    s: &mut Vec<worker::D1PreparedStatement>,
    company: &str,
    [members, tagged, logins]: [&JsonRows; 3],
) -> DbResult<()> {
    let company_sql = "(SELECT id FROM companies WHERE name = ?)";
    let links = [
        (
            members,
            "group_users (company_id, group_id, user_id, added_at)",
            "u.company_id, g.id, u.id, json_extract(r.value, '$[2]')",
            "JOIN groups g ON g.company_id = u.company_id AND g.name_key = json_extract(r.value, '$[1]')",
        ),
        (
            tagged,
            "user_tags (company_id, tag_id, user_id)",
            "u.company_id, t.id, u.id",
            "JOIN tags t ON t.company_id = u.company_id AND t.name_key = json_extract(r.value, '$[1]')",
        ),
        (
            logins,
            "activity_events (company_id, user_id, kind, at)",
            "u.company_id, u.id, 'login', json_extract(r.value, '$[1]')",
            "",
        ),
        // Each seeded user signs in once: one active month each.
        (
            logins,
            "monthly_activity (company_id, month, user_id, signed_in)",
            "u.company_id, json_extract(r.value, '$[2]'), u.id, 1",
            "",
        ),
    ];
    for (rows, table, select, join) in links {
        let sql = format!(
            "INSERT INTO {table} SELECT {select} FROM json_each(?) r JOIN users u ON u.company_id = {company_sql} \
             AND u.email = json_extract(r.value, '$[0]') {join}"
        );
        for (_, array) in rows.arrays() {
            s.push(db.statement(&sql, params![array.as_str(), company])?);
        }
    }
    Ok(())
}

/// Makes `share`'s group with the first active members of its owner,
/// shares it with its partner and puts the partner's first active members
/// in it; changes nothing when done already.
pub async fn share_group(db: &Db, share: &roster_core::demo::DemoShare, now: Timestamp) -> DbResult<()> {
    let at = now.to_string();
    let name = roster_core::model::GroupName::parse(share.group)
        .map_err(|e| super::DbError::Platform(format!("demo group name: {e:?}")))?;
    let group = "SELECT g.id FROM groups g JOIN companies o ON o.id = g.company_id WHERE o.name = ?1 AND g.name = ?2";
    // The first `count` active members of company `?3`, placed once.
    let members = |count: u32, company: &str| -> DbResult<worker::D1PreparedStatement> {
        db.statement(
            &format!(
                "INSERT OR IGNORE INTO group_users (company_id, group_id, user_id, added_at) \
                 SELECT u.company_id, ({group}), u.id, ?4 FROM users u JOIN companies p ON p.id = u.company_id \
                 WHERE p.name = ?3 AND u.status = 'active' AND u.role = 'member' \
                 AND NOT EXISTS (SELECT 1 FROM group_users m WHERE m.group_id = ({group}) AND m.company_id = p.id) \
                 ORDER BY u.id LIMIT ?5"
            ),
            params![share.owner, share.group, company, at.clone(), count],
        )
    };
    db.batch(vec![
        db.statement(
            "INSERT OR IGNORE INTO groups (company_id, name, name_key, created_at) \
             SELECT id, ?, ?, ? FROM companies WHERE name = ?",
            params![name.as_str(), name.unique_key(), at.clone(), share.owner],
        )?,
        db.statement(
            &format!(
                "INSERT OR IGNORE INTO group_partners (group_id, company_id, owner_id, shared_at) \
                 SELECT g.id, p.id, g.company_id, ?4 FROM groups g, companies p \
                 WHERE g.id = ({group}) AND p.name = ?3"
            ),
            params![share.owner, share.group, share.partner, at.clone()],
        )?,
        members(share.owner_members, share.owner)?,
        members(share.partner_members, share.partner)?,
    ])
    .await?;
    Ok(())
}
