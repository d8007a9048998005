//! Who is asking: the company and administrator behind a request.

use roster_core::Language;
use roster_core::form::FormContext;
use roster_core::model::{CountryCode, Role};
use roster_core::time::Zone;

/// A company's id, as a type: repository functions on tenant data take one,
/// and the only way to get one for a request is [`Admin`], which comes from a
/// verified session or token — never from the request body or URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompanyId(i64);

impl CompanyId {
    /// Wraps an id read from a verified session, token or seeding row.
    pub(crate) const fn trusted(id: i64) -> Self {
        Self(id)
    }

    /// The id, for binding into SQL.
    pub const fn get(self) -> i64 {
        self.0
    }

    /// The id as D1 binds it.
    pub fn to_js_value(self) -> wasm_bindgen::JsValue {
        crate::db::Param::to_js(&self)
    }
}

/// The administrator a request acts for.
#[derive(Clone, Debug)]
pub struct Admin {
    /// Their company: every query of the request is scoped to it.
    pub company: CompanyId,
    /// Their user id.
    pub user_id: i64,
    /// Their role (team or company administrator).
    pub role: Role,
    /// The language they read.
    pub language: Language,
    /// Their company's calling code, for reading national mobile numbers.
    pub country_code: CountryCode,
    /// Their company's time zone, for invitation dates.
    pub time_zone: Zone,
    /// Whether their company imports invitation files (D1): without it,
    /// that import answers as absent.
    pub invitation_file_import: bool,
    /// How many licence seats their company bought.
    pub licence_capacity: u32,
}

impl Admin {
    /// What the user form is checked against when this administrator fills it.
    pub const fn form_context(&self) -> FormContext {
        FormContext { admin_language: self.language, admin_role: self.role, country_code: self.country_code }
    }
}
