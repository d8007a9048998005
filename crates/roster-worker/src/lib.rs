//! Roster's server on Cloudflare Workers: the JSON API under `/api/v1`, stored
//! in D1. The console's static files are served beside it from `www/`.
//!
//! This crate translates between HTTP, D1 and the core; business rules live
//! in `roster-core`. All SQL lives in [`db`].

mod auth;
mod caller;
mod consumer;
mod db;
mod error;
mod files;
mod http;
mod idempotency;
mod platform;
mod queue;
mod routes;
mod scheduler;
mod tenant;
mod views;

use worker::{Context, Env, MessageBatch, Request, Response, ScheduleContext, ScheduledEvent, event};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    Ok(http::secure(routes::handle(req, &env).await.unwrap_or_else(error::ApiError::into_response)))
}

#[event(queue)]
async fn queue(batch: MessageBatch<queue::JobMessage>, env: Env, _ctx: Context) -> worker::Result<()> {
    consumer::consume(batch, &env).await
}

/// The hourly cron deletes expired files; the one of every minute sends
/// what fell due (invitation rounds, then the outbox).
#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    if event.cron() == CLEANUP_CRON {
        match consumer::clean_expired(&env).await {
            Ok(deleted) => worker::console_log!("cleanup: {deleted} expired file(s) deleted"),
            Err(e) => worker::console_error!("cleanup failed: {e:?}"),
        }
        return;
    }
    let run = async {
        let db = db::Db::from_env(&env)?;
        scheduler::run(&db, platform::now(), None, &scheduler::Sender::from_env(&env)).await
    };
    match run.await {
        Ok(report) => worker::console_log!("scheduler: {report:?}"),
        Err(e) => worker::console_error!("scheduler failed: {e:?}"),
    }
}

/// The cron of the hourly cleanup, as written in `wrangler.toml`.
const CLEANUP_CRON: &str = "17 * * * *";
