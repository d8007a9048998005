//! Who may do what (H1–H7): the catalogue of permissions, the predefined
//! profiles, and [`decide`], the one function every route asks.
//!
//! Administrators may do everything in their company, within the limits of
//! their role. Other users may do only what their permissions allow, and a
//! permission scoped by thematic bases or by users applies only inside the
//! perimeter set on the user. Without advanced permissions (the gold plan's
//! option) only administrators use the console.

use crate::model::Role;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// A feature a user other than an administrator may be allowed (H2).
    pub enum Permission {
        /// Lists, searches and user pages.
        SeeUsers = "see_users" { fr: "Voir les utilisateurs avec leurs résultats et informations", en: "See users with their results and information" },
        /// The user form, tags on users, sign-up invitations, bulk activation and deactivation.
        EditUsers = "edit_users" { fr: "Créer et modifier des utilisateurs", en: "Create and edit users" },
        /// The user file import, which reaches the whole company.
        ImportUsers = "import_users" { fr: "Importer un fichier d'utilisateurs", en: "Import a user file" },
        /// The invitation file import: contacts, their groups and their invitations.
        ImportInvitations = "import_invitations" { fr: "Importer un fichier de contacts et ses groupes", en: "Import a file of contacts and their groups" },
        /// User exports.
        ExportUsers = "export_users" { fr: "Exporter les utilisateurs", en: "Export users" },
        /// Creating and renaming groups, archiving them, choosing their members.
        ManageGroups = "manage_groups" { fr: "Gérer les groupes et leurs membres", en: "Manage groups and their members" },
        /// Creating and renaming tags.
        ManageTags = "manage_tags" { fr: "Gérer les tags", en: "Manage tags" },
        /// Activity lists and pages.
        SeeActivities = "see_activities" { fr: "Voir les activités", en: "See activities" },
        /// Creating and editing activities.
        EditActivities = "edit_activities" { fr: "Créer et modifier des activités", en: "Create and edit activities" },
        /// Inviting people to activities.
        Invite = "invite" { fr: "Inviter aux activités", en: "Invite to activities" },
        /// Opening activities to the public and reading who answered.
        ManagePublicLinks = "manage_public_links" { fr: "Gérer les liens publics", en: "Manage public links" },
        /// The company's figures: the dashboard.
        SeeStatistics = "see_statistics" { fr: "Voir les statistiques", en: "See statistics" },
        /// Giving users a 6-letter sign-in code.
        CreateWithCode = "create_with_code" { fr: "Créer des utilisateurs via un code 6 caractères", en: "Create users with a 6-character code" },
    }
}

/// What a permission's reach is limited by (H2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reach {
    /// Only the thematic bases of the holder's perimeter.
    pub bases: bool,
    /// Only the users (and contacts) of the groups of the holder's perimeter.
    pub users: bool,
}

impl Permission {
    /// What limits this permission.
    pub const fn reach(self) -> Reach {
        let (bases, users) = match self {
            Self::SeeUsers | Self::EditUsers | Self::ExportUsers | Self::ManageGroups | Self::CreateWithCode => {
                (false, true)
            }
            Self::SeeActivities | Self::EditActivities | Self::ManagePublicLinks => (true, false),
            Self::Invite => (true, true),
            Self::ImportUsers | Self::ImportInvitations | Self::ManageTags | Self::SeeStatistics => (false, false),
        };
        Reach { bases, users }
    }
}

impl Permission {
    /// True for permissions that change people's accounts: used on a
    /// person, they reach only people holding no more power than the
    /// actor ([`covers`]).
    pub const fn changes_accounts(self) -> bool {
        matches!(self, Self::EditUsers | Self::ManageGroups | Self::CreateWithCode)
    }
}

/// A set of permissions, as stored: codes separated by commas.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Permissions(u32);

impl Permissions {
    /// No permission: a learner.
    pub const NONE: Self = Self(0);

    const fn bit(permission: Permission) -> u32 {
        1 << permission as u32
    }

    /// The set holding exactly these.
    pub fn of(permissions: &[Permission]) -> Self {
        permissions.iter().fold(Self::NONE, |set, &p| set.with(p))
    }

    /// This set and `permission`.
    #[must_use]
    pub const fn with(self, permission: Permission) -> Self {
        Self(self.0 | Self::bit(permission))
    }

    /// What either set holds.
    #[must_use]
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// True when the set holds `permission`.
    pub const fn contains(self, permission: Permission) -> bool {
        self.0 & Self::bit(permission) != 0
    }

    /// True for a learner's set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The permissions held, in catalogue order.
    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL.iter().copied().filter(move |&p| self.contains(p))
    }

    /// Reads stored or typed codes separated by commas; blanks are skipped.
    ///
    /// # Errors
    /// [`UnknownValue`](crate::UnknownValue) for a code the catalogue lacks.
    pub fn parse(codes: &str) -> Result<Self, crate::UnknownValue> {
        codes
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .try_fold(Self::NONE, |set, code| Ok(set.with(Permission::parse(code)?)))
    }

    /// Reads a stored set, skipping codes the catalogue no longer has.
    pub fn from_stored(codes: &str) -> Self {
        codes.split(',').filter_map(|c| Permission::parse(c.trim()).ok()).collect()
    }

    /// The codes, separated by commas: how a set is stored.
    pub fn codes(self) -> String {
        self.iter().map(Permission::code).collect::<Vec<_>>().join(",")
    }
}

impl FromIterator<Permission> for Permissions {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        iter.into_iter().fold(Self::NONE, Self::with)
    }
}

impl serde::Serialize for Permissions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for Permissions {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<Permission>::deserialize(d)?.into_iter().collect())
    }
}

vocabulary! {
    /// The profiles every company starts with (H3). They cannot be deleted;
    /// their permissions can be edited like any profile's.
    pub enum Preset {
        /// Feeds a thematic base with activities.
        Contributor = "contributor" { fr: "Contributeur", en: "Contributor" },
        /// Prepares and runs training for a group of users.
        Trainer = "trainer" { fr: "Formateur", en: "Trainer" },
        /// Follows the results of a department's members.
        Manager = "manager" { fr: "Manager", en: "Manager" },
        /// Follows skills across the company.
        SkillsFollowUp = "skills_follow_up" { fr: "Suivi des compétences", en: "Skills follow-up" },
        /// Runs survey campaigns and reads their answers.
        SurveyCampaign = "survey_campaign" { fr: "Campagne d'enquêtes", en: "Survey campaign" },
        /// Accompanies candidates to a validation of acquired experience.
        VaeTutor = "vae_tutor" { fr: "Tuteur VAE", en: "VAE tutor" },
    }
}

impl Preset {
    /// True when `name` is, in any language the product speaks and
    /// whatever its case or accents, the name of a predefined profile: no
    /// other profile may take it.
    pub fn reserves(name: &str) -> bool {
        Self::parse(name).is_ok()
    }

    /// The permissions the profile starts with, from the product notes' examples.
    pub fn permissions(self) -> Permissions {
        use Permission as P;
        Permissions::of(match self {
            Self::Contributor => &[P::SeeActivities, P::EditActivities],
            Self::Trainer => &[P::SeeUsers, P::SeeActivities, P::EditActivities, P::Invite, P::ManagePublicLinks],
            Self::Manager => &[P::SeeUsers, P::ExportUsers, P::SeeActivities],
            Self::SkillsFollowUp => &[P::SeeUsers, P::ExportUsers, P::SeeActivities, P::SeeStatistics],
            Self::SurveyCampaign => {
                &[P::SeeActivities, P::EditActivities, P::Invite, P::ManagePublicLinks, P::SeeStatistics]
            }
            Self::VaeTutor => &[P::SeeUsers, P::EditUsers, P::SeeActivities, P::Invite],
        })
    }
}

/// Which part of the company a scoped permission reaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Perimeter {
    /// All of it.
    All,
    /// Only these groups' members, or these bases (ids).
    Only(Vec<i64>),
}

/// Empty: a permission reaches nothing until an administrator sets the perimeter.
impl Default for Perimeter {
    fn default() -> Self {
        Self::Only(Vec::new())
    }
}

impl Perimeter {
    /// True when the perimeter takes in something of `ids` (a person's
    /// groups, or a base).
    pub fn meets(&self, ids: &[i64]) -> bool {
        match self {
            Self::All => true,
            Self::Only(mine) => ids.iter().any(|id| mine.contains(id)),
        }
    }

    /// True when everything this perimeter takes in, `outer` takes in too.
    pub fn within(&self, outer: &Self) -> bool {
        match (self, outer) {
            (_, Self::All) => true,
            (Self::All, Self::Only(_)) => false,
            (Self::Only(mine), Self::Only(theirs)) => mine.iter().all(|id| theirs.contains(id)),
        }
    }
}

/// What a person may do, as far as changing them is concerned: their role,
/// their permissions and the perimeters those reach.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Powers {
    /// Their role.
    pub role: Role,
    /// Their permissions: profiles' and personal ones together.
    pub permissions: Permissions,
    /// The users their scoped permissions reach, by group.
    pub users: Perimeter,
    /// The thematic bases their scoped permissions reach.
    pub bases: Perimeter,
}

/// True when `actor` holds every power of `person` (H6): a role of at
/// least the same rank (member < team administrator < company
/// administrator) and, between members, each of the person's permissions
/// with a perimeter taking in the person's on every axis it is scoped by.
/// Only then may the actor change, deactivate, delete, reset or give
/// credentials to the person: whoever could set a password on someone
/// holding more could sign in as them and use what they lack.
pub fn covers(actor: &Actor, person: &Powers) -> bool {
    if actor.role.rank() != person.role.rank() {
        return actor.role.rank() > person.role.rank();
    }
    // Administrators of one rank hold the same: everything in the company.
    actor.role.is_admin()
        || person.permissions.iter().all(|p| {
            actor.permissions.contains(p)
                && (!p.reach().users || person.users.within(&actor.users))
                && (!p.reach().bases || person.bases.within(&actor.bases))
        })
}

/// Who is asking, as far as access is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// Their user id.
    pub user_id: i64,
    /// Their role.
    pub role: Role,
    /// Whether the company uses advanced permissions (gold plan and option on).
    pub advanced: bool,
    /// Their permissions: profiles' and personal ones together.
    pub permissions: Permissions,
    /// The users their scoped permissions reach, by group.
    pub users: Perimeter,
    /// The thematic bases their scoped permissions reach.
    pub bases: Perimeter,
}

/// What a route needs before anything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Any user who may use the console: their own session, settings to read.
    SignedIn,
    /// A permission; administrators hold them all.
    Permission(Permission),
    /// An administrator (H6): deleting, setting permissions, transferring
    /// activities, reading the outbox.
    Administrator,
    /// A company administrator: company settings, the audit log, API tokens.
    CompanyAdministrator,
}

impl Need {
    /// True when the need, asked about a person, changes them: their
    /// account, their groups, their rights.
    pub const fn changes_people(self) -> bool {
        match self {
            Self::Permission(p) => p.changes_accounts(),
            Self::Administrator | Self::CompanyAdministrator => true,
            Self::SignedIn => false,
        }
    }

    /// The stable code a refusal names.
    pub const fn code(self) -> &'static str {
        match self {
            Self::SignedIn => "signed_in",
            Self::Permission(p) => p.code(),
            Self::Administrator => "administrator",
            Self::CompanyAdministrator => "company_administrator",
        }
    }

    /// A sentence saying what is missing, for people speaking `lang`.
    pub fn explain(self, lang: crate::Language) -> String {
        let fr = lang == crate::Language::Fr;
        match self {
            Self::Permission(p) if fr => format!("Il vous faut l'habilitation « {} ».", p.label(lang)),
            Self::Permission(p) => format!("You need the permission “{}”.", p.label(lang)),
            Self::SignedIn if fr => "Ce compte n'a pas accès à la console.".to_owned(),
            Self::SignedIn => "This account has no access to the console.".to_owned(),
            Self::Administrator if fr => "Seuls les administrateurs peuvent le faire.".to_owned(),
            Self::Administrator => "Only administrators may do this.".to_owned(),
            Self::CompanyAdministrator if fr => "Seuls les administrateurs d'entreprise peuvent le faire.".to_owned(),
            Self::CompanyAdministrator => "Only company administrators may do this.".to_owned(),
        }
    }
}

/// What an action is about, when it is about something in particular.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// The company as a whole, or a list (filtered as [`visible`] says).
    Company,
    /// A person: the ids of their groups, and what they may do.
    Person {
        /// Their groups.
        groups: &'a [i64],
        /// Their powers: changing them needs at least as much ([`covers`]).
        powers: &'a Powers,
    },
    /// Something in a thematic base: an activity.
    Base(i64),
    /// Something in a base and about people: an invitation to an activity.
    BaseAndPeople {
        /// The activity's base.
        base: i64,
        /// Every group the invitation reaches.
        groups: &'a [i64],
    },
    /// Work someone asked for: a job and its files.
    Job {
        /// Who asked for it.
        requested_by: i64,
        /// For an export of groups' members, those groups: whoever may
        /// manage all of them may read it too (J4). Empty otherwise.
        groups: &'a [i64],
    },
}

/// Why a request is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Denial {
    /// The actor lacks what the route needs: answered 403, naming it.
    Missing(Need),
    /// The target is outside the actor's perimeter: answered as absent (404).
    OutsidePerimeter,
    /// The target is a person holding powers the actor lacks, whom the
    /// actor may see but not change (403).
    Outranked,
}

/// True when this user may open the console at all: administrators, and,
/// with advanced permissions, users holding at least one permission.
/// Learners (no permission) never do.
pub const fn may_sign_in(role: Role, advanced: bool, permissions: Permissions) -> bool {
    role.is_admin() || (advanced && !permissions.is_empty())
}

/// Decides whether `actor` may do what needs `need` to `target`. Every
/// route asks this, and it is the only place the rules live.
///
/// # Errors
/// The [`Denial`], with the missing need or the perimeter.
pub fn decide(actor: &Actor, need: Need, target: Target<'_>) -> Result<(), Denial> {
    let admin = actor.role.is_admin();
    if !may_sign_in(actor.role, actor.advanced, actor.permissions) {
        return Err(Denial::Missing(Need::SignedIn));
    }
    let permission = match need {
        Need::CompanyAdministrator if actor.role != Role::CompanyAdmin => return Err(Denial::Missing(need)),
        Need::Administrator if !admin => return Err(Denial::Missing(need)),
        Need::Permission(p) if !admin && !actor.permissions.contains(p) => return Err(Denial::Missing(need)),
        Need::Permission(p) => Some(p),
        Need::SignedIn | Need::Administrator | Need::CompanyAdministrator => None,
    };
    let inside = match (target, permission) {
        // Work is seen by whoever asked for it and by administrators; a
        // group export also by whoever manages all of its groups.
        (Target::Job { requested_by, groups }, _) => {
            admin
                || requested_by == actor.user_id
                || (!groups.is_empty()
                    && actor.permissions.contains(Permission::ManageGroups)
                    && groups.iter().all(|g| actor.users.meets(&[*g])))
        }
        // Administrators reach the whole company; so does what no permission limits.
        (_, None) | (Target::Company, _) => true,
        _ if admin => true,
        (Target::Person { groups, .. }, Some(p)) => !p.reach().users || actor.users.meets(groups),
        (Target::Base(base), Some(p)) => !p.reach().bases || actor.bases.meets(&[base]),
        (Target::BaseAndPeople { base, groups }, Some(p)) => {
            (!p.reach().bases || actor.bases.meets(&[base]))
                && (!p.reach().users || groups.iter().all(|g| actor.users.meets(&[*g])))
        }
    };
    if !inside {
        return Err(Denial::OutsidePerimeter);
    }
    match target {
        Target::Person { powers, .. } if need.changes_people() && !covers(actor, powers) => Err(Denial::Outranked),
        _ => Ok(()),
    }
}

/// How lists read under `permission` are filtered for `actor` (who has
/// already been allowed the permission by [`decide`]): by which axes of
/// their perimeter. Administrators and perimeters taking in everything
/// filter nothing.
pub fn visible(actor: &Actor, permission: Permission) -> Reach {
    let reach = permission.reach();
    let admin = actor.role.is_admin();
    Reach {
        bases: !admin && reach.bases && actor.bases != Perimeter::All,
        users: !admin && reach.users && actor.users != Perimeter::All,
    }
}

/// Where one permission of a user comes from (H4).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Origin {
    /// The permission.
    pub permission: Permission,
    /// The ids of the profiles that give it.
    pub profiles: Vec<i64>,
    /// Whether it is also given to the user personally.
    pub personal: bool,
}

/// A user's effective permissions, each with where it comes from: the union
/// of their profiles' and their personal ones. Removing a profile removes a
/// permission only when nothing else gives it.
pub fn origins(profiles: &[(i64, Permissions)], personal: Permissions) -> Vec<Origin> {
    Permission::ALL
        .iter()
        .map(|&permission| Origin {
            permission,
            profiles: profiles.iter().filter(|(_, set)| set.contains(permission)).map(|(id, _)| *id).collect(),
            personal: personal.contains(permission),
        })
        .filter(|o| o.personal || !o.profiles.is_empty())
        .collect()
}

/// The effective permissions of profiles and personal ones together.
pub fn effective(profiles: &[Permissions], personal: Permissions) -> Permissions {
    profiles.iter().fold(personal, |all, p| all.union(*p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission as P;

    fn member(permissions: &[Permission], users: Perimeter, bases: Perimeter) -> Actor {
        Actor {
            user_id: 7,
            role: Role::Member,
            advanced: true,
            permissions: Permissions::of(permissions),
            users,
            bases,
        }
    }

    fn admin(role: Role) -> Actor {
        Actor { role, ..member(&[], Perimeter::default(), Perimeter::default()) }
    }

    fn powers(role: Role) -> Powers {
        Powers { role, ..Powers::default() }
    }

    const SALES: i64 = 10;
    const OTHERS: i64 = 11;
    const SECURITY_BASE: i64 = 20;

    #[test]
    fn every_code_reads_back_and_stored_sets_round_trip() {
        for &p in Permission::ALL {
            assert_eq!(Permission::parse(p.code()), Ok(p));
            assert_ne!(p.label(crate::Language::Fr), p.label(crate::Language::En), "{p}");
        }
        let all: Permissions = Permission::ALL.iter().copied().collect();
        assert_eq!(Permissions::parse(&all.codes()), Ok(all));
        assert_eq!(Permissions::parse(" see_users,,invite "), Ok(Permissions::of(&[P::SeeUsers, P::Invite])));
        assert!(Permissions::parse("see_users,fly").is_err());
        assert_eq!(Permissions::parse(""), Ok(Permissions::NONE));
        assert!(Permission::ALL.len() < 32, "the set is a 32-bit mask");
    }

    #[test]
    fn predefined_profile_names_are_reserved_in_every_spelling() {
        for name in ["Formateur", "trainer", "TUTEUR VAE", "Suivi des compe\u{301}tences", "vae_tutor"] {
            assert!(Preset::reserves(name), "{name}");
        }
        assert!(!Preset::reserves("Formateurs Lyon"));
    }

    #[test]
    fn every_preset_holds_permissions_and_reads_in_both_languages() {
        for &preset in Preset::ALL {
            assert!(!preset.permissions().is_empty(), "{preset}");
            assert_eq!(Preset::parse(preset.label(crate::Language::Fr)), Ok(preset));
        }
    }

    /// The table: for each actor and each need on each target, the verdict.
    #[test]
    #[allow(clippy::too_many_lines)] // one row a case: the table reads best whole
    fn the_verdict_table_holds_for_every_actor_need_and_target() {
        let groups_sales: &[i64] = &[SALES];
        let groups_other: &[i64] = &[OTHERS];
        let (nobody, team_powers, company_powers) =
            (Powers::default(), powers(Role::TeamAdmin), powers(Role::CompanyAdmin));
        let person_sales = Target::Person { groups: groups_sales, powers: &nobody };
        let person_other = Target::Person { groups: groups_other, powers: &nobody };
        let person_admin = Target::Person { groups: groups_sales, powers: &company_powers };
        let person_team_admin = Target::Person { groups: groups_sales, powers: &team_powers };
        // A member who sees and edits everyone, and one who edits Sales only.
        let wide_editor = Powers {
            permissions: Permissions::of(&[P::SeeUsers, P::EditUsers]),
            users: Perimeter::All,
            ..Powers::default()
        };
        let sales_editor = Powers {
            permissions: Permissions::of(&[P::EditUsers]),
            users: Perimeter::Only(vec![SALES]),
            ..Powers::default()
        };
        let person_wide_editor = Target::Person { groups: groups_sales, powers: &wide_editor };
        let person_sales_editor = Target::Person { groups: groups_sales, powers: &sales_editor };
        let base_in = Target::Base(SECURITY_BASE);
        let base_out = Target::Base(99);
        let own_job = Target::Job { requested_by: 7, groups: &[] };
        let other_job = Target::Job { requested_by: 8, groups: &[] };
        let manager = member(&[P::SeeUsers, P::ExportUsers], Perimeter::Only(vec![SALES]), Perimeter::default());
        let contributor = member(&[P::EditActivities], Perimeter::default(), Perimeter::Only(vec![SECURITY_BASE]));
        let everywhere = member(&[P::SeeUsers], Perimeter::All, Perimeter::All);
        let learner = member(&[], Perimeter::All, Perimeter::All);
        let simple = Actor { advanced: false, ..manager.clone() };
        let editor = member(&[P::EditUsers], Perimeter::All, Perimeter::All);
        let scoped_editor = member(&[P::EditUsers], Perimeter::Only(vec![SALES]), Perimeter::All);
        let scoped_wide_editor = member(&[P::SeeUsers, P::EditUsers], Perimeter::Only(vec![SALES]), Perimeter::All);
        let inviter = member(&[P::Invite], Perimeter::Only(vec![SALES]), Perimeter::All);
        let group_keeper = member(&[P::ManageGroups], Perimeter::Only(vec![SALES]), Perimeter::All);
        let team = admin(Role::TeamAdmin);
        let company = admin(Role::CompanyAdmin);

        let see = Need::Permission(P::SeeUsers);
        let edit = Need::Permission(P::EditUsers);
        let activities = Need::Permission(P::EditActivities);
        let stats = Need::Permission(P::SeeStatistics);
        let missing = |need| Err(Denial::Missing(need));
        let outside = Err(Denial::OutsidePerimeter);
        let outranked = Err(Denial::Outranked);
        let signed_out = Err(Denial::Missing(Need::SignedIn));
        let table: Vec<(&Actor, Need, Target<'_>, Result<(), Denial>)> = vec![
            // Company administrators may do everything.
            (&company, Need::CompanyAdministrator, Target::Company, Ok(())),
            (&company, Need::Administrator, person_admin, Ok(())),
            (&company, edit, person_other, Ok(())),
            (&company, activities, base_out, Ok(())),
            (&company, see, other_job, Ok(())),
            // Team administrators too, except the company's settings, audit and tokens.
            (&team, Need::CompanyAdministrator, Target::Company, missing(Need::CompanyAdministrator)),
            (&team, Need::Administrator, Target::Company, Ok(())),
            (&team, edit, person_team_admin, Ok(())),
            (&team, Need::Administrator, person_team_admin, Ok(())),
            // … but never change a company administrator: they may look only.
            (&team, edit, person_admin, outranked),
            (&team, Need::Administrator, person_admin, outranked),
            (&team, see, person_admin, Ok(())),
            (&team, stats, Target::Company, Ok(())),
            // A manager of Sales sees Sales, not the others, and nothing they lack.
            (&manager, see, person_sales, Ok(())),
            (&manager, see, person_other, outside),
            (&manager, see, Target::Company, Ok(())),
            (&manager, edit, person_sales, missing(edit)),
            (&manager, stats, Target::Company, missing(stats)),
            (&manager, Need::Administrator, Target::Company, missing(Need::Administrator)),
            (&manager, Need::SignedIn, Target::Company, Ok(())),
            (&manager, see, own_job, Ok(())),
            (&manager, see, other_job, outside),
            // Someone else's export of groups' members: read by whoever manages every one of them.
            (&group_keeper, Need::SignedIn, Target::Job { requested_by: 8, groups: &[SALES] }, Ok(())),
            (&group_keeper, Need::SignedIn, Target::Job { requested_by: 8, groups: &[SALES, OTHERS] }, outside),
            (&group_keeper, Need::SignedIn, other_job, outside),
            (&manager, Need::SignedIn, Target::Job { requested_by: 8, groups: &[SALES] }, outside),
            (&team, Need::SignedIn, Target::Job { requested_by: 8, groups: &[SALES, OTHERS] }, Ok(())),
            // Administrators are seen, but changed by administrators only.
            (&everywhere, see, person_admin, Ok(())),
            (&everywhere, see, person_other, Ok(())),
            (&editor, edit, person_admin, outranked),
            (&editor, edit, person_team_admin, outranked),
            // Members change only members holding no more than they do.
            (&editor, edit, person_sales_editor, Ok(())),
            (&editor, edit, person_wide_editor, outranked),
            (&scoped_editor, edit, person_sales_editor, Ok(())),
            (&scoped_editor, edit, person_sales, Ok(())),
            (&scoped_editor, Need::Permission(P::SeeUsers), person_wide_editor, missing(see)),
            (&scoped_wide_editor, edit, person_wide_editor, outranked),
            (&scoped_wide_editor, see, person_wide_editor, Ok(())),
            // A contributor works in their bases only.
            (&contributor, activities, base_in, Ok(())),
            (&contributor, activities, base_out, outside),
            (&contributor, see, person_sales, missing(see)),
            // Invitations need the base and every group reached.
            (
                &inviter,
                Need::Permission(P::Invite),
                Target::BaseAndPeople { base: 1, groups: &[SALES, OTHERS] },
                outside,
            ),
            (&inviter, Need::Permission(P::Invite), Target::BaseAndPeople { base: 1, groups: &[SALES] }, Ok(())),
            // Learners and, without advanced permissions, every non-administrator stay out.
            (&learner, Need::SignedIn, Target::Company, signed_out),
            (&learner, see, person_sales, signed_out),
            (&simple, see, person_sales, signed_out),
            (&simple, Need::SignedIn, Target::Company, signed_out),
        ];
        for (i, (actor, need, target, verdict)) in table.into_iter().enumerate() {
            assert_eq!(decide(actor, need, target), verdict, "row {i}: {need:?} on {target:?}");
        }
    }

    #[test]
    fn an_empty_perimeter_reaches_nobody() {
        let fresh = member(&[P::SeeUsers], Perimeter::default(), Perimeter::default());
        assert_eq!(
            decide(&fresh, Need::Permission(P::SeeUsers), Target::Person { groups: &[1], powers: &Powers::default() }),
            Err(Denial::OutsidePerimeter)
        );
        assert_eq!(visible(&fresh, P::SeeUsers), Reach { bases: false, users: true });
    }

    #[test]
    fn lists_are_filtered_by_the_axis_the_permission_is_scoped_by() {
        let scoped = member(&[P::SeeUsers, P::SeeActivities], Perimeter::Only(vec![1]), Perimeter::Only(vec![2]));
        let nothing = Reach { bases: false, users: false };
        assert_eq!(visible(&scoped, P::SeeUsers), Reach { bases: false, users: true });
        assert_eq!(visible(&scoped, P::SeeActivities), Reach { bases: true, users: false });
        assert_eq!(visible(&scoped, P::Invite), Reach { bases: true, users: true });
        assert_eq!(visible(&scoped, P::SeeStatistics), nothing);
        let wide = member(&[P::SeeUsers], Perimeter::All, Perimeter::All);
        assert_eq!(visible(&wide, P::SeeUsers), nothing);
        assert_eq!(visible(&admin(Role::TeamAdmin), P::SeeUsers), nothing);
    }

    #[test]
    fn removing_a_profile_keeps_what_is_also_personal() {
        let trainer = Permissions::of(&[P::SeeUsers, P::SeeActivities]);
        let personal = Permissions::of(&[P::SeeActivities, P::ImportInvitations]);
        let shown = origins(&[(3, trainer)], personal);
        let of = |p| shown.iter().find(|o| o.permission == p).cloned();
        assert_eq!(of(P::SeeUsers).map(|o| (o.profiles, o.personal)), Some((vec![3], false)));
        assert_eq!(of(P::SeeActivities).map(|o| (o.profiles, o.personal)), Some((vec![3], true)));
        assert_eq!(of(P::ImportInvitations).map(|o| (o.profiles, o.personal)), Some((vec![], true)));
        assert_eq!(of(P::Invite), None);
        let without = effective(&[], personal);
        assert!(!without.contains(P::SeeUsers));
        assert!(without.contains(P::SeeActivities));
        assert_eq!(effective(&[trainer], personal), trainer.union(personal));
    }

    /// The promise the rules make for one actor, need and target.
    fn keeps_the_rules(actor: &Actor, need: Need, target: Target<'_>) {
        let verdict = decide(actor, need, target);
        let context = format!("{actor:?} {need:?} {target:?}");
        let outranked =
            matches!(target, Target::Person { powers, .. } if need.changes_people() && !covers(actor, powers));
        let expected = match actor.role {
            Role::TeamAdmin if need == Need::CompanyAdministrator => Err(Denial::Missing(need)),
            Role::CompanyAdmin | Role::TeamAdmin if outranked => Err(Denial::Outranked),
            Role::CompanyAdmin | Role::TeamAdmin => Ok(()),
            Role::Member if !actor.advanced || actor.permissions.is_empty() => Err(Denial::Missing(Need::SignedIn)),
            Role::Member => match need {
                Need::Administrator | Need::CompanyAdministrator => Err(Denial::Missing(need)),
                Need::Permission(p) if !actor.permissions.contains(p) => Err(Denial::Missing(need)),
                _ if matches!(target, Target::Job { requested_by: 8, groups }
                    if !(actor.permissions.contains(P::ManageGroups) && !groups.is_empty() && groups.iter().all(|g| actor.users.meets(&[*g])))) =>
                {
                    Err(Denial::OutsidePerimeter)
                }
                Need::SignedIn => Ok(()),
                Need::Permission(_) => {
                    // Refused only by the perimeter, or for a person holding more.
                    let everywhere = actor.users == Perimeter::All && actor.bases == Perimeter::All;
                    match verdict {
                        Ok(()) => assert!(!outranked, "{context}"),
                        Err(Denial::Outranked) => assert!(outranked, "{context}"),
                        Err(Denial::OutsidePerimeter) => assert!(!everywhere && target != Target::Company, "{context}"),
                        Err(other) => panic!("{other:?}: {context}"),
                    }
                    return;
                }
            },
        };
        assert_eq!(verdict, expected, "{context}");
    }

    /// The roles, permission sets and perimeters the exhaustive tests combine.
    fn every_actor(user_id: i64, advanced: &[bool]) -> Vec<Actor> {
        let perimeters = [Perimeter::All, Perimeter::default(), Perimeter::Only(vec![SALES])];
        let mut sets = vec![Permissions::NONE, Permission::ALL.iter().copied().collect()];
        sets.extend(Permission::ALL.iter().map(|&p| Permissions::of(&[p])));
        sets.push(Permissions::of(&[P::SeeUsers, P::EditUsers]));
        let mut actors = Vec::new();
        for &role in Role::ALL {
            for &advanced in advanced {
                for &permissions in &sets {
                    for (users, bases) in perimeters.iter().flat_map(|u| perimeters.iter().map(move |b| (u, b))) {
                        let (users, bases) = (users.clone(), bases.clone());
                        actors.push(Actor { user_id, role, advanced, permissions, users, bases });
                    }
                }
            }
        }
        actors
    }

    fn every_need() -> Vec<Need> {
        let mut needs = vec![Need::SignedIn, Need::Administrator, Need::CompanyAdministrator];
        needs.extend(Permission::ALL.iter().map(|&p| Need::Permission(p)));
        needs
    }

    /// Covering is not a rule of its own: an actor covers a person exactly
    /// when the actor may do everything the person may do, on every target
    /// that tells perimeters apart.
    #[test]
    fn an_actor_covers_exactly_those_whose_every_power_they_hold() {
        let (sales, others, both): (&[i64], &[i64], &[i64]) = (&[SALES], &[OTHERS], &[SALES, OTHERS]);
        let nobody = Powers::default();
        let mut targets = vec![Target::Company];
        for groups in [sales, others] {
            targets.push(Target::Person { groups, powers: &nobody });
            targets.push(Target::Job { requested_by: 8, groups });
        }
        for base in [SALES, OTHERS] {
            targets.push(Target::Base(base));
            for groups in [sales, others, both] {
                targets.push(Target::BaseAndPeople { base, groups });
            }
        }
        let needs = every_need();
        let actors = every_actor(7, &[true]);
        for person in every_actor(9, &[true]) {
            let powers = Powers {
                role: person.role,
                permissions: person.permissions,
                users: person.users.clone(),
                bases: person.bases.clone(),
            };
            for actor in &actors {
                let may_all = needs.iter().all(|&need| {
                    targets.iter().all(|&t| decide(&person, need, t).is_err() || decide(actor, need, t).is_ok())
                });
                assert_eq!(covers(actor, &powers), may_all, "{actor:?} over {powers:?}");
            }
        }
    }

    /// Every role, plan option, permission, perimeter, need and target.
    #[test]
    fn every_combination_keeps_the_rules() {
        let needs = every_need();
        let (sales, others): (&[i64], &[i64]) = (&[SALES], &[OTHERS]);
        let (nobody, team, company) = (Powers::default(), powers(Role::TeamAdmin), powers(Role::CompanyAdmin));
        let editor = Powers {
            permissions: Permissions::of(&[P::SeeUsers, P::EditUsers]),
            users: Perimeter::Only(vec![SALES]),
            ..Powers::default()
        };
        let targets = [
            Target::Company,
            Target::Person { groups: sales, powers: &nobody },
            Target::Person { groups: others, powers: &nobody },
            Target::Person { groups: sales, powers: &team },
            Target::Person { groups: sales, powers: &company },
            Target::Person { groups: sales, powers: &editor },
            Target::Base(SALES),
            Target::Base(OTHERS),
            Target::BaseAndPeople { base: SALES, groups: sales },
            Target::BaseAndPeople { base: SALES, groups: &[SALES, OTHERS] },
            Target::Job { requested_by: 7, groups: &[] },
            Target::Job { requested_by: 8, groups: &[] },
            Target::Job { requested_by: 8, groups: sales },
            Target::Job { requested_by: 8, groups: &[SALES, OTHERS] },
        ];
        let mut checked = 0;
        for actor in &every_actor(7, &[false, true]) {
            for &need in &needs {
                for &target in &targets {
                    keeps_the_rules(actor, need, target);
                    checked += 1;
                }
            }
        }
        assert!(checked > 100_000, "{checked} combinations");
    }
}
