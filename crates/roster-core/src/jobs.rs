//! Background jobs (imports, exports, and later invitations and bulk
//! actions): what a job is, where it stands, what it was asked and what it
//! gave, and how long its files live. The server stores and runs them; the
//! rules about them are here, in one place.

use serde::{Deserialize, Serialize};

use crate::Language;
use crate::export::Format;
use crate::export::users::UserFile;
use crate::invitation::schedule::Schedule;
use crate::time::Timestamp;

/// How long a finished job's files may be downloaded.
pub const FILES_KEPT_DAYS: i64 = 4;
/// How far back the imports and exports dashboard lists jobs.
pub const DASHBOARD_DAYS: i64 = 30;
/// The jobs one dashboard page lists at most (newest first).
pub const DASHBOARD_MAX_JOBS: u32 = 500;
/// The window of per-user statistics in exports: the last twelve months.
pub const STATISTICS_DAYS: i64 = 365;
/// How long a running job may go without a sign of life before another
/// delivery of it takes over.
pub const LEASE_SECONDS: i64 = 120;
/// Runs a job may have before an error ends it for good.
pub const MAX_RUNS: i64 = 3;

/// What a job does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Reads a file into the company.
    Import,
    /// Writes the company's data into files.
    Export,
    /// Invites people to an activity, in batches.
    Invitation,
    /// Does one action to a selection of users (F3).
    Bulk,
}

impl JobKind {
    /// The stored code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Import => "import",
            Self::Export => "export",
            Self::Invitation => "invitation",
            Self::Bulk => "bulk",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        [Self::Import, Self::Export, Self::Invitation, Self::Bulk].into_iter().find(|k| k.code() == code)
    }
}

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for the queue.
    Queued,
    /// A delivery holds it.
    Running,
    /// Finished; its result is kept.
    Done,
    /// Ended on an error; nothing of it is live.
    Failed,
}

impl JobStatus {
    /// The stored code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        [Self::Queued, Self::Running, Self::Done, Self::Failed].into_iter().find(|s| s.code() == code)
    }

    /// True once nothing more will happen to the job.
    pub const fn is_finished(self) -> bool {
        matches!(self, Self::Done | Self::Failed)
    }
}

/// What a job was asked to do, by kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum JobParams {
    /// A users import: the uploaded file.
    UserImport(UserImport),
    /// A users export: format and language of the files.
    UserExport(UserExport),
    /// An invitation to an activity: recipients and schedule.
    ActivityInvitation(ActivityInvitation),
    /// An invitation file import: the uploaded file.
    InvitationImport(InvitationImport),
    /// A bulk action on users: the action and how many were selected.
    BulkAction(BulkAction),
}

/// A bulk action's parameters (F3); its selection is stored beside the job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkAction {
    /// The action as asked.
    pub action: crate::bulk::ActionForm,
    /// How many users were selected.
    pub selected: u64,
    /// The language of the report: the admin's.
    pub language: Language,
    /// Where the console is served, for the links a password reset sends.
    #[serde(default)]
    pub origin: Option<String>,
}

/// An invitation to an activity's parameters (E1–E3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityInvitation {
    /// The activity.
    pub activity_id: i64,
    /// Groups whose members are invited.
    pub groups: Vec<i64>,
    /// Users invited one by one.
    pub users: Vec<i64>,
    /// Contacts invited one by one.
    pub contacts: Vec<i64>,
    /// When the messages go.
    pub schedule: Schedule,
    /// The console's address, for links in messages.
    pub origin: String,
    /// The language of messages to contacts: the inviter's.
    pub language: Language,
}

/// A users import's parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)] // told apart from an invitation import by its fields
pub struct UserImport {
    /// The uploaded file's name, as cleaned by [`crate::text::file_name`].
    pub file_name: String,
    /// Its size.
    pub bytes: u64,
    /// Where the server stored it.
    pub key: String,
}

/// An invitation file import's parameters (D1–D5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvitationImport {
    /// The uploaded file's name, as cleaned by [`crate::text::file_name`].
    pub file_name: String,
    /// Its size.
    pub bytes: u64,
    /// Where the server stored it.
    pub key: String,
    /// The console's address, for links in messages.
    pub origin: String,
    /// The language of messages to contacts: the importer's.
    pub language: Language,
}

/// A users export's parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserExport {
    /// The files' format.
    pub format: Format,
    /// The language of their headers and values.
    pub language: Language,
    /// The console's address, for the link in the notice.
    pub origin: String,
    /// Only the users inside this user's perimeter: the requester's, when
    /// their permission is scoped (H5).
    #[serde(default)]
    pub within_perimeter_of: Option<i64>,
    /// For an export of group members (G1): the groups whose members it
    /// lists, each with all their groups, in one file. Empty for the
    /// three files of every user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<i64>,
    /// Those groups' names when it was asked, to say what the job is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_names: Vec<String>,
    /// For the list behind a monthly figure (J5): the month (`2026-11`)
    /// and the figure whose users it lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<(String, crate::insights::Measure)>,
}

impl UserExport {
    /// The files it writes: the members of its groups, or every user in three.
    pub fn files(&self) -> &'static [UserFile] {
        if self.month.is_some() {
            &[UserFile::MonthlyActive]
        } else if self.groups.is_empty() {
            &UserFile::ALL
        } else {
            &[UserFile::GroupMembers]
        }
    }
}

impl JobParams {
    /// The kind of job these parameters ask for.
    pub const fn kind(&self) -> JobKind {
        match self {
            Self::UserImport(_) | Self::InvitationImport(_) => JobKind::Import,
            Self::UserExport(_) => JobKind::Export,
            Self::ActivityInvitation(_) => JobKind::Invitation,
            Self::BulkAction(_) => JobKind::Bulk,
        }
    }

    /// What the job is about (`users`, `group_members`, `invitations` …).
    pub fn subject(&self) -> &'static str {
        match self {
            Self::UserExport(export) if !export.groups.is_empty() => "group_members",
            Self::UserExport(export) if export.month.is_some() => "monthly_active",
            Self::UserImport(_) | Self::UserExport(_) | Self::BulkAction(_) => "users",
            Self::ActivityInvitation(_) => "activity",
            Self::InvitationImport(_) => "invitations",
        }
    }

    /// The groups whose managers may read the job besides its requester
    /// and the administrators (J4): those of an export of groups' members.
    pub fn shared_with_managers_of(&self) -> &[i64] {
        match self {
            Self::UserExport(export) => &export.groups,
            _ => &[],
        }
    }

    /// Stored parameters as people may see them, in a job's view or the
    /// audit log: a password's hash stays in storage only.
    pub fn shown(mut stored: serde_json::Value) -> serde_json::Value {
        if let Some(action) = stored.get_mut("action") {
            crate::bulk::hide_password(action);
        }
        stored
    }

    /// Reads stored parameters as the stored kind says they are.
    pub fn read(kind: JobKind, json: &str) -> Option<Self> {
        match kind {
            JobKind::Import => serde_json::from_str(json)
                .ok()
                .map(Self::UserImport)
                .or_else(|| serde_json::from_str(json).ok().map(Self::InvitationImport)),
            JobKind::Export => serde_json::from_str(json).ok().map(Self::UserExport),
            JobKind::Invitation => serde_json::from_str(json).ok().map(Self::ActivityInvitation),
            JobKind::Bulk => serde_json::from_str(json).ok().map(Self::BulkAction),
        }
    }
}

/// Until when a job finished at `finished` keeps its files.
pub const fn files_expire_at(finished: Timestamp) -> Timestamp {
    finished.plus_days(FILES_KEPT_DAYS)
}

/// Whether a job whose files expire at `expires_at` (none while it runs)
/// has lost them at `now`: the one rule downloads, listings and the
/// cleanup follow.
pub fn files_expired(expires_at: Option<Timestamp>, now: Timestamp) -> bool {
    expires_at.is_some_and(|at| at <= now)
}

/// The oldest job the dashboard lists at `now`.
pub const fn dashboard_since(now: Timestamp) -> Timestamp {
    now.plus_days(-DASHBOARD_DAYS)
}

/// The start of the statistics window at `now`.
pub const fn statistics_since(now: Timestamp) -> Timestamp {
    now.plus_days(-STATISTICS_DAYS)
}

/// A running job whose last sign of life is before this may be taken over.
pub const fn lease_lapsed_before(now: Timestamp) -> Timestamp {
    now.plus_seconds(-LEASE_SECONDS)
}

/// Progress between `from` and `to` percent after `done` of `total` steps.
pub fn progress(from: i64, to: i64, done: u64, total: u64) -> i64 {
    let span = u64::try_from((to - from).max(0)).unwrap_or(0);
    let part = (done.min(total) * span).checked_div(total).unwrap_or(span);
    from + i64::try_from(part).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn a_password_hash_is_never_shown() {
        let stored =
            serde_json::json!({ "action": { "action": "activate", "password_hash": "$pbkdf2" }, "selected": 3 });
        let shown = JobParams::shown(stored);
        assert_eq!(shown, serde_json::json!({ "action": { "action": "activate", "password": true }, "selected": 3 }));
        let plain = serde_json::json!({ "format": "csv" });
        assert_eq!(JobParams::shown(plain.clone()), plain);
    }

    #[test]
    fn files_live_four_days_to_the_second() {
        let finished = at("2026-11-22T09:30:00Z");
        let expires = files_expire_at(finished);
        assert_eq!(expires, at("2026-11-26T09:30:00Z"));
        assert!(!files_expired(Some(expires), expires.plus_seconds(-1)));
        assert!(files_expired(Some(expires), expires));
        assert!(!files_expired(None, at("2099-01-01T00:00:00Z")), "a running job has no end yet");
    }

    #[test]
    fn windows_look_back_from_now() {
        let now = at("2026-11-22T00:00:00Z");
        assert_eq!(dashboard_since(now), at("2026-10-23T00:00:00Z"));
        assert_eq!(statistics_since(now), at("2025-11-22T00:00:00Z"));
        assert_eq!(lease_lapsed_before(now), at("2026-11-21T23:58:00Z"));
    }

    #[test]
    fn codes_read_back() {
        for kind in [JobKind::Import, JobKind::Export, JobKind::Invitation, JobKind::Bulk] {
            assert_eq!(JobKind::parse(kind.code()), Some(kind));
        }
        for status in [JobStatus::Queued, JobStatus::Running, JobStatus::Done, JobStatus::Failed] {
            assert_eq!(JobStatus::parse(status.code()), Some(status));
        }
        assert_eq!(JobStatus::parse("paused"), None);
        assert!(JobStatus::Failed.is_finished() && !JobStatus::Running.is_finished());
    }

    #[test]
    fn parameters_are_read_as_their_kind() {
        let export = JobParams::UserExport(UserExport {
            format: Format::Xlsx,
            language: Language::Fr,
            origin: "http://127.0.0.1:8787".into(),
            within_perimeter_of: Some(4),
            groups: Vec::new(),
            group_names: Vec::new(),
            month: Some(("2026-11".into(), crate::insights::Measure::ActiveAccounts)),
        });
        let stored = serde_json::to_string(&export).unwrap();
        assert_eq!(JobParams::read(JobKind::Export, &stored), Some(export.clone()));
        assert_eq!(JobParams::read(JobKind::Import, &stored), None);
        assert_eq!((export.kind(), export.subject()), (JobKind::Export, "monthly_active"));
        let import = JobParams::UserImport(UserImport { file_name: "a.csv".into(), bytes: 3, key: "k".into() });
        assert_eq!(JobParams::read(JobKind::Import, &serde_json::to_string(&import).unwrap()), Some(import));
        let invitations = JobParams::InvitationImport(InvitationImport {
            file_name: "plan.xlsx".into(),
            bytes: 3,
            key: "k".into(),
            origin: "https://roster.example".into(),
            language: Language::Fr,
        });
        let stored = serde_json::to_string(&invitations).unwrap();
        assert_eq!(JobParams::read(JobKind::Import, &stored), Some(invitations));
    }

    #[test]
    fn progress_stays_within_its_span() {
        assert_eq!(progress(30, 95, 0, 10), 30);
        assert_eq!(progress(30, 95, 5, 10), 62);
        assert_eq!(progress(30, 95, 99, 10), 95);
        assert_eq!(progress(5, 95, 0, 0), 95);
    }
}
