//! `/api/v1/insights`: monthly active users and accounts over the last
//! twelve months (J5), in the company's time zone, and their charts.

use roster_core::Language;
use roster_core::insights::{self, Measure, MonthFigures};
use roster_core::permissions::{Need, Permission};
use serde_json::json;
use worker::{Request, Response};

use crate::caller::Caller;
use crate::db::{Db, insights as store};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, query_param};
use crate::{auth, platform};

const SEE: Need = Need::Permission(Permission::SeeStatistics);

/// The twelve months' figures of the caller's company, oldest first.
async fn twelve_months(db: &Db, caller: &Caller) -> ApiResult<Vec<MonthFigures>> {
    let months = insights::last_months(&caller.time_zone, platform::now());
    let counted = store::counted(db, caller.company, &months[0]).await?;
    Ok(insights::by_month(&months, &counted))
}

/// The twelve months' figures, oldest first, with what each counts.
pub async fn figures(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, SEE).await?;
    let definitions: serde_json::Map<String, serde_json::Value> =
        Measure::ALL.iter().map(|m| (m.code().to_owned(), m.definition(caller.language).into())).collect();
    json(
        200,
        &json!({
            "time_zone": caller.time_zone.name(),
            "months": twelve_months(db, &caller).await?,
            "definitions": definitions,
        }),
    )
}

/// One figure's chart as a PNG image (`mau.png`, `maa.png`), in the
/// caller's language or `?language=`: the same bytes the console draws.
pub async fn chart(req: &Request, db: &Db, file: &str) -> ApiResult<Response> {
    let caller = auth::caller(req, db, SEE).await?;
    let measure = file.strip_suffix(".png").and_then(|m| Measure::parse(m).ok()).ok_or(ApiError::NotFound)?;
    let language = match query_param(req, "language")? {
        None => caller.language,
        // The charts are written in French and English: another language is refused, not answered in English.
        Some(code) => match Language::parse(&code) {
            Ok(language @ (Language::Fr | Language::En)) => language,
            _ => return Err(ApiError::BadRequest(format!("The charts are drawn in “fr” or “en”, not “{code}”."))),
        },
    };
    let figures = twelve_months(db, &caller).await?;
    let png = insights::chart(&figures, measure, caller.time_zone.name(), language).layout().png(insights::PNG_SCALE);
    let mut resp = Response::from_bytes(png)?;
    let headers = resp.headers_mut();
    headers.set("content-type", "image/png")?;
    headers.set("cache-control", "no-store")?;
    headers.set("content-disposition", &crate::http::attachment(&format!("{}-12-months.png", measure.code())))?;
    Ok(resp)
}
