//! The D1 repository: every SQL statement of the product lives below this
//! module. Every function on tenant data takes a [`CompanyId`] and every
//! statement on a tenant table filters by it.

pub mod access;
pub mod activities;
pub mod activity_invitations;
pub mod audit;
pub mod bulk;
pub mod companies;
pub mod contacts;
pub mod demo;
pub mod exports;
pub mod groups;
pub mod idempotency;
pub mod imports;
pub mod insights;
pub mod invitation_imports;
pub mod jobs;
pub mod outbox;
pub mod password_links;
pub mod profiles;
pub mod public_links;
pub mod simple_invitations;
pub mod tags;
pub mod users;

use std::cell::RefCell;

use roster_core::budget::{self, BudgetError, StatementCount};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use worker::{D1Database, D1PreparedStatement, D1Result, Env};

#[allow(unused_imports)] // used by the repository modules
pub use crate::tenant::CompanyId;

/// What the repository fails with; the HTTP layer maps it once.
#[derive(Debug)]
pub enum DbError {
    /// A UNIQUE constraint refused the change: two requests raced past
    /// the same check, or the caller asked for a taken name.
    Unique(String),
    /// The statement would break one of the database's hard limits; it
    /// was not sent. Always a fault of ours.
    Budget(BudgetError),
    /// The database or the platform failed.
    Platform(String),
}

impl From<worker::Error> for DbError {
    fn from(e: worker::Error) -> Self {
        let detail = e.to_string();
        if detail.contains("UNIQUE constraint failed") { Self::Unique(detail) } else { Self::Platform(detail) }
    }
}

impl From<serde_json::Error> for DbError {
    fn from(e: serde_json::Error) -> Self {
        Self::Platform(e.to_string())
    }
}

/// The result of a repository function.
pub type DbResult<T> = Result<T, DbError>;

/// A value bound into a statement. D1 takes numbers as doubles (no `BigInt`).
pub trait Param {
    /// The value as D1 receives it.
    fn to_js(&self) -> JsValue;
}

impl Param for &str {
    fn to_js(&self) -> JsValue {
        JsValue::from_str(self)
    }
}
impl Param for String {
    fn to_js(&self) -> JsValue {
        JsValue::from_str(self)
    }
}
impl Param for i64 {
    #[allow(clippy::cast_precision_loss)] // ids and counts stay far below 2^53
    fn to_js(&self) -> JsValue {
        JsValue::from_f64(*self as f64)
    }
}
impl Param for usize {
    #[allow(clippy::cast_precision_loss)] // row counts stay far below 2^53
    fn to_js(&self) -> JsValue {
        JsValue::from_f64(*self as f64)
    }
}
impl Param for u32 {
    fn to_js(&self) -> JsValue {
        JsValue::from_f64(f64::from(*self))
    }
}
impl Param for bool {
    fn to_js(&self) -> JsValue {
        JsValue::from_f64(if *self { 1.0 } else { 0.0 })
    }
}
impl Param for CompanyId {
    fn to_js(&self) -> JsValue {
        self.get().to_js()
    }
}

impl CompanyId {
    /// The id as D1 binds it.
    pub fn to_js_value(self) -> JsValue {
        self.to_js()
    }
}
impl Param for roster_core::time::Timestamp {
    fn to_js(&self) -> JsValue {
        JsValue::from_str(&self.to_string())
    }
}
impl<T: Param> Param for Option<T> {
    fn to_js(&self) -> JsValue {
        self.as_ref().map_or(JsValue::NULL, Param::to_js)
    }
}

/// Builds the parameter list of a statement from values of mixed types.
macro_rules! params {
    ($($value:expr),* $(,)?) => {
        &[$($crate::db::Param::to_js(&$value)),*]
    };
}
pub(crate) use params;

/// The database of the product, for one invocation: every statement is
/// checked against the database's limits before it is sent, and counted.
pub struct Db {
    d1: D1Database,
    sent: RefCell<StatementCount>,
}

impl Db {
    /// The `DB` binding of the Worker.
    pub fn from_env(env: &Env) -> DbResult<Self> {
        Ok(Self { d1: env.d1("DB")?, sent: RefCell::default() })
    }

    /// A statement with its parameters bound, for [`Db::batch`]; refused
    /// when it breaks a limit.
    pub fn statement(&self, sql: &str, params: &[JsValue]) -> DbResult<D1PreparedStatement> {
        let longest = params.iter().map(bound_text_bytes).max().unwrap_or(0);
        budget::check_statement(sql, params.len(), longest).map_err(DbError::Budget)?;
        Ok(self.d1.prepare(sql).bind(params)?)
    }

    /// How many statements this invocation sent so far.
    pub fn statements_used(&self) -> u32 {
        self.sent.borrow().used()
    }

    fn count(&self, statements: usize) -> DbResult<()> {
        self.sent.borrow_mut().take(statements).map_err(DbError::Budget)
    }

    /// Every row of a query.
    pub async fn all<T: DeserializeOwned>(&self, sql: &str, params: &[JsValue]) -> DbResult<Vec<T>> {
        let statement = self.statement(sql, params)?;
        self.count(1)?;
        let result = statement.all().await?;
        if let Some(error) = result.error() {
            return Err(DbError::Platform(error));
        }
        Ok(result.results()?)
    }

    /// The first row of a query, if any.
    pub async fn first<T: DeserializeOwned>(&self, sql: &str, params: &[JsValue]) -> DbResult<Option<T>> {
        let statement = self.statement(sql, params)?;
        self.count(1)?;
        Ok(statement.first(None).await?)
    }

    /// Runs a statement; returns how many rows it changed.
    pub async fn run(&self, sql: &str, params: &[JsValue]) -> DbResult<usize> {
        let statement = self.statement(sql, params)?;
        self.count(1)?;
        let result = statement.run().await?;
        Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0))
    }

    /// Runs statements in one transaction: all of them or none.
    pub async fn batch(&self, statements: Vec<D1PreparedStatement>) -> DbResult<Vec<D1Result>> {
        self.count(statements.len())?;
        Ok(self.d1.batch(statements).await?)
    }
}

/// The UTF-8 size of a bound text (0 for numbers and nulls). A JavaScript
/// string of n UTF-16 units takes at most 3n bytes, so only a text that
/// could be near the limit is copied out to be measured exactly.
fn bound_text_bytes(value: &JsValue) -> usize {
    let Some(text) = value.dyn_ref::<js_sys::JsString>() else {
        return 0;
    };
    let upper = text.length() as usize * 3;
    if upper <= budget::MAX_VALUE_BYTES { upper } else { value.as_string().map_or(upper, |s| s.len()) }
}

/// Bytes of rows bound as one JSON text in one statement: far below the
/// largest value a statement may bind, and few statements even for the
/// largest import.
pub const JSON_ROWS_BYTES: usize = 256 * 1024;

/// Rows packed as JSON arrays of at most [`JSON_ROWS_BYTES`] each, for
/// statements that read them with `json_each(?)`: one bound parameter
/// carries hundreds of rows, so no statement nears the parameter limit and
/// an import needs few statements. Each array comes with the index of its
/// first row.
#[derive(Default)]
pub struct JsonRows {
    arrays: Vec<(usize, String)>,
    rows: usize,
}

impl JsonRows {
    /// Adds a row.
    pub fn push(&mut self, row: &serde_json::Value) {
        let text = row.to_string();
        match self.arrays.last_mut() {
            Some((_, array)) if array.len() + text.len() < JSON_ROWS_BYTES => {
                array.pop();
                array.push(',');
            }
            _ => self.arrays.push((self.rows, String::from("["))),
        }
        if let Some((_, array)) = self.arrays.last_mut() {
            array.push_str(&text);
            array.push(']');
        }
        self.rows += 1;
    }

    /// The arrays, each with the index of its first row.
    pub fn arrays(&self) -> &[(usize, String)] {
        &self.arrays
    }
}

/// Reads an SQL truth value (D1 returns `0`/`1` numbers) as a `bool`.
pub fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(<f64 as serde::Deserialize>::deserialize(d)? != 0.0)
}

/// True when every one of `ids` is a row of `table` of the company that
/// `narrow` (a condition on the table, with its parameters) lets through:
/// one count, whatever the number of ids.
pub async fn all_found(
    db: &Db,
    company: CompanyId,
    table: &str,
    ids: &[i64],
    narrow: (&str, Vec<JsValue>),
) -> DbResult<bool> {
    #[derive(serde::Deserialize)]
    struct Count {
        n: usize,
    }
    if ids.is_empty() {
        return Ok(true);
    }
    let (condition, extra) = narrow;
    let mut binds = params![company, serde_json::to_string(ids).unwrap_or_default()].to_vec();
    binds.extend(extra);
    let sql = format!(
        "SELECT count(*) AS n FROM {table} WHERE company_id = ? AND id IN (SELECT value FROM json_each(?)){condition}"
    );
    let found: Option<Count> = db.first(&sql, &binds).await?;
    let distinct: std::collections::HashSet<_> = ids.iter().collect();
    Ok(found.is_some_and(|c| c.n == distinct.len()))
}

/// How many rows statement `i` of a batch changed (0 when it says nothing).
pub fn changed(results: &[D1Result], i: usize) -> usize {
    results.get(i).and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0)
}

/// The id an `INSERT … RETURNING id` gave, first statement of a batch.
pub fn returned_id(results: &[D1Result]) -> DbResult<i64> {
    #[derive(serde::Deserialize)]
    struct NewId {
        id: i64,
    }
    results
        .first()
        .and_then(|r| r.results::<NewId>().ok())
        .and_then(|rows| rows.into_iter().next())
        .map(|row| row.id)
        .ok_or_else(|| DbError::Platform("insert returned no id".into()))
}
