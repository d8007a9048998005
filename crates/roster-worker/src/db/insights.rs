//! Monthly activity figures (A7, J5), read from the monthly table.

use roster_core::time::Timestamp;
use serde::Deserialize;

use super::{CompanyId, Db, DbResult, params};

/// Active users and accounts of each month from `first` (`2026-01`) on:
/// one index range of the monthly table.
pub async fn counted(db: &Db, company: CompanyId, first: &str) -> DbResult<Vec<(String, u64, u64)>> {
    #[derive(Deserialize)]
    struct Counted {
        month: String,
        users: u64,
        accounts: u64,
    }
    let rows: Vec<Counted> = db
        .all(
            "SELECT month, count(*) AS users, sum(signed_in) AS accounts FROM monthly_activity \
             WHERE company_id = ? AND month >= ? GROUP BY month ORDER BY month",
            params![company, first],
        )
        .await?;
    Ok(rows.into_iter().map(|m| (m.month, m.users, m.accounts)).collect())
}

/// The company's raw events since `since` (user and time): what the
/// figures are checked against, counted another way.
pub async fn raw_events(db: &Db, company: CompanyId, since: Timestamp) -> DbResult<Vec<(i64, String, bool)>> {
    #[derive(Deserialize)]
    struct Event {
        user_id: i64,
        at: String,
        login: i64,
    }
    let rows: Vec<Event> = db
        .all(
            "SELECT user_id, at, kind = 'login' AS login FROM activity_events \
             WHERE company_id = ? AND at >= ? AND user_id IS NOT NULL",
            params![company, since],
        )
        .await?;
    Ok(rows.into_iter().map(|e| (e.user_id, e.at, e.login != 0)).collect())
}
