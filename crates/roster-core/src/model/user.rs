use crate::vocabulary::vocabulary;

vocabulary! {
    /// The kind of person a user is for the company (A2).
    pub enum UserType {
        /// An employee of the company: the default.
        Collaborator = "collaborator" { fr: "collaborateur", en: "collaborator", also: ["collaboratrice", "employee", "salarie"] },
        /// Someone from outside the company (consultant, freelancer).
        External = "external" { fr: "externe", en: "external" },
        /// Someone from a partner company or a client.
        Partner = "partner" { fr: "partenaire", en: "partner", also: ["client"] },
    }
}

// The vocabulary macro owns the derive list, so defaults are written out.
#[allow(clippy::derivable_impls)]
impl Default for UserType {
    fn default() -> Self {
        Self::Collaborator
    }
}

vocabulary! {
    /// What a user may administer, kept apart from the licence level (A2, K1).
    pub enum Role {
        /// Uses the platform; administers nothing. The default.
        Member = "member" { fr: "membre", en: "member", also: ["utilisateur", "user", "aucun", "none"] },
        /// Administers the company's users and groups.
        TeamAdmin = "team_admin" { fr: "admin d'équipe", en: "team admin", also: ["administrateur d'equipe", "team administrator"] },
        /// Administers everything, settings and administrators included.
        CompanyAdmin = "company_admin" { fr: "admin d'entreprise", en: "company admin", also: ["administrateur d'entreprise", "company administrator", "admin"] },
    }
}

// The vocabulary macro owns the derive list, so defaults are written out.
#[allow(clippy::derivable_impls)]
impl Default for Role {
    fn default() -> Self {
        Self::Member
    }
}

impl Role {
    /// True for the roles that may sign in to the console.
    pub const fn is_admin(self) -> bool {
        matches!(self, Self::TeamAdmin | Self::CompanyAdmin)
    }

    /// Where the role stands among roles: a member below a team
    /// administrator, below a company administrator (H6).
    pub const fn rank(self) -> u8 {
        match self {
            Self::Member => 0,
            Self::TeamAdmin => 1,
            Self::CompanyAdmin => 2,
        }
    }

    /// True when a holder of `self` may give `other` to someone.
    /// Only company administrators create administrators of their rank, and
    /// only administrators grant administrator rights (H6).
    pub const fn may_grant(self, other: Self) -> bool {
        other.rank() <= self.rank()
    }
}

vocabulary! {
    /// The licence a user consumes, kept apart from the role (A2, J2).
    pub enum LicenceLevel {
        /// Plays activities; creates none. Does not use a licence seat.
        Participant = "participant" { fr: "participant", en: "participant", also: ["learner", "apprenant"] },
        /// Creates and runs activities. Uses a licence seat. The default.
        Creator = "creator" { fr: "créateur", en: "creator", also: ["createur", "animateur"] },
    }
}

// The vocabulary macro owns the derive list, so defaults are written out.
#[allow(clippy::derivable_impls)]
impl Default for LicenceLevel {
    fn default() -> Self {
        Self::Creator
    }
}

vocabulary! {
    /// How a user prefers to be reached (A2).
    pub enum Channel {
        /// By e-mail.
        Email = "email" { fr: "e-mail", en: "e-mail", also: ["mail", "courriel"] },
        /// By text message.
        Sms = "sms" { fr: "SMS", en: "SMS", also: ["texto", "text", "mobile"] },
    }
}

vocabulary! {
    /// Where a user stands in their life cycle (A2): exactly one at a time.
    pub enum UserStatus {
        /// Exists but was not told: cannot sign in yet.
        Created = "created" { fr: "créé", en: "created", also: ["cree"] },
        /// Was sent an invitation and has not completed it.
        Invited = "invited" { fr: "invité", en: "invited", also: ["invite"] },
        /// Can sign in and use the platform.
        Active = "active" { fr: "actif", en: "active" },
        /// Deactivated: account and history kept, sign-in refused (F4).
        Inactive = "inactive" { fr: "désactivé", en: "deactivated", also: ["inactif", "desactive"] },
        /// Deleted: kept only as anonymised history.
        Deleted = "deleted" { fr: "supprimé", en: "deleted", also: ["supprime"] },
    }
}

vocabulary! {
    /// Something an administrator does to a user's status (F3, F4).
    pub enum StatusChange {
        /// Send (or send again) an invitation.
        Invite = "invite" { fr: "inviter", en: "invite" },
        /// Let the user sign in.
        Activate = "activate" { fr: "activer", en: "activate" },
        /// Stop the user signing in, keeping everything.
        Deactivate = "deactivate" { fr: "désactiver", en: "deactivate" },
        /// Delete the user; their results are anonymised.
        Delete = "delete" { fr: "supprimer", en: "delete" },
    }
}

/// A status change that does not apply to a user in their current status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a user who is {from} cannot be {change}d")]
pub struct TransitionRefused {
    /// The user's status.
    pub from: UserStatus,
    /// What was asked.
    pub change: StatusChange,
}

impl UserStatus {
    /// The status after `change`.
    ///
    /// # Errors
    /// [`TransitionRefused`] when the change does not apply: only created or
    /// invited users are invited, only active users deactivated, a deleted
    /// user stays deleted.
    pub const fn apply(self, change: StatusChange) -> Result<Self, TransitionRefused> {
        use StatusChange as C;
        use UserStatus as S;
        match (self, change) {
            (S::Created | S::Invited, C::Invite) => Ok(S::Invited),
            (S::Created | S::Invited | S::Inactive, C::Activate) => Ok(S::Active),
            (S::Active, C::Deactivate) => Ok(S::Inactive),
            (S::Created | S::Invited | S::Active | S::Inactive, C::Delete) => Ok(S::Deleted),
            (from, change) => Err(TransitionRefused { from, change }),
        }
    }

    /// True for statuses whose creators keep their licence seat: people who
    /// can sign in, or soon will. Deactivation and deletion free the seat.
    pub const fn keeps_seat(self) -> bool {
        matches!(self, Self::Created | Self::Invited | Self::Active)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Language;

    #[test]
    fn enumerations_accept_french_and_english_names() {
        assert_eq!(UserType::parse("Collaborateur"), Ok(UserType::Collaborator));
        assert_eq!(UserType::parse("collaborator"), Ok(UserType::Collaborator));
        assert_eq!(Role::parse("Admin d’entreprise".replace('’', "'").as_str()), Ok(Role::CompanyAdmin));
        assert_eq!(Role::parse("TEAM_ADMIN"), Ok(Role::TeamAdmin));
        assert_eq!(Channel::parse("SMS"), Ok(Channel::Sms));
        assert_eq!(UserStatus::parse("désactivé"), Ok(UserStatus::Inactive));
        assert!(UserType::parse("astronaut").is_err());
    }

    #[test]
    fn codes_are_the_serialised_form() {
        assert_eq!(serde_json::to_string(&Role::TeamAdmin).unwrap(), "\"team_admin\"");
        let back: UserStatus = serde_json::from_str("\"inactive\"").unwrap();
        assert_eq!(back, UserStatus::Inactive);
        assert_eq!(UserStatus::Inactive.label(Language::Fr), "désactivé");
    }

    #[test]
    fn a_created_user_can_be_invited_activated_or_deleted_but_not_deactivated() {
        assert_eq!(UserStatus::Created.apply(StatusChange::Invite), Ok(UserStatus::Invited));
        assert_eq!(UserStatus::Created.apply(StatusChange::Activate), Ok(UserStatus::Active));
        assert_eq!(UserStatus::Created.apply(StatusChange::Delete), Ok(UserStatus::Deleted));
        assert!(UserStatus::Created.apply(StatusChange::Deactivate).is_err());
    }

    #[test]
    fn deactivation_can_be_undone_by_activation() {
        let off = UserStatus::Active.apply(StatusChange::Deactivate).unwrap();
        assert_eq!(off.apply(StatusChange::Activate), Ok(UserStatus::Active));
    }

    #[test]
    fn a_deleted_user_stays_deleted() {
        for &change in StatusChange::ALL {
            assert!(UserStatus::Deleted.apply(change).is_err());
        }
    }

    #[test]
    fn only_company_admins_grant_company_admin() {
        assert!(Role::CompanyAdmin.may_grant(Role::CompanyAdmin));
        assert!(!Role::TeamAdmin.may_grant(Role::CompanyAdmin));
        assert!(Role::TeamAdmin.may_grant(Role::TeamAdmin));
        assert!(Role::Member.may_grant(Role::Member));
        assert!(!Role::Member.may_grant(Role::TeamAdmin));
    }
}
