//! Who is asking: the signed-in user a request acts for, and what they may
//! do. Their company is a [`CompanyId`].

use roster_core::Language;
use roster_core::form::FormContext;
use roster_core::model::{CountryCode, OptionalField, Role};
use roster_core::permissions::{self, Actor, Denial, Need, Permission, Target};
use roster_core::time::Zone;

use crate::db::users::{Bounds, Sight};
use crate::error::{ApiError, ApiResult};
use crate::tenant::CompanyId;

/// The signed-in user a request acts for: an administrator, or, with
/// advanced permissions, a user holding permissions.
#[derive(Clone, Debug)]
pub struct Caller {
    /// Their company: every query of the request is scoped to it.
    pub company: CompanyId,
    /// Who they are and what they may do.
    pub actor: Actor,
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
    /// The optional user fields their company uses.
    pub optional_fields: Vec<OptionalField>,
}

impl Caller {
    /// Their user id.
    pub const fn user_id(&self) -> i64 {
        self.actor.user_id
    }

    /// Their role.
    pub const fn role(&self) -> Role {
        self.actor.role
    }

    /// What the user form is checked against when this user fills it.
    pub const fn form_context(&self) -> FormContext {
        FormContext { admin_language: self.language, admin_role: self.actor.role, country_code: self.country_code }
    }

    /// Asks [`permissions::decide`] whether they may do what needs `need` to
    /// `target`.
    ///
    /// # Errors
    /// [`ApiError::Denied`] naming what is missing; [`ApiError::NotFound`]
    /// for a target outside their perimeter, as for another company's.
    pub fn allow(&self, need: Need, target: Target<'_>) -> ApiResult<()> {
        permissions::decide(&self.actor, need, target).map_err(|denial| match denial {
            Denial::Missing(Need::SignedIn) => ApiError::Unauthenticated,
            Denial::Missing(need) => ApiError::Denied(need, self.language),
            Denial::OutsidePerimeter => ApiError::NotFound,
            Denial::Outranked => ApiError::Outranked(self.language),
        })
    }

    /// Whose perimeter bounds the users they see under `permission`: their
    /// own when it is scoped by users, nobody's when they see everyone.
    pub fn users_perimeter(&self, permission: Permission) -> Option<i64> {
        permissions::visible(&self.actor, permission).users.then_some(self.actor.user_id)
    }

    /// The users they may reach with what needs `need`: within their
    /// perimeter, and, for changes to accounts, members only.
    pub fn bounds(&self, need: Need) -> Bounds {
        let (within_perimeter_of, changes_accounts) = match need {
            Need::Permission(permission) => (self.users_perimeter(permission), permission.changes_accounts()),
            _ => (None, true),
        };
        Bounds { within_perimeter_of, members_only: changes_accounts && !self.actor.role.is_admin() }
    }

    /// Which of the company's people they see: lists and counts of people
    /// keep only those.
    pub fn sight(&self) -> Sight {
        if permissions::decide(&self.actor, Need::Permission(Permission::SeeUsers), Target::Company).is_err() {
            return Sight::Nobody;
        }
        self.users_perimeter(Permission::SeeUsers).map_or(Sight::Everyone, Sight::PerimeterOf)
    }

    /// Whose perimeter bounds the bases they see under `permission`.
    pub fn bases_perimeter(&self, permission: Permission) -> Option<i64> {
        permissions::visible(&self.actor, permission).bases.then_some(self.actor.user_id)
    }
}
