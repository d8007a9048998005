//! `/api/v1/audit`: the company's audit log (K2), for company administrators.

use serde_json::json;
use worker::{Request, Response};

use super::{json, query_param};
use crate::auth;
use crate::db::{Db, audit};
use crate::error::{ApiError, ApiResult};

/// The latest entries, newest first: `?action=` narrows, `?limit=` (1–500).
pub async fn list(req: &Request, db: &Db) -> ApiResult<Response> {
    let admin = auth::admin(req, db).await?;
    if admin.role != roster_core::model::Role::CompanyAdmin {
        return Err(ApiError::Forbidden("Only company administrators read the audit log."));
    }
    let action = query_param(req, "action")?.filter(|a| !a.is_empty());
    let limit = query_param(req, "limit")?.and_then(|l| l.parse::<u32>().ok()).unwrap_or(100).clamp(1, 500);
    let entries = audit::recent(db, admin.company, action.as_deref(), limit).await?;
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
