//! The job queue: what a message carries, and handing a job to it.

use serde::{Deserialize, Serialize};
use worker::Env;

use crate::error::ApiResult;
use crate::tenant::CompanyId;

/// The message a job's queue carries: which job, of which company.
#[derive(Debug, Serialize, Deserialize)]
pub struct JobMessage {
    /// The job's id.
    pub job: String,
    /// Its company.
    pub company: i64,
}

impl JobMessage {
    /// The company the message names (messages come from this Worker only).
    pub const fn company(&self) -> CompanyId {
        CompanyId::trusted(self.company)
    }
}

/// Hands a recorded job to the queue.
pub async fn enqueue(env: &Env, company: CompanyId, job: &str) -> ApiResult<()> {
    env.queue("JOBS")?.send(JobMessage { job: job.to_owned(), company: company.get() }).await?;
    Ok(())
}
