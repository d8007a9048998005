//! `/api/v1/audit`: the company's audit log (K2), for company administrators.

use serde_json::json;
use worker::{Request, Response};

use crate::auth;
use crate::db::{Db, audit};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, query_number, query_param};

/// The latest entries, newest first: `?action=` narrows, `?limit=` (1–500).
pub async fn list(req: &Request, db: &Db) -> ApiResult<Response> {
    let caller = auth::caller(req, db, roster_core::permissions::Need::CompanyAdministrator).await?;
    let action = query_param(req, "action")?;
    if action.as_deref().is_some_and(|a| a.trim().is_empty() || a.len() > 64) {
        return Err(ApiError::BadRequest("“action” must be an action name such as group.create.".into()));
    }
    let limit = query_number(req, "limit", (1, 500), 100)?;
    let entries = audit::recent(db, caller.company, action.as_deref(), limit).await?;
    let items: Vec<_> = entries
        .into_iter()
        .map(|e| {
            let mut value = json!(e);
            value["detail"] = serde_json::from_str(&e.detail).unwrap_or_default();
            value
        })
        .collect();
    json(200, &json!({ "items": items }))
}
