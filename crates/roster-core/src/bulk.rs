//! Bulk actions on a selection of users (F3, F4): what can be asked, which
//! users each action fits and why the others are skipped, the guard against
//! mass mistakes, and the per-user report.

use serde::{Deserialize, Serialize};

use crate::directory::MAX_ID;
use crate::export::{Cell, ExportError, FileWriter, Format};
use crate::licences::Licences;
use crate::model::MassGuard;
use crate::model::{LicenceLevel, UserStatus};
use crate::permissions::{Need, Permission};
use crate::time::Timestamp;
use crate::vocabulary::vocabulary;
use crate::{FieldError, Language, Message};

/// Users ticked one by one in one request, at most; beyond, the console
/// asks for "all users matching the filters".
pub const MAX_TICKED: usize = 1_000;
/// Groups or tags one action names, at most.
pub const MAX_NAMED: usize = 50;
/// Selections up to this size are done while the admin waits; larger ones
/// run as a background job.
pub const INLINE_MAX: u64 = 200;
/// Users read and changed in one step (one transaction).
pub const STEP_USERS: u32 = 500;

vocabulary! {
    /// What a bulk action does.
    pub enum ActionKind {
        /// Delete; results stay, anonymised.
        Delete = "delete" { fr: "supprimer", en: "delete" },
        /// Let created, invited or deactivated users sign in.
        Activate = "activate" { fr: "activer", en: "activate" },
        /// Stop active users signing in, keeping everything (F4).
        Deactivate = "deactivate" { fr: "désactiver", en: "deactivate" },
        /// Clear active users' passwords and send each a link to choose a new one.
        ResetPassword = "reset_password" { fr: "réinitialiser le mot de passe", en: "reset password" },
        /// Give active users a new personal login code of six letters, sent to them.
        LoginCode = "login_code" { fr: "code de connexion personnel", en: "personal login code" },
        /// Change group memberships.
        Groups = "groups" { fr: "groupes", en: "groups" },
        /// Change tags.
        Tags = "tags" { fr: "étiquettes", en: "tags" },
        /// Change permission profiles (administrators only).
        Profiles = "profiles" { fr: "profils d'habilitations", en: "permission profiles" },
    }
}

vocabulary! {
    /// How a set of groups or tags changes.
    pub enum SetChange {
        /// The user ends with exactly the named ones.
        Reset = "reset" { fr: "remplacer", en: "replace" },
        /// The named ones are added; the others stay.
        Add = "add" { fr: "ajouter", en: "add" },
        /// The named ones are taken off.
        Remove = "remove" { fr: "retirer", en: "remove" },
    }
}

vocabulary! {
    /// Why an action left a user as they were.
    pub enum Skip {
        /// The user is deleted.
        Deleted = "deleted" { fr: "supprimé", en: "deleted" },
        /// Activation of someone active.
        AlreadyActive = "already_active" { fr: "déjà actif", en: "already active" },
        /// Deactivation of someone deactivated.
        AlreadyInactive = "already_inactive" { fr: "déjà désactivé", en: "already deactivated" },
        /// Deactivation of someone who never became active.
        NotActive = "not_active" { fr: "pas encore actif", en: "not active yet" },
        /// A password reset of someone deactivated.
        Deactivated = "deactivated" { fr: "désactivé", en: "deactivated" },
        /// The admin's own account is neither deleted nor deactivated in bulk.
        Yourself = "yourself" { fr: "votre propre compte", en: "your own account" },
        /// Activation past the company's licence capacity.
        NoLicence = "no_licence" { fr: "plus de licence disponible", en: "no licence left" },
        /// The groups or tags were already as asked.
        Unchanged = "unchanged" { fr: "déjà à jour", en: "nothing to change" },
        /// The user holds a role, a permission or a perimeter the asker
        /// lacks (H6): only someone holding at least as much changes them.
        Outranked = "outranked" { fr: "droits supérieurs aux vôtres", en: "holds rights you lack" },
    }
}

/// A bulk action, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Delete.
    Delete,
    /// Activate; with the hash of a password they all get, when the admin
    /// gave one (never the password itself).
    Activate(Option<String>),
    /// Deactivate.
    Deactivate,
    /// Reset passwords: each active user gets a personal link to choose a new one.
    ResetPassword,
    /// A new personal login code for each active user, sent to them.
    LoginCode,
    /// Change groups: how, and which (not archived, of the company).
    Groups(SetChange, Vec<i64>),
    /// Change tags: how, and which (of the company).
    Tags(SetChange, Vec<i64>),
    /// Change permission profiles: how, and which (of the company).
    Profiles(SetChange, Vec<i64>),
}

impl Action {
    /// What asking it needs (H6, H7): deleting is for administrators.
    pub const fn need(&self) -> Need {
        Need::Permission(match self {
            Self::Delete | Self::Profiles(..) => return Need::Administrator,
            Self::Activate(_) | Self::Deactivate | Self::ResetPassword | Self::Tags(..) => Permission::EditUsers,
            Self::LoginCode => Permission::CreateWithCode,
            Self::Groups(..) => Permission::ManageGroups,
        })
    }
}

/// A bulk action as asked: `{"action": "groups", "change": "add", "ids": [3]}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionForm {
    /// [`ActionKind`] code.
    pub action: String,
    /// [`SetChange`] code, for groups and tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
    /// Group or tag ids, for groups and tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<i64>>,
    /// For an activation: the hash of the password to set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
}

/// Replaces a stored action's password hash with `"password": true`: what
/// people may see of it, in a job's view, its result or the audit log.
pub fn hide_password(action: &mut serde_json::Value) {
    if let Some(fields) = action.as_object_mut()
        && fields.remove("password_hash").is_some()
    {
        fields.insert("password".into(), true.into());
    }
}

impl ActionForm {
    /// The action, or each field that cannot be taken.
    ///
    /// # Errors
    /// Field errors on `action`, `change` or `ids`.
    pub fn parse(&self) -> Result<Action, Vec<FieldError>> {
        let kind =
            ActionKind::parse(&self.action).map_err(|_| vec![FieldError::new("action", Message::UnknownValue)])?;
        let named = |errors: &mut Vec<FieldError>| -> Option<(SetChange, Vec<i64>)> {
            let change = match self.change.as_deref().map(SetChange::parse) {
                Some(Ok(c)) => Some(c),
                Some(Err(_)) => {
                    errors.push(FieldError::new("change", Message::UnknownValue));
                    None
                }
                None => {
                    errors.push(FieldError::new("change", Message::Required));
                    None
                }
            };
            let mut ids = self.ids.clone().unwrap_or_default();
            ids.sort_unstable();
            ids.dedup();
            if ids.len() > MAX_NAMED || ids.iter().any(|id| !(1..=MAX_ID).contains(id)) {
                errors.push(FieldError::new("ids", Message::OutOfRange));
            } else if ids.is_empty() && change != Some(SetChange::Reset) {
                // Replacing with nothing empties; adding or removing nothing does nothing.
                errors.push(FieldError::new("ids", Message::Required));
            }
            Some((change?, ids)).filter(|_| errors.is_empty())
        };
        let mut errors = Vec::new();
        let action = match kind {
            ActionKind::Delete => Some(Action::Delete),
            ActionKind::Activate => Some(Action::Activate(self.password_hash.clone())),
            ActionKind::Deactivate => Some(Action::Deactivate),
            ActionKind::ResetPassword => Some(Action::ResetPassword),
            ActionKind::LoginCode => Some(Action::LoginCode),
            ActionKind::Groups => named(&mut errors).map(|(c, ids)| Action::Groups(c, ids)),
            ActionKind::Tags => named(&mut errors).map(|(c, ids)| Action::Tags(c, ids)),
            ActionKind::Profiles => named(&mut errors).map(|(c, ids)| Action::Profiles(c, ids)),
        };
        if !matches!(kind, ActionKind::Groups | ActionKind::Tags | ActionKind::Profiles) {
            for (field, given) in [("change", self.change.is_some()), ("ids", self.ids.is_some())] {
                if given {
                    errors.push(FieldError::new(field, Message::UnknownValue));
                }
            }
        }
        if kind != ActionKind::Activate && self.password_hash.is_some() {
            errors.push(FieldError::new("password", Message::UnknownValue));
        }
        match action {
            Some(action) if errors.is_empty() => Ok(action),
            _ => Err(errors),
        }
    }
}

impl Action {
    /// What it does.
    pub const fn kind(&self) -> ActionKind {
        match self {
            Self::Delete => ActionKind::Delete,
            Self::Activate(_) => ActionKind::Activate,
            Self::Deactivate => ActionKind::Deactivate,
            Self::ResetPassword => ActionKind::ResetPassword,
            Self::LoginCode => ActionKind::LoginCode,
            Self::Groups(..) => ActionKind::Groups,
            Self::Tags(..) => ActionKind::Tags,
            Self::Profiles(..) => ActionKind::Profiles,
        }
    }

    /// The action as asked, to store with its job.
    pub fn form(&self) -> ActionForm {
        let named = |change: &SetChange, ids: &Vec<i64>| (Some(change.code().to_owned()), Some(ids.clone()));
        let (change, ids) = match self {
            Self::Groups(c, ids) | Self::Tags(c, ids) | Self::Profiles(c, ids) => named(c, ids),
            _ => (None, None),
        };
        let password_hash = match self {
            Self::Activate(hash) => hash.clone(),
            _ => None,
        };
        ActionForm { action: self.kind().code().to_owned(), change, ids, password_hash }
    }

    /// Whether the admin must confirm by typing how many users it touches,
    /// besides the count every deletion names: deleting or deactivating
    /// more than the guard's number of users, or its share of the company.
    pub const fn needs_typed_confirmation(&self, guard: MassGuard, selected: u64, company_users: u64) -> bool {
        matches!(self, Self::Delete | Self::Deactivate)
            && (selected > guard.users as u64 || selected * 100 > company_users * guard.percent as u64)
    }

    /// Whether the admin must confirm the count at all: deletions, and
    /// resets, which stop passwords working at once.
    pub const fn needs_confirmation(&self, guard: MassGuard, selected: u64, company_users: u64) -> bool {
        matches!(self, Self::Delete | Self::ResetPassword)
            || self.needs_typed_confirmation(guard, selected, company_users)
    }
}

/// What is known of one selected user when deciding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target<'a> {
    /// The user's status.
    pub status: UserStatus,
    /// The user's licence level: whether activating them takes a seat.
    pub licence_level: LicenceLevel,
    /// Whether it is the admin who asked.
    pub is_admin_self: bool,
    /// Whether the user holds powers the asker lacks
    /// ([`covers`](crate::permissions::covers) said no).
    pub outranked: bool,
    /// For groups and tags: the ids the user holds now (sorted).
    pub held: &'a [i64],
}

/// What an action does to one user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The action applies; for groups and tags, the ids to add and to take off.
    Apply {
        /// Ids to add.
        add: Vec<i64>,
        /// Ids to take off.
        remove: Vec<i64>,
    },
    /// The user stays as they were, for this reason.
    Skip(Skip),
}

/// Licence seats left while deciding a step, counted down by activations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seats(pub i64);

impl Action {
    /// What the action does to `target`. An activation that takes a seat
    /// (a deactivated creator's) counts it off `seats`.
    pub fn decide(&self, target: &Target<'_>, seats: &mut Seats) -> Decision {
        use UserStatus as S;
        let apply = || Decision::Apply { add: Vec::new(), remove: Vec::new() };
        if target.status == S::Deleted {
            return Decision::Skip(Skip::Deleted);
        }
        if target.outranked {
            return Decision::Skip(Skip::Outranked);
        }
        match self {
            Self::Delete if target.is_admin_self => Decision::Skip(Skip::Yourself),
            Self::Delete => apply(),
            Self::Activate(_) => match target.status {
                S::Active => Decision::Skip(Skip::AlreadyActive),
                from => {
                    let level = target.licence_level;
                    let asked = i64::from(Licences::asked_by(Some((from, level)), (S::Active, level)));
                    if asked > seats.0 {
                        return Decision::Skip(Skip::NoLicence);
                    }
                    seats.0 -= asked;
                    apply()
                }
            },
            Self::Deactivate => match target.status {
                S::Inactive => Decision::Skip(Skip::AlreadyInactive),
                S::Created | S::Invited => Decision::Skip(Skip::NotActive),
                _ if target.is_admin_self => Decision::Skip(Skip::Yourself),
                _ => apply(),
            },
            Self::ResetPassword | Self::LoginCode => match target.status {
                S::Created | S::Invited => Decision::Skip(Skip::NotActive),
                S::Inactive => Decision::Skip(Skip::Deactivated),
                _ if target.is_admin_self && *self == Self::ResetPassword => Decision::Skip(Skip::Yourself),
                _ => apply(),
            },
            Self::Groups(change, ids) | Self::Tags(change, ids) | Self::Profiles(change, ids) => {
                let (add, remove): (Vec<i64>, Vec<i64>) = match change {
                    SetChange::Add => (ids.iter().filter(|i| !target.held.contains(i)).copied().collect(), Vec::new()),
                    SetChange::Remove => {
                        (Vec::new(), ids.iter().filter(|i| target.held.contains(i)).copied().collect())
                    }
                    SetChange::Reset => (
                        ids.iter().filter(|i| !target.held.contains(i)).copied().collect(),
                        target.held.iter().filter(|i| !ids.contains(i)).copied().collect(),
                    ),
                };
                if add.is_empty() && remove.is_empty() {
                    Decision::Skip(Skip::Unchanged)
                } else {
                    Decision::Apply { add, remove }
                }
            }
        }
    }
}

impl Action {
    /// For each status a user may have when the change is written, the
    /// outcome code of a user the action was decided to apply to:
    /// `applied` when the status still lets it apply, else the reason.
    /// Decisions are taken on a read made before the write; parallel
    /// actions may have changed a status since, and only what the write
    /// really changes is reported applied.
    pub fn outcome_by_status(&self) -> Vec<(UserStatus, &'static str)> {
        UserStatus::ALL
            .iter()
            .map(|&status| {
                let target = Target {
                    status,
                    licence_level: LicenceLevel::Participant,
                    is_admin_self: false,
                    outranked: false,
                    held: &[],
                };
                let code = match self.decide(&target, &mut Seats(i64::MAX)) {
                    // A set action's change is checked apart: only the status matters here.
                    Decision::Apply { .. } | Decision::Skip(Skip::Unchanged) => "applied",
                    Decision::Skip(reason) => reason.code(),
                };
                (status, code)
            })
            .collect()
    }
}

/// The per-user report of a bulk action, written row by row: who, and
/// what happened to them (applied, or skipped with the reason), in the
/// admin's language.
pub struct ReportWriter {
    lang: Language,
    file: FileWriter,
}

impl ReportWriter {
    /// Starts the report, dated `now`.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn new(lang: Language, now: Timestamp) -> Result<Self, ExportError> {
        let headers = match lang {
            Language::Fr => ["Id", "Nom", "Prénom", "E-mail", "Matricule", "Résultat", "Raison"],
            Language::En | Language::De => {
                ["Id", "Last name", "First name", "E-mail", "Employee id", "Outcome", "Reason"]
            }
        };
        let headers = headers.iter().map(|h| (*h).to_owned()).collect();
        let file = FileWriter::new(Format::Xlsx, Self::sheet(lang), headers, vec![10, 22, 18, 30, 14, 12, 26], now)?;
        Ok(Self { lang, file })
    }

    /// The file's name.
    pub const fn file_name(lang: Language) -> &'static str {
        crate::messages::in_language(lang, "rapport-action.xlsx", "bulk-action-report.xlsx")
    }

    const fn sheet(lang: Language) -> &'static str {
        crate::messages::in_language(lang, "Rapport", "Report")
    }

    /// Adds one user: `person` is last name, first name, e-mail and
    /// employee id as they were; `outcome` is `applied` or a [`Skip`] code.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn add(&mut self, id: i64, person: &[Option<String>; 4], outcome: &str) -> Result<(), ExportError> {
        fn text(v: Option<&String>) -> Cell<'_> {
            v.map_or(Cell::Empty, |s| Cell::Text(s))
        }
        let skip = Skip::parse(outcome).ok();
        #[allow(clippy::cast_precision_loss)] // ids stay below 2^53
        let cells = [
            Cell::Number(id as f64),
            text(person[0].as_ref()),
            text(person[1].as_ref()),
            text(person[2].as_ref()),
            text(person[3].as_ref()),
            Cell::Text(if skip.is_some() {
                crate::messages::in_language(self.lang, "ignoré", "skipped")
            } else {
                crate::messages::in_language(self.lang, "appliqué", "applied")
            }),
            skip.map_or(Cell::Empty, |s| Cell::Text(s.label(self.lang))),
        ];
        self.file.row(&cells)
    }

    /// The bytes written so far and not yet taken.
    pub fn take_output(&mut self) -> Vec<u8> {
        self.file.take_output()
    }

    /// How many bytes wait in [`ReportWriter::take_output`].
    pub fn pending_output(&self) -> usize {
        self.file.pending_output()
    }

    /// Ends the file; gives the bytes not taken yet.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn finish(self) -> Result<Vec<u8>, ExportError> {
        self.file.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use UserStatus as S;

    fn form(action: &str, change: Option<&str>, ids: Option<Vec<i64>>) -> ActionForm {
        ActionForm { action: action.into(), change: change.map(Into::into), ids, password_hash: None }
    }

    fn decide(action: &Action, status: S, held: &[i64]) -> Decision {
        action.decide(
            &Target { status, licence_level: LicenceLevel::Creator, is_admin_self: false, outranked: false, held },
            &mut Seats(10),
        )
    }

    #[test]
    fn actions_are_read_with_every_wrong_field_named() {
        assert_eq!(form("delete", None, None).parse(), Ok(Action::Delete));
        assert_eq!(
            form("groups", Some("add"), Some(vec![4, 2, 4])).parse(),
            Ok(Action::Groups(SetChange::Add, vec![2, 4]))
        );
        assert_eq!(form("tags", Some("reset"), Some(vec![])).parse(), Ok(Action::Tags(SetChange::Reset, vec![])));
        let fields = |f: ActionForm| f.parse().unwrap_err().iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(form("explode", None, None)), ["action"]);
        assert_eq!(fields(form("groups", None, Some(vec![1]))), ["change"]);
        assert_eq!(fields(form("groups", Some("add"), Some(vec![]))), ["ids"]);
        assert_eq!(fields(form("tags", Some("add"), Some(vec![0]))), ["ids"]);
        assert_eq!(fields(form("tags", Some("add"), Some((1..=51).collect()))), ["ids"]);
        assert_eq!(fields(form("delete", Some("add"), Some(vec![1]))), ["change", "ids"]);
        // Only an activation sets a password, and its form keeps the hash to do it.
        let with = |action: &str| ActionForm { password_hash: Some("$hash".into()), ..form(action, None, None) };
        assert_eq!(fields(with("deactivate")), ["password"]);
        let activation = with("activate").parse().unwrap();
        assert_eq!(activation, Action::Activate(Some("$hash".into())));
        assert_eq!(activation.form().password_hash.as_deref(), Some("$hash"));
    }

    #[test]
    fn each_status_change_applies_only_where_it_fits() {
        let cases = [
            (Action::Delete, [None, None, None, None, Some(Skip::Deleted)]),
            (Action::Activate(None), [None, None, Some(Skip::AlreadyActive), None, Some(Skip::Deleted)]),
            (
                Action::Deactivate,
                [Some(Skip::NotActive), Some(Skip::NotActive), None, Some(Skip::AlreadyInactive), Some(Skip::Deleted)],
            ),
            (
                Action::ResetPassword,
                [Some(Skip::NotActive), Some(Skip::NotActive), None, Some(Skip::Deactivated), Some(Skip::Deleted)],
            ),
            (
                Action::LoginCode,
                [Some(Skip::NotActive), Some(Skip::NotActive), None, Some(Skip::Deactivated), Some(Skip::Deleted)],
            ),
        ];
        for (action, expected) in cases {
            for (status, skip) in [S::Created, S::Invited, S::Active, S::Inactive, S::Deleted].into_iter().zip(expected)
            {
                let got = match decide(&action, status, &[]) {
                    Decision::Skip(s) => Some(s),
                    Decision::Apply { .. } => None,
                };
                assert_eq!(got, skip, "{action:?} on {status:?}");
            }
        }
    }

    #[test]
    fn a_user_holding_more_than_the_asker_is_skipped_by_every_action() {
        let above = Target {
            status: S::Inactive,
            licence_level: LicenceLevel::Participant,
            is_admin_self: false,
            outranked: true,
            held: &[],
        };
        for action in [
            Action::Delete,
            Action::Activate(Some("hash".into())),
            Action::Deactivate,
            Action::ResetPassword,
            Action::LoginCode,
            Action::Groups(SetChange::Add, vec![1]),
            Action::Tags(SetChange::Add, vec![1]),
            Action::Profiles(SetChange::Add, vec![1]),
        ] {
            assert_eq!(action.decide(&above, &mut Seats(5)), Decision::Skip(Skip::Outranked), "{action:?}");
        }
    }

    #[test]
    fn a_status_changed_since_the_decision_gives_the_reason_it_now_has() {
        let of = |action: Action, status: S| {
            action.outcome_by_status().into_iter().find(|(s, _)| *s == status).map(|(_, code)| code)
        };
        assert_eq!(of(Action::Deactivate, S::Active), Some("applied"));
        assert_eq!(of(Action::Deactivate, S::Inactive), Some("already_inactive"));
        assert_eq!(of(Action::Deactivate, S::Deleted), Some("deleted"));
        assert_eq!(of(Action::Activate(None), S::Inactive), Some("applied"));
        assert_eq!(of(Action::Activate(None), S::Active), Some("already_active"));
        assert_eq!(of(Action::ResetPassword, S::Inactive), Some("deactivated"));
        assert_eq!(of(Action::Tags(SetChange::Add, vec![1]), S::Inactive), Some("applied"));
        assert_eq!(of(Action::Delete, S::Deleted), Some("deleted"));
    }

    #[test]
    fn the_admin_neither_deletes_nor_deactivates_themselves() {
        let me = Target {
            status: S::Active,
            licence_level: LicenceLevel::Creator,
            is_admin_self: true,
            outranked: false,
            held: &[],
        };
        assert_eq!(Action::Delete.decide(&me, &mut Seats(1)), Decision::Skip(Skip::Yourself));
        assert_eq!(Action::Deactivate.decide(&me, &mut Seats(1)), Decision::Skip(Skip::Yourself));
        assert_eq!(Action::ResetPassword.decide(&me, &mut Seats(1)), Decision::Skip(Skip::Yourself));
        assert!(
            matches!(Action::LoginCode.decide(&me, &mut Seats(1)), Decision::Apply { .. }),
            "a code locks nobody out"
        );
        assert!(matches!(Action::Tags(SetChange::Add, vec![1]).decide(&me, &mut Seats(1)), Decision::Apply { .. }));
    }

    #[test]
    fn activation_stops_at_the_licence_capacity_but_created_and_invited_users_hold_a_seat() {
        let mut seats = Seats(1);
        let target =
            |status, licence_level| Target { status, licence_level, is_admin_self: false, outranked: false, held: &[] };
        let creator = LicenceLevel::Creator;
        assert!(matches!(
            Action::Activate(None).decide(&target(S::Inactive, creator), &mut seats),
            Decision::Apply { .. }
        ));
        assert_eq!(
            Action::Activate(None).decide(&target(S::Inactive, creator), &mut seats),
            Decision::Skip(Skip::NoLicence)
        );
        assert!(matches!(
            Action::Activate(None).decide(&target(S::Created, creator), &mut seats),
            Decision::Apply { .. }
        ));
        assert!(matches!(
            Action::Activate(None).decide(&target(S::Invited, creator), &mut seats),
            Decision::Apply { .. }
        ));
        let participant = target(S::Inactive, LicenceLevel::Participant);
        assert!(matches!(Action::Activate(None).decide(&participant, &mut seats), Decision::Apply { .. }));
        assert_eq!(seats, Seats(0));
    }

    #[test]
    fn sets_change_by_adding_removing_or_replacing() {
        let add = Action::Groups(SetChange::Add, vec![1, 2]);
        assert_eq!(decide(&add, S::Active, &[2, 5]), Decision::Apply { add: vec![1], remove: vec![] });
        assert_eq!(decide(&add, S::Inactive, &[1, 2]), Decision::Skip(Skip::Unchanged));
        let remove = Action::Tags(SetChange::Remove, vec![1, 2]);
        assert_eq!(decide(&remove, S::Created, &[2, 5]), Decision::Apply { add: vec![], remove: vec![2] });
        assert_eq!(decide(&remove, S::Created, &[5]), Decision::Skip(Skip::Unchanged));
        let reset = Action::Groups(SetChange::Reset, vec![1, 2]);
        assert_eq!(decide(&reset, S::Invited, &[2, 5]), Decision::Apply { add: vec![1], remove: vec![5] });
        assert_eq!(decide(&reset, S::Invited, &[1, 2]), Decision::Skip(Skip::Unchanged));
        assert_eq!(decide(&reset, S::Deleted, &[]), Decision::Skip(Skip::Deleted));
    }

    #[test]
    fn the_guard_asks_for_typing_past_its_number_or_its_share() {
        let guard = MassGuard::default();
        assert!(!Action::Delete.needs_typed_confirmation(guard, 1_000, 100_000));
        assert!(Action::Delete.needs_typed_confirmation(guard, 1_001, 100_000));
        assert!(!Action::Deactivate.needs_typed_confirmation(guard, 4, 40));
        assert!(Action::Deactivate.needs_typed_confirmation(guard, 5, 40));
        assert!(!Action::Activate(None).needs_typed_confirmation(guard, 40, 40));
        assert!(Action::Delete.needs_confirmation(guard, 1, 40));
        assert!(!Action::Deactivate.needs_confirmation(guard, 1, 40));
    }

    #[test]
    fn the_report_says_applied_or_skipped_with_the_reason_in_the_admins_language() {
        let now = Timestamp::parse("2026-11-23T10:00:00Z").unwrap();
        let mut report = ReportWriter::new(Language::Fr, now).unwrap();
        let zoe = [Some("Martin".to_owned()), Some("Zoé".to_owned()), Some("zoe@a.example".to_owned()), None];
        report.add(7, &zoe, "applied").unwrap();
        report.add(9, &[Some("=cmd".to_owned()), None, None, None], "already_active").unwrap();
        let mut bytes = report.take_output();
        bytes.extend(report.finish().unwrap());
        let rows = crate::export::read_back(&bytes);
        let text = |row: usize| rows[row].iter().map(|v| v.text().unwrap_or_default()).collect::<Vec<_>>();
        assert_eq!(text(0)[5..], ["Résultat", "Raison"]);
        assert_eq!(text(1)[..3], ["7", "Martin", "Zoé"]);
        assert_eq!(text(1)[5], "appliqué");
        assert_eq!(text(2)[1], "=cmd", "kept as text, never a live formula");
        assert_eq!(text(2)[5..], ["ignoré", "déjà actif"]);
    }

    #[test]
    fn an_action_survives_its_stored_form() {
        for action in
            [Action::Delete, Action::Groups(SetChange::Reset, vec![]), Action::Tags(SetChange::Remove, vec![3])]
        {
            assert_eq!(action.form().parse(), Ok(action));
        }
    }

    #[test]
    fn profiles_change_like_groups_and_only_administrators_ask_it() {
        let asked = form("profiles", Some("remove"), Some(vec![7])).parse();
        assert_eq!(asked, Ok(Action::Profiles(SetChange::Remove, vec![7])));
        assert_eq!(Action::Profiles(SetChange::Add, vec![7]).need(), Need::Administrator);
        assert_eq!(Action::Delete.need(), Need::Administrator);
        assert_eq!(Action::LoginCode.need(), Need::Permission(Permission::CreateWithCode));
        assert_eq!(Action::Groups(SetChange::Add, vec![1]).need(), Need::Permission(Permission::ManageGroups));
        assert!(form("profiles", None, Some(vec![7])).parse().is_err(), "profiles need a change");
    }
}
