//! Who is asking: the company and administrator behind a request.

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
}
