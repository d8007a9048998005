//! Invitation file imports (D1–D5): the company as the file is checked
//! against, and the claims of a checked plan, row after row, in a few
//! set-based statements however many rows.

use roster_core::import::invitations::{
    Plan, Snapshot, SnapshotActivity, SnapshotContact, SnapshotGroup, SnapshotUser,
};
use roster_core::model::{ActivityType, UserStatus};
use roster_core::time::Zone;
use serde::Deserialize;
use serde_json::json;

use roster_core::jobs as rules;

use super::{CompanyId, Db, DbError, DbResult, JsonRows, jobs, params};

/// Reads a stored vocabulary code.
fn code<T>(parsed: Result<T, impl std::fmt::Display>) -> DbResult<T> {
    parsed.map_err(|e| DbError::Platform(format!("stored code: {e}")))
}

/// The company's activities, groups with their members, users and contacts
/// as an invitation file is checked against; dates are read in `zone`.
pub async fn snapshot(db: &Db, company: CompanyId, zone: Zone) -> DbResult<Snapshot> {
    #[derive(Deserialize)]
    struct Activity {
        id: i64,
        kind: String,
        title: String,
        #[serde(deserialize_with = "super::flag")]
        archived: bool,
    }
    #[derive(Deserialize)]
    struct Group {
        id: i64,
        name: String,
        #[serde(deserialize_with = "super::flag")]
        archived: bool,
    }
    #[derive(Deserialize)]
    struct User {
        id: i64,
        email: Option<String>,
        mobile: Option<String>,
        employee_id: Option<String>,
        status: String,
        sort_key: String,
    }
    let activities: Vec<Activity> = db
        .all(
            "SELECT id, type AS kind, title, archived_at IS NOT NULL AS archived FROM activities \
             WHERE company_id = ? ORDER BY id",
            params![company],
        )
        .await?;
    let groups: Vec<Group> = db
        .all(
            "SELECT id, name, archived_at IS NOT NULL AS archived FROM groups WHERE company_id = ? ORDER BY id",
            params![company],
        )
        .await?;
    let users: Vec<User> = db
        .all(
            "SELECT id, email, mobile, employee_id, status, sort_key FROM users WHERE company_id = ? ORDER BY id",
            params![company],
        )
        .await?;
    let contacts: Vec<SnapshotContact> = db
        .all("SELECT id, sort_key FROM contacts WHERE company_id = ? AND user_id IS NULL ORDER BY id", params![company])
        .await?;
    let mut snapshot = Snapshot {
        time_zone: zone,
        activities: activities
            .into_iter()
            .map(|a| {
                Ok(SnapshotActivity {
                    id: a.id,
                    kind: code(ActivityType::parse(&a.kind))?,
                    title: a.title,
                    archived: a.archived,
                })
            })
            .collect::<DbResult<_>>()?,
        groups: groups
            .into_iter()
            .map(|g| SnapshotGroup { id: g.id, name: g.name, archived: g.archived, ..SnapshotGroup::default() })
            .collect(),
        users: users
            .into_iter()
            .map(|u| {
                Ok(SnapshotUser {
                    id: u.id,
                    email: u.email,
                    mobile: u.mobile,
                    employee_id: u.employee_id,
                    status: code(UserStatus::parse(&u.status))?,
                    sort_key: u.sort_key,
                })
            })
            .collect::<DbResult<_>>()?,
        contacts,
    };
    add_members(db, company, &mut snapshot.groups).await?;
    Ok(snapshot)
}

/// Fills each group's users and contacts (`groups` sorted by id).
async fn add_members(db: &Db, company: CompanyId, groups: &mut [SnapshotGroup]) -> DbResult<()> {
    #[derive(Deserialize)]
    struct Member {
        group_id: i64,
        id: i64,
    }
    let users: Vec<Member> = db
        .all("SELECT group_id, user_id AS id FROM group_users WHERE company_id = ? ORDER BY group_id", params![company])
        .await?;
    let contacts: Vec<Member> = db
        .all(
            "SELECT m.group_id, m.contact_id AS id FROM group_contacts m JOIN contacts c ON c.id = m.contact_id \
             AND c.company_id = m.company_id WHERE m.company_id = ? AND c.user_id IS NULL ORDER BY m.group_id",
            params![company],
        )
        .await?;
    // Groups are sorted by id: each membership finds its group by halving.
    for (members, of_users) in [(users, true), (contacts, false)] {
        for Member { group_id, id } in members {
            let Ok(at) = groups.binary_search_by_key(&group_id, |g| g.id) else { continue };
            let group = &mut groups[at];
            if of_users { group.users.push(id) } else { group.contacts.push(id) }
        }
    }
    Ok(())
}

/// Statements per batch while staging (a batch is one transaction).
const STATEMENTS_PER_BATCH: usize = 8;

/// Planned recipients claimed per statement at most (a row's invitation is
/// never cut: one row of a larger group is claimed alone).
const CLAIM_PEOPLE: usize = 20_000;

/// Writes the plan's invitations to staging, each numbered by its place in
/// the file (its part), then claims their people in file order, so that
/// a person two rows invite to the same activity goes with the first.
/// Reports progress from `from` to `to` percent.
pub async fn stage_and_claim(
    db: &Db,
    company: CompanyId,
    job: &str,
    plan: &Plan,
    (from, to): (i64, i64),
) -> DbResult<()> {
    // A run taken over from an interrupted one starts its claims again.
    db.run(
        "DELETE FROM activity_invitees WHERE company_id = ? AND job_id = ? AND invitation_id IS NULL",
        params![company, job],
    )
    .await?;
    let mut rows = JsonRows::default();
    for invitation in &plan.invitations {
        rows.push(
            &json!({ "activity_id": invitation.activity_id, "groups": invitation.groups, "user": invitation.user }),
        );
    }
    let chunks = rows.arrays().chunks(STATEMENTS_PER_BATCH).len();
    let mut claims = Vec::new();
    let (mut first, mut people) = (0usize, 0usize);
    for (part, invitation) in plan.invitations.iter().enumerate() {
        if people > 0 && people + invitation.recipients > CLAIM_PEOPLE {
            claims.push((first, part - 1));
            (first, people) = (part, 0);
        }
        people += invitation.recipients + 1;
    }
    if !plan.invitations.is_empty() {
        claims.push((first, plan.invitations.len() - 1));
    }
    let steps = (chunks + claims.len()) as u64;
    let progress =
        |done: usize| jobs::progress_statement(db, company, job, rules::progress(from, to, done as u64, steps));
    for (done, batch) in rows.arrays().chunks(STATEMENTS_PER_BATCH).enumerate() {
        let mut statements = Vec::with_capacity(batch.len() + 1);
        for (first, array) in batch {
            statements.push(db.statement(
                "INSERT INTO import_staging (job_id, seq, kind, payload) SELECT ?, ? + key, 'invitation', value FROM json_each(?)",
                params![job, *first, array.as_str()],
            )?);
        }
        statements.push(progress(done + 1)?);
        db.batch(statements).await?;
    }
    for (done, (from, to)) in claims.into_iter().enumerate() {
        let claim = db.statement(
            &claim_sql(),
            params![job, from, to, company, company, company, company, company, company, company, job],
        )?;
        db.batch(vec![claim, progress(chunks + done + 1)?]).await?;
    }
    db.run("DELETE FROM import_staging WHERE job_id = ?", params![job]).await?;
    Ok(())
}

/// Claims the people of the staged rows `from..=to`: members of their
/// groups that are not archived (contacts that became users are theirs),
/// or their one user; never a deactivated or deleted user, never someone
/// invited to the activity already. Joins run in a fixed order, as for
/// invitations from the console.
fn claim_sql() -> String {
    let active = "u.status NOT IN ('inactive', 'deleted')";
    format!(
        "WITH rows(part, activity_id, payload) AS ( \
           SELECT seq, json_extract(payload, '$.activity_id'), payload FROM import_staging \
           WHERE job_id = ? AND kind = 'invitation' AND seq BETWEEN ? AND ?), \
         picked(part, activity_id, group_id) AS ( \
           SELECT r.part, r.activity_id, g.id FROM rows r CROSS JOIN json_each(r.payload, '$.groups') j \
           CROSS JOIN groups g ON g.company_id = ? AND g.id = j.value AND g.archived_at IS NULL), \
         people(part, activity_id, user_id, contact_id, sort_key) AS ( \
           SELECT p.part, p.activity_id, u.id, NULL, u.sort_key FROM picked p \
             CROSS JOIN group_users m ON m.group_id = p.group_id AND +m.company_id = ? \
             CROSS JOIN users u ON u.id = m.user_id AND u.company_id = ? WHERE {active} \
           UNION ALL SELECT r.part, r.activity_id, u.id, NULL, u.sort_key FROM rows r \
             CROSS JOIN users u ON u.id = json_extract(r.payload, '$.user') AND u.company_id = ? WHERE {active} \
           UNION ALL SELECT p.part, p.activity_id, NULL, c.id, c.sort_key FROM picked p \
             CROSS JOIN group_contacts m ON m.group_id = p.group_id AND +m.company_id = ? \
             CROSS JOIN contacts c ON c.id = m.contact_id AND c.company_id = ? WHERE c.user_id IS NULL) \
         INSERT OR IGNORE INTO activity_invitees (company_id, activity_id, job_id, part, user_id, contact_id, sort_key) \
         SELECT ?, activity_id, ?, part, user_id, contact_id, sort_key FROM people ORDER BY part"
    )
}
