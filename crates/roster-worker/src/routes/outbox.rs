//! `/api/v1/outbox`: the messages waiting to be sent, readable in the
//! console when it runs locally (K3).

use serde_json::json;
use worker::{Env, Request, Response};

use crate::db::{Db, exports};
use crate::error::{ApiError, ApiResult};
use crate::http::json;
use crate::{auth, platform};

/// The company's latest outbox messages; 404 outside a local run.
pub async fn list(req: &Request, db: &Db, env: &Env) -> ApiResult<Response> {
    if !platform::is_local(env) {
        return Err(ApiError::NotFound);
    }
    let admin = auth::admin(req, db).await?;
    json(200, &json!({ "items": exports::outbox(db, admin.company).await? }))
}
