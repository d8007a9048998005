//! `/api/v1/outbox`: the messages sent and waiting, readable in the
//! console when it runs locally (K3), where it stands in for the mailbox.

use serde_json::json;
use worker::{Env, Request, Response};

use crate::db::{Db, outbox};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, query_param};
use crate::{auth, platform};

/// The company's latest messages (to `?recipient=` when given); 404
/// outside a local run.
pub async fn list(req: &Request, db: &Db, env: &Env) -> ApiResult<Response> {
    if !platform::is_local(env) {
        return Err(ApiError::NotFound);
    }
    let caller = auth::caller(req, db, roster_core::permissions::Need::Administrator).await?;
    let recipient = query_param(req, "recipient")?;
    json(200, &json!({ "items": outbox::recent(db, caller.company, recipient.as_deref()).await? }))
}
