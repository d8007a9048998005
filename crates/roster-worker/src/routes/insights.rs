//! `/api/v1/insights`: monthly active users and accounts over the last
//! twelve months (J5), in the company's time zone.

use roster_core::insights::{self, Measure};
use roster_core::permissions::{Need, Permission};
use serde_json::json;
use worker::{Request, Response};

use crate::db::{Db, insights as store};
use crate::error::ApiResult;
use crate::http::json;
use crate::{auth, platform};

/// The twelve months' figures, oldest first, with what each counts.
pub async fn figures(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, Need::Permission(Permission::SeeStatistics)).await?;
    let months = insights::last_months(&caller.time_zone, platform::now());
    let counted = store::counted(db, caller.company, &months[0]).await?;
    let definitions: serde_json::Map<String, serde_json::Value> =
        Measure::ALL.iter().map(|m| (m.code().to_owned(), m.definition(caller.language).into())).collect();
    json(
        200,
        &json!({
            "time_zone": caller.time_zone.name(),
            "months": insights::by_month(&months, &counted),
            "definitions": definitions,
        }),
    )
}
