//! The D1 repository: every SQL statement of the product lives below this
//! module. Every function on tenant data takes a [`CompanyId`] and every
//! statement on a tenant table filters by it.

pub mod access;
pub mod audit;
pub mod companies;
pub mod demo;
pub mod exports;
pub mod groups;
pub mod imports;
pub mod jobs;
pub mod users;

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result, Env};

use crate::error::{ApiError, ApiResult};
#[allow(unused_imports)] // used by the repository modules
pub use crate::tenant::CompanyId;

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

/// The database of the product.
pub struct Db(D1Database);

impl Db {
    /// The `DB` binding of the Worker.
    pub fn from_env(env: &Env) -> ApiResult<Self> {
        Ok(Self(env.d1("DB")?))
    }

    /// A statement with its parameters bound, for [`Db::batch`].
    pub fn statement(&self, sql: &str, params: &[JsValue]) -> ApiResult<D1PreparedStatement> {
        Ok(self.0.prepare(sql).bind(params)?)
    }

    /// Every row of a query.
    pub async fn all<T: DeserializeOwned>(&self, sql: &str, params: &[JsValue]) -> ApiResult<Vec<T>> {
        let result = self.statement(sql, params)?.all().await?;
        if let Some(error) = result.error() {
            return Err(ApiError::Internal(error));
        }
        Ok(result.results()?)
    }

    /// The first row of a query, if any.
    pub async fn first<T: DeserializeOwned>(&self, sql: &str, params: &[JsValue]) -> ApiResult<Option<T>> {
        Ok(self.statement(sql, params)?.first(None).await?)
    }

    /// Runs a statement; returns how many rows it changed.
    pub async fn run(&self, sql: &str, params: &[JsValue]) -> ApiResult<usize> {
        let result = self.statement(sql, params)?.run().await?;
        Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0))
    }

    /// Runs statements in one transaction: all of them or none.
    pub async fn batch(&self, statements: Vec<D1PreparedStatement>) -> ApiResult<Vec<D1Result>> {
        Ok(self.0.batch(statements).await?)
    }
}

/// True when a D1 error is a broken UNIQUE constraint (two requests racing
/// past the same check).
pub fn is_unique_violation(error: &ApiError) -> bool {
    matches!(error, ApiError::Internal(detail) if detail.contains("UNIQUE constraint failed"))
}

/// Reads an SQL truth value (D1 returns `0`/`1` numbers) as a `bool`.
pub fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(<f64 as serde::Deserialize>::deserialize(d)? != 0.0)
}

/// The id an `INSERT … RETURNING id` gave, first statement of a batch.
pub fn returned_id(results: &[D1Result]) -> ApiResult<i64> {
    #[derive(serde::Deserialize)]
    struct NewId {
        id: i64,
    }
    results
        .first()
        .and_then(|r| r.results::<NewId>().ok())
        .and_then(|rows| rows.into_iter().next())
        .map(|row| row.id)
        .ok_or_else(|| ApiError::Internal("insert returned no id".into()))
}
