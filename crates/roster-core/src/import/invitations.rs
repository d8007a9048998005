//! The invitation import file (D): one row per invitation to an activity,
//! checked against a snapshot of the company's activities, groups and
//! people, with the plan of the invitations it would create.

use serde::{Deserialize, Serialize};

use super::{Outcome, Remark, Remarks, Severity};
use crate::invitation::batch::{self, Batch};
use crate::invitation::schedule::{Schedule, local_time_message};
use crate::model::{ActivityType, CountryCode, Email, Mobile, UserStatus};
use crate::sheet::{self, Format, Limits, Row, SheetError, Value};
use crate::text;
use crate::text::FastMap;
use crate::time::{LocalTimeError, Timestamp, Zone};
use crate::time_text::{self, DateTimeError, LocalDateTime, PeriodError};
use crate::vocabulary::vocabulary;
use crate::{Language, Message};

vocabulary! {
    /// A column of the invitation import file, by its code, its French or
    /// English name or an alias, whatever the case and accents (D2).
    pub enum Column {
        /// The activity's type (one of the six).
        Type = "type" { fr: "type", en: "type", also: ["type d'invitation", "type d'activité", "type activité", "invitation type", "activity type"] },
        /// The activity, by its name or its id.
        Activity = "activity" { fr: "activité", en: "activity", also: ["activite", "nom de l'activité", "titre", "title", "activity name", "id de l'activité", "activity id"] },
        /// Groups invited, separated by commas.
        Groups = "groups" { fr: "groupes", en: "groups", also: ["groupe", "group", "liste des groupes"] },
        /// The single user invited when no group is given: e-mail, mobile or employee id.
        User = "user" { fr: "utilisateur", en: "user", also: ["utilisateur unique", "destinataire", "recipient", "single user"] },
        /// The start, date and time in the company's time zone.
        Start = "start" { fr: "démarrage", en: "start", also: ["date de démarrage", "date et heure de démarrage", "début", "date de début", "start date", "starts"] },
        /// The end of the start period.
        StartUntil = "start_until" { fr: "fin de la période de démarrage", en: "end of the start period", also: ["fin de période de démarrage", "fin du démarrage", "fin", "end of start period", "start period end", "start until"] },
        /// Resend every this many days to those who have not started (not for cycles).
        ResendEvery = "resend_every" { fr: "période de renvoi", en: "resend period", also: ["renvoi", "période de relance", "relance", "resend", "resend every"] },
        /// Remind this many days after the start (modules only).
        RemindAfter = "remind_after" { fr: "période de rappel", en: "reminder period", also: ["rappel", "rappel après", "reminder", "remind after"] },
    }
}

impl Column {
    /// The columns a file must have; besides, it needs `groups` or `user`.
    pub const REQUIRED: [Self; 4] = [Self::Type, Self::Activity, Self::Start, Self::StartUntil];

    /// The values a cell may hold, for enumerated columns, in `lang`.
    pub fn allowed_values(self, lang: Language) -> Option<Vec<&'static str>> {
        (self == Self::Type).then(|| ActivityType::ALL.iter().map(|t| t.label(lang)).collect())
    }
}

/// What the check needs besides the file: who reads the remarks, the
/// company's calling code for mobiles written nationally, and the time of
/// the check (a start must come after it).
#[derive(Clone, Copy, Debug)]
pub struct Context {
    /// The language of remarks.
    pub language: Language,
    /// The company's calling code.
    pub country_code: CountryCode,
    /// When the check runs.
    pub now: Timestamp,
}

/// An activity of the company.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotActivity {
    /// Its id.
    pub id: i64,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: ActivityType,
    /// Its title.
    pub title: String,
    /// Whether it is archived.
    #[serde(default)]
    pub archived: bool,
}

/// A group of the company with its members.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotGroup {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Whether it is archived.
    #[serde(default)]
    pub archived: bool,
    /// Its users' ids.
    #[serde(default)]
    pub users: Vec<i64>,
    /// Its contacts' ids (contacts that did not become users).
    #[serde(default)]
    pub contacts: Vec<i64>,
}

/// A user of the company, as far as finding and ordering them needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotUser {
    /// Their id.
    pub id: i64,
    /// E-mail, lower case.
    #[serde(default)]
    pub email: Option<String>,
    /// Mobile, E.164.
    #[serde(default)]
    pub mobile: Option<String>,
    /// Employee id.
    #[serde(default)]
    pub employee_id: Option<String>,
    /// Their status.
    pub status: UserStatus,
    /// Their place in directory order.
    pub sort_key: String,
}

/// A contact of the company, as far as ordering needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotContact {
    /// Its id.
    pub id: i64,
    /// Its place in directory order.
    pub sort_key: String,
}

/// What the company holds now: what `GET /api/v1/imports/invitations/snapshot`
/// answers, what the browser and `roster validate invitations` check against.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The company's time zone: dates in the file are read in it.
    #[serde(default)]
    pub time_zone: Zone,
    /// Its activities.
    #[serde(default)]
    pub activities: Vec<SnapshotActivity>,
    /// Its groups, with their members.
    #[serde(default)]
    pub groups: Vec<SnapshotGroup>,
    /// Its users (deleted ones may be left out).
    #[serde(default)]
    pub users: Vec<SnapshotUser>,
    /// Its contacts.
    #[serde(default)]
    pub contacts: Vec<SnapshotContact>,
}

/// An invitation the file would create (one row).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlannedInvitation {
    /// The row.
    pub row: u32,
    /// The activity's id.
    pub activity_id: i64,
    /// Its title.
    pub activity: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: ActivityType,
    /// The groups invited, by id.
    pub groups: Vec<i64>,
    /// The single user invited, when no group is given.
    pub user: Option<i64>,
    /// The schedule (UTC).
    pub schedule: Schedule,
    /// The start in the company's time zone, as read.
    pub start_local: String,
    /// The end of the start period in the company's time zone.
    pub start_until_local: String,
    /// People invited, each once, earlier rows of the same activity aside.
    pub recipients: usize,
    /// Deactivated or deleted users of its groups, not invited.
    pub skipped: usize,
    /// People of its groups invited to the activity by an earlier row.
    pub invited_by_earlier_rows: usize,
    /// The batches of 200 it is split into.
    pub batches: Vec<Batch>,
}

/// How many of each the plan holds, whatever is kept of it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Invitations (rows) to create.
    pub invitations: usize,
    /// People invited, over every invitation.
    pub recipients: usize,
    /// Batches of 200, over every invitation.
    pub batches: usize,
}

/// What importing the file would create.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Totals, always complete.
    pub counts: Counts,
    /// The invitations, in row order (the first ones only, in a summary).
    pub invitations: Vec<PlannedInvitation>,
}

/// How much of the plan to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Every invitation: to apply the file.
    Full,
    /// Counts and the first invitations: to show the file.
    Summary {
        /// Invitations kept.
        invitations: usize,
    },
}

/// The whole finding on a file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The file's format.
    pub format: Format,
    /// Data rows read.
    pub rows: u32,
    /// The columns recognised, in file order.
    pub columns: Vec<Column>,
    /// The remarks.
    pub remarks: Remarks,
    /// What importing would create.
    pub plan: Plan,
    /// How the import would end.
    pub outcome: Outcome,
}

/// Reads and checks an invitation import file against the company's `snapshot`.
///
/// # Errors
/// [`SheetError`] when the file cannot be read at all.
pub fn validate(bytes: &[u8], context: &Context, snapshot: &Snapshot, limits: Limits) -> Result<Report, SheetError> {
    validate_with_progress(bytes, context, snapshot, limits, Detail::Full, &mut |_| {})
}

/// As [`validate`], keeping `detail` of the plan and reporting the share
/// of the file read.
///
/// # Errors
/// [`SheetError`] when the file cannot be read at all.
pub fn validate_with_progress(
    bytes: &[u8],
    context: &Context,
    snapshot: &Snapshot,
    limits: Limits,
    detail: Detail,
    on_progress: &mut dyn FnMut(f64),
) -> Result<Report, SheetError> {
    let mut checker = Checker::new(context, snapshot, detail);
    let format = sheet::read_with_progress(bytes, limits, &mut |row| checker.row(row), on_progress)?;
    Ok(checker.finish(format))
}

/// A dense person number (the snapshot holds far fewer than 2³² people).
fn dense(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The company's data, indexed for the rows.
struct Index<'a> {
    snapshot: &'a Snapshot,
    activities_by_id: FastMap<i64, usize>,
    activities_by_title: FastMap<String, Vec<usize>>,
    groups_by_name: FastMap<String, usize>,
    /// Users by e-mail (lower case), by mobile (E.164), by employee id (folded).
    users_by_key: [FastMap<String, usize>; 3],
    users_by_id: FastMap<i64, usize>,
    /// Each group's people as dense numbers (see [`Index::person`]) that
    /// can be invited, and how many of its users cannot.
    group_people: FastMap<i64, (Vec<u32>, usize)>,
}

impl<'a> Index<'a> {
    fn new(snapshot: &'a Snapshot) -> Self {
        let mut index = Self {
            snapshot,
            activities_by_id: FastMap::default(),
            activities_by_title: FastMap::default(),
            groups_by_name: FastMap::default(),
            users_by_key: Default::default(),
            users_by_id: FastMap::default(),
            group_people: FastMap::default(),
        };
        for (i, a) in snapshot.activities.iter().enumerate() {
            index.activities_by_id.insert(a.id, i);
            index.activities_by_title.entry(text::key(&a.title)).or_default().push(i);
        }
        for (i, g) in snapshot.groups.iter().enumerate() {
            index.groups_by_name.insert(text::fold(g.name.trim()), i);
        }
        for (i, u) in snapshot.users.iter().enumerate() {
            index.users_by_id.insert(u.id, i);
            let keys = [
                u.email.as_deref().map(|e| (0, e.to_lowercase())),
                u.mobile.as_deref().map(|m| (1, m.to_owned())),
                u.employee_id.as_deref().map(|e| (2, text::fold(e.trim()))),
            ];
            for (kind, key) in keys.into_iter().flatten() {
                index.users_by_key[kind].insert(key, i);
            }
        }
        let contacts: FastMap<i64, usize> = snapshot.contacts.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let first_contact = snapshot.users.len();
        for g in &snapshot.groups {
            let (mut people, mut skipped) = (Vec::with_capacity(g.users.len() + g.contacts.len()), 0);
            for id in &g.users {
                match index.users_by_id.get(id) {
                    Some(&i) if Self::invitable(&snapshot.users[i]) => people.push(dense(i)),
                    Some(_) => skipped += 1,
                    None => {} // not in the company's directory
                }
            }
            people.extend(g.contacts.iter().filter_map(|id| contacts.get(id)).map(|&i| dense(first_contact + i)));
            index.group_people.insert(g.id, (people, skipped));
        }
        index
    }

    /// Whether a user may be invited at all.
    fn invitable(user: &SnapshotUser) -> bool {
        !matches!(user.status, UserStatus::Inactive | UserStatus::Deleted)
    }

    /// A person's dense number: a user's place among the snapshot's users,
    /// or a contact's place among its contacts after all the users. Rows
    /// compare and order people by it, without hashing ids.
    fn person(&self, n: u32) -> (&'a str, bool, i64) {
        let n = n as usize;
        match self.snapshot.users.get(n) {
            Some(u) => (u.sort_key.as_str(), true, u.id),
            None => self
                .snapshot
                .contacts
                .get(n - self.snapshot.users.len())
                .map_or(("", false, 0), |c| (c.sort_key.as_str(), false, c.id)),
        }
    }

    /// The user a cell names by e-mail, mobile or employee id.
    fn user(&self, raw: &str, country_code: CountryCode) -> Option<&'a SnapshotUser> {
        let raw = raw.trim();
        let [by_email, by_mobile, by_employee_id] = &self.users_by_key;
        let found = if raw.contains('@') {
            Email::parse(raw).ok().and_then(|email| by_email.get(email.as_str()))
        } else {
            Mobile::parse(raw, country_code).ok().and_then(|mobile| by_mobile.get(mobile.as_str()))
        };
        found.or_else(|| by_employee_id.get(&text::fold(raw))).map(|&i| &self.snapshot.users[i])
    }
}

/// A row's cells by column.
#[derive(Default)]
struct Cells {
    by_column: Vec<(Column, Value)>,
}

impl Cells {
    fn take(&mut self, column: Column) -> Value {
        self.by_column.iter_mut().find(|(c, _)| *c == column).map_or(Value::Empty, |(_, v)| std::mem::take(v))
    }
}

/// One row's checks, and remarks pinned to it.
struct RowCheck<'r> {
    row: u32,
    remarks: &'r mut Remarks,
    blocked: bool,
}

impl RowCheck<'_> {
    fn remark(&mut self, column: Column, code: Message, severity: Severity, detail: Option<String>) {
        if severity == Severity::Blocking {
            self.blocked = true;
        }
        self.remarks.add(self.row, column.code(), code, severity, detail);
    }

    fn block(&mut self, column: Column, code: Message, detail: Option<String>) {
        self.remark(column, code, Severity::Blocking, detail);
    }

    /// The text of a cell, remarking on unreadable cells; `None` when blank.
    fn text(&mut self, column: Column, value: Value) -> Option<String> {
        match value {
            Value::Oversized(length) => {
                self.block(column, Message::CellTooLong, Some(length.to_string()));
                None
            }
            Value::Error(shown) => {
                self.block(column, Message::CellError, Some(shown));
                None
            }
            v if v.is_blank() => None,
            v => v.into_text().map(|t| t.trim().to_owned()),
        }
    }

    /// A date and time cell read in the company's zone.
    fn instant(&mut self, column: Column, value: Value, clock: &mut Clock) -> Option<(Timestamp, LocalDateTime)> {
        let shown = value.text();
        let local = match value {
            Value::Date(cell) => LocalDateTime::from_cell(cell),
            Value::Text(raw) if !raw.trim().is_empty() => LocalDateTime::parse(&raw),
            Value::Number(_) | Value::Formatted { .. } | Value::Bool(_) => Err(DateTimeError::NotADate),
            other @ (Value::Oversized(_) | Value::Error(_)) => {
                self.text(column, other);
                return None;
            }
            Value::Empty | Value::Text(_) => {
                self.block(column, Message::Required, None);
                return None;
            }
        };
        let local = match local {
            Ok(local) => local,
            Err(e) => {
                let code = if e == DateTimeError::NoTime { Message::TimeMissing } else { Message::NotADateTime };
                self.block(column, code, shown);
                return None;
            }
        };
        match clock.instant_of(local) {
            Ok(at) => Some((at, local)),
            Err(e) => {
                self.block(column, local_time_message(e), Some(local.iso()));
                None
            }
        }
    }

    /// A period cell in days; `None` when blank or wrong.
    fn period(&mut self, column: Column, value: Value) -> Option<u32> {
        let days = match value {
            Value::Number(n) if n.fract() == 0.0 && n >= 1.0 && n <= f64::from(time_text::MAX_PERIOD_DAYS) => {
                // Whole and bounded just above.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Ok(n as u32)
            }
            Value::Number(_) => Err(PeriodError::OutOfRange),
            other => time_text::parse_period(&self.text(column, other)?),
        };
        match days {
            Ok(days) => Some(days),
            Err(e) => {
                let code = if e == PeriodError::OutOfRange { Message::OutOfRange } else { Message::NotAPeriod };
                self.block(column, code, None);
                None
            }
        }
    }
}

/// The company's zone, remembering each wall-clock time it placed: a file
/// repeats the same few dates and times on many rows.
struct Clock<'z> {
    zone: &'z Zone,
    placed: FastMap<LocalDateTime, Result<Timestamp, LocalTimeError>>,
}

impl Clock<'_> {
    fn instant_of(&mut self, local: LocalDateTime) -> Result<Timestamp, LocalTimeError> {
        *self.placed.entry(local).or_insert_with(|| self.zone.instant_of(local))
    }
}

struct Checker<'a> {
    context: &'a Context,
    index: Index<'a>,
    clock: Clock<'a>,
    columns: Option<Vec<Option<Column>>>,
    rows: u32,
    remarks: Remarks,
    plan: Plan,
    detail: Detail,
    /// Who an earlier row invites to an activity, and that row, by
    /// activity id and dense person number.
    invited: FastMap<(i64, u32), u32>,
    /// Rows by (activity, groups or user): the same invitation twice.
    seen: FastMap<(i64, Vec<i64>, Option<i64>), u32>,
}

impl<'a> Checker<'a> {
    fn new(context: &'a Context, snapshot: &'a Snapshot, detail: Detail) -> Self {
        Self {
            context,
            index: Index::new(snapshot),
            clock: Clock { zone: &snapshot.time_zone, placed: FastMap::default() },
            columns: None,
            rows: 0,
            remarks: Remarks::default(),
            plan: Plan::default(),
            detail,
            invited: FastMap::default(),
            seen: FastMap::default(),
        }
    }

    fn row(&mut self, row: Row) {
        if self.columns.is_none() {
            self.header(&row);
        } else {
            self.rows += 1;
            self.data(row);
        }
    }

    fn header(&mut self, row: &Row) {
        let columns =
            super::read_header(row, |n| Column::parse(n).ok(), Column::code, &Column::REQUIRED, &mut self.remarks);
        if !columns.contains(&Some(Column::Groups)) && !columns.contains(&Some(Column::User)) {
            self.remarks.add(row.number, Column::Groups.code(), Message::MissingColumn, Severity::Blocking, None);
        }
        self.columns = Some(columns);
    }

    #[allow(clippy::too_many_lines)] // the row's checks in the order of its columns
    fn data(&mut self, row: Row) {
        let Some(columns) = &self.columns else { return };
        let mut cells = Cells::default();
        for (column, value) in columns.iter().zip(row.cells) {
            if let Some(column) = column {
                cells.by_column.push((*column, value));
            }
        }
        let number = row.number;
        let mut check = RowCheck { row: number, remarks: &mut self.remarks, blocked: false };
        let index = &self.index;

        let kind = match check.text(Column::Type, cells.take(Column::Type)) {
            None => {
                check.block(Column::Type, Message::Required, None);
                None
            }
            Some(raw) => {
                ActivityType::parse(&raw).map_err(|_| check.block(Column::Type, Message::UnknownValue, Some(raw))).ok()
            }
        };
        let activity = match check.text(Column::Activity, cells.take(Column::Activity)) {
            None => {
                check.block(Column::Activity, Message::Required, None);
                None
            }
            Some(raw) => {
                let by_id = raw.parse::<i64>().ok().and_then(|id| index.activities_by_id.get(&id));
                let found = match (by_id, index.activities_by_title.get(&text::key(&raw)).map(Vec::as_slice)) {
                    (Some(&i), _) | (None, Some(&[i])) => Ok(&index.snapshot.activities[i]),
                    (None, Some([_, _, ..])) => Err(Message::AmbiguousActivity),
                    _ => Err(Message::UnknownActivity),
                };
                match found {
                    Ok(a) if a.archived => {
                        check.block(Column::Activity, Message::Archived, Some(raw));
                        None
                    }
                    Ok(a) => Some(a),
                    Err(code) => {
                        check.block(Column::Activity, code, Some(raw));
                        None
                    }
                }
            }
        };
        if let (Some(kind), Some(activity)) = (kind, activity)
            && activity.kind != kind
        {
            let detail = Some(activity.kind.label(self.context.language).to_owned());
            check.block(Column::Type, Message::ActivityTypeMismatch, detail);
        }

        let mut groups: Vec<&SnapshotGroup> = Vec::new();
        let groups_cell = check.text(Column::Groups, cells.take(Column::Groups));
        let groups_given = groups_cell.is_some();
        if let Some(raw) = groups_cell {
            for name in raw.split([',', ';']).map(str::trim).filter(|n| !n.is_empty()) {
                match index.groups_by_name.get(&text::fold(name)).map(|&i| &index.snapshot.groups[i]) {
                    None => check.block(Column::Groups, Message::UnknownGroup, Some(name.to_owned())),
                    Some(g) if g.archived => check.block(Column::Groups, Message::Archived, Some(name.to_owned())),
                    Some(g) if !groups.iter().any(|known: &&SnapshotGroup| known.id == g.id) => groups.push(g),
                    Some(_) => {}
                }
            }
        }
        let user_cell = check.text(Column::User, cells.take(Column::User));
        let user = match (user_cell, groups.is_empty()) {
            (Some(_), false) => {
                check.remark(Column::User, Message::UserIgnored, Severity::Warning, None);
                None
            }
            (Some(raw), true) => {
                let found = index.user(&raw, self.context.country_code);
                if found.is_none() {
                    check.block(Column::User, Message::UnknownUser, Some(raw));
                }
                found
            }
            (None, true) if !groups_given => {
                check.block(Column::Groups, Message::GroupsOrUserRequired, None);
                None
            }
            (None, _) => None,
        };

        let now = self.context.now;
        let start = check.instant(Column::Start, cells.take(Column::Start), &mut self.clock);
        let until = check.instant(Column::StartUntil, cells.take(Column::StartUntil), &mut self.clock);
        for (column, at) in [(Column::Start, start), (Column::StartUntil, until)] {
            if let Some((at, local)) = at
                && at <= now
            {
                check.block(column, Message::NotInFuture, Some(local.iso()));
            }
        }
        if let (Some((s, _)), Some((u, local))) = (start, until)
            && u <= s
        {
            check.block(Column::StartUntil, Message::EndBeforeStart, Some(local.iso()));
        }
        let resend = check.period(Column::ResendEvery, cells.take(Column::ResendEvery));
        let remind = check.period(Column::RemindAfter, cells.take(Column::RemindAfter));
        let kind = activity.map(|a| a.kind).or(kind);
        if resend.is_some() && kind == Some(ActivityType::Cycle) {
            check.block(Column::ResendEvery, Message::NoResendForCycles, None);
        }
        if remind.is_some() && kind.is_some_and(|k| k != ActivityType::Module) {
            check.block(Column::RemindAfter, Message::RemindOnlyModules, None);
        }
        if let Some(user) = user
            && matches!(user.status, UserStatus::Inactive | UserStatus::Deleted)
        {
            check.remark(Column::User, Message::UserNotInvitable, Severity::Warning, None);
        }
        let blocked = check.blocked;
        let (Some(activity), Some((start, start_local)), Some((start_until, until_local))) = (activity, start, until)
        else {
            return;
        };
        if blocked {
            return;
        }

        // The same invitation twice.
        let group_ids: Vec<i64> = {
            let mut ids: Vec<i64> = groups.iter().map(|g| g.id).collect();
            ids.sort_unstable();
            ids
        };
        let signature = (activity.id, group_ids.clone(), user.map(|u| u.id));
        if let Some(&first) = self.seen.get(&signature) {
            self.remarks.push(Remark {
                row: number,
                column: if user.is_some() { Column::User } else { Column::Groups }.code().to_owned(),
                code: Message::DuplicateInvitation,
                severity: Severity::Blocking,
                detail: None,
                other_row: Some(first),
            });
            return;
        }
        self.seen.insert(signature, number);

        // Recipients: each person once, invitable, not invited by an earlier row.
        let (mut people, mut skipped): (Vec<u32>, usize) = (Vec::new(), 0);
        for g in &groups {
            if let Some((members, not_invitable)) = index.group_people.get(&g.id) {
                people.extend(members);
                skipped += not_invitable;
            }
        }
        if let Some(u) = user.filter(|u| Index::invitable(u)) {
            people.extend(index.users_by_id.get(&u.id).map(|&i| dense(i)));
        }
        people.sort_unstable();
        people.dedup();
        let before = people.len();
        let mut first_earlier_row: Option<u32> = None;
        // One probe per person: taken by an earlier row, or taken now by this one.
        people.retain(|&p| match self.invited.entry((activity.id, p)) {
            std::collections::hash_map::Entry::Occupied(taken) => {
                let row = *taken.get();
                first_earlier_row = Some(first_earlier_row.map_or(row, |r| r.min(row)));
                false
            }
            std::collections::hash_map::Entry::Vacant(free) => {
                free.insert(number);
                true
            }
        });
        let invited_by_earlier_rows = before - people.len();
        if invited_by_earlier_rows > 0 {
            self.remarks.push(Remark {
                row: number,
                column: Column::Groups.code().to_owned(),
                code: Message::InvitedByEarlierRow,
                severity: Severity::Warning,
                detail: Some(invited_by_earlier_rows.to_string()),
                other_row: first_earlier_row,
            });
        }
        if people.is_empty() {
            self.remarks.add(number, Column::Groups.code(), Message::NobodyToInvite, Severity::Warning, None);
            return;
        }
        // Directory order, as the server numbers them: contacts before users of the same name.
        let mut ordered: Vec<(&str, bool, i64)> = people.iter().map(|&p| index.person(p)).collect();
        ordered.sort_unstable();
        let batches = batch::from_bounds(ordered.len(), |n| ordered[n].0);

        let counts = &mut self.plan.counts;
        counts.invitations += 1;
        counts.recipients += people.len();
        counts.batches += batches.len();
        let keep = match self.detail {
            Detail::Full => true,
            Detail::Summary { invitations } => self.plan.invitations.len() < invitations,
        };
        if keep {
            self.plan.invitations.push(PlannedInvitation {
                row: number,
                activity_id: activity.id,
                activity: activity.title.clone(),
                kind: activity.kind,
                groups: group_ids,
                user: user.map(|u| u.id),
                schedule: Schedule { start, start_until, resend_every_days: resend, remind_after_days: remind },
                start_local: start_local.iso(),
                start_until_local: until_local.iso(),
                recipients: people.len(),
                skipped,
                invited_by_earlier_rows,
                batches,
            });
        }
    }

    fn finish(mut self, format: Format) -> Report {
        let columns = self.columns.clone().unwrap_or_default().into_iter().flatten().collect();
        if self.rows == 0 {
            self.remarks.add(2, "", Message::NoDataRow, Severity::Blocking, None);
        }
        let outcome = Outcome::of(&self.remarks);
        Report { format, rows: self.rows, columns, remarks: self.remarks, plan: self.plan, outcome }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::fmt::Write as _;

    use super::*;

    /// A company: three activities of three types (two sharing a name), groups
    /// with shared members, a deactivated user and a contact.
    pub(crate) fn company() -> Snapshot {
        let activity = |id, kind, title: &str, archived| SnapshotActivity { id, kind, title: title.into(), archived };
        let user = |id, email: &str, status, sort_key: &str| SnapshotUser {
            id,
            email: Some(email.into()),
            mobile: None,
            employee_id: None,
            status,
            sort_key: sort_key.into(),
        };
        let mut ana = user(100, "ana@example.org", UserStatus::Active, "abel\u{1}ana");
        ana.mobile = Some("+33612345678".into());
        ana.employee_id = Some("E-042".into());
        Snapshot {
            time_zone: Zone::default(),
            activities: vec![
                activity(1, ActivityType::Questionnaire, "Accueil", false),
                activity(2, ActivityType::Module, "Sécurité au travail", false),
                activity(3, ActivityType::Cycle, "Parcours sécurité", false),
                activity(4, ActivityType::Module, "Ancien module", true),
                activity(5, ActivityType::Survey, "Climat", false),
                activity(6, ActivityType::Survey, "Climat", false),
            ],
            groups: vec![
                SnapshotGroup {
                    id: 10,
                    name: "Ventes".into(),
                    archived: false,
                    users: vec![100, 101, 102],
                    contacts: vec![],
                },
                SnapshotGroup {
                    id: 11,
                    name: "Support".into(),
                    archived: false,
                    users: vec![102, 103],
                    contacts: vec![500],
                },
                SnapshotGroup { id: 12, name: "Promo 2019".into(), archived: true, users: vec![101], contacts: vec![] },
                SnapshotGroup { id: 13, name: "Vide".into(), archived: false, users: vec![103], contacts: vec![] },
            ],
            users: vec![
                ana,
                user(101, "bo@example.org", UserStatus::Active, "martin\u{1}bo"),
                user(102, "cy@example.org", UserStatus::Invited, "zola\u{1}cy"),
                user(103, "di@example.org", UserStatus::Inactive, "durand\u{1}di"),
            ],
            contacts: vec![SnapshotContact { id: 500, sort_key: "martin\u{1}alice".into() }],
        }
    }

    pub(crate) fn context(language: Language) -> Context {
        Context { language, country_code: CountryCode::FRANCE, now: Timestamp::parse("2026-11-01T12:00:00Z").unwrap() }
    }

    const HEADER: &str = "Type;Activité;Groupes;Utilisateur;Démarrage;Fin de la période de démarrage;Période de renvoi;Période de rappel\n";

    fn check(rows: &str) -> Report {
        let csv = format!("{HEADER}{rows}");
        validate(csv.as_bytes(), &context(Language::Fr), &company(), Limits::PRODUCT).unwrap()
    }

    fn remarks(report: &Report) -> Vec<(u32, &str, Message, Severity)> {
        report.remarks.items.iter().map(|r| (r.row, r.column.as_str(), r.code, r.severity)).collect()
    }

    #[test]
    fn a_clean_file_plans_each_invitation_with_its_people_counted_once_and_its_batches() {
        let report = check(
            "Module;Sécurité au travail;Ventes, Support;;01/12/2026 09:00;15 déc. 2026 18h00;7 jours;3\n\
             QUESTIONNAIRE;1;;ana@example.org;2026-12-25T08:30;5 January 2027 8:30 AM;P2W;\n\
             cycle;parcours securite;;06 12 34 56 78;1 Dec 2026 10:00;02/12/2026 10:00;;\n\
             Enquête;5;;E-042;1/12/26 9h;3/12/26 9h;1 week;\n",
        );
        assert_eq!(remarks(&report), vec![], "{:?}", report.remarks.items);
        assert_eq!(report.outcome, Outcome::Succeeded);
        assert_eq!(report.plan.counts, Counts { invitations: 4, recipients: 7, batches: 4 });
        let first = &report.plan.invitations[0];
        assert_eq!((first.activity_id, first.kind, first.groups.as_slice()), (2, ActivityType::Module, &[10, 11][..]));
        // Ventes and Support share 102; 103 is deactivated; the contact 500 counts.
        assert_eq!((first.recipients, first.skipped), (4, 1));
        assert_eq!(first.batches[0].label, "AB–ZO");
        assert_eq!(first.schedule.start.to_string(), "2026-12-01T08:00:00Z", "Paris is UTC+1 in December");
        assert_eq!(first.start_local, "2026-12-01T09:00");
        assert_eq!((first.schedule.resend_every_days, first.schedule.remind_after_days), (Some(7), Some(3)));
        let second = &report.plan.invitations[1];
        assert_eq!((second.user, second.recipients), (Some(100), 1));
        assert_eq!(second.schedule.start_until.to_string(), "2027-01-05T07:30:00Z");
        assert_eq!(second.schedule.resend_every_days, Some(14));
        assert_eq!(report.plan.invitations[2].user, Some(100), "found by mobile written nationally");
        assert_eq!(report.plan.invitations[3].activity_id, 5, "found by id, by employee id");
    }

    #[test]
    fn every_problem_is_pinned_to_its_row_and_column() {
        use Message as M;
        use Severity::Blocking as B;
        let report = check(
            "Atelier;Accueil;Ventes;;01/12/2026 09:00;02/12/2026 09:00;;\n\
             Module;Accueil;Ventes;;01/12/2026 09:00;02/12/2026 09:00;;\n\
             Cycle;Parcours sécurité;Ventes;;01/12/2026 09:00;02/12/2026 09:00;7;\n\
             Questionnaire;Accueil;Ventes;;01/12/2026 09:00;02/12/2026 09:00;;2 jours\n\
             Module;Inconnu;Ventes;;01/12/2026 09:00;02/12/2026 09:00;;\n\
             Enquête;Climat;Ventes;;01/12/2026 09:00;02/12/2026 09:00;;\n\
             Module;Ancien module;Ventes;;01/12/2026 09:00;02/12/2026 09:00;;\n\
             Module;2;Ventes, Nulle part, Promo 2019;;01/12/2026 09:00;02/12/2026 09:00;;\n\
             Module;2;;personne@example.org;01/12/2026 09:00;02/12/2026 09:00;;\n\
             Module;2;;;01/12/2026 09:00;02/12/2026 09:00;;\n\
             Module;2;Ventes;;01/10/2026 09:00;02/12/2026 09:00;;\n\
             Module;2;Ventes;;03/12/2026 09:00;02/12/2026 09:00;;\n\
             Module;2;Ventes;;28/03/2027 02:30;31/10/2027 02:30;;\n\
             Module;2;Ventes;;01/12/2026;demain;1 mois;400\n",
        );
        assert_eq!(
            remarks(&report),
            vec![
                (2, "type", M::UnknownValue, B),
                (3, "type", M::ActivityTypeMismatch, B),
                (4, "resend_every", M::NoResendForCycles, B),
                (5, "remind_after", M::RemindOnlyModules, B),
                (6, "activity", M::UnknownActivity, B),
                (7, "activity", M::AmbiguousActivity, B),
                (8, "activity", M::Archived, B),
                (9, "groups", M::UnknownGroup, B),
                (9, "groups", M::Archived, B),
                (10, "user", M::UnknownUser, B),
                (11, "groups", M::GroupsOrUserRequired, B),
                (12, "start", M::NotInFuture, B),
                (13, "start_until", M::EndBeforeStart, B),
                (14, "start", M::TimeSkipped, B),
                (14, "start_until", M::TimeRepeated, B),
                (15, "start", M::TimeMissing, B),
                (15, "start_until", M::NotADateTime, B),
                (15, "resend_every", M::NotAPeriod, B),
                (15, "remind_after", M::OutOfRange, B),
            ]
        );
        assert_eq!(report.outcome, Outcome::Failed);
        assert_eq!(report.plan.counts.invitations, 0);
        let unknown = &report.remarks.items[7];
        assert_eq!(unknown.detail.as_deref(), Some("Nulle part"));
        assert!(unknown.message(Language::En).contains("does not exist"));
        assert_eq!(report.remarks.items[3].message(Language::Fr), "Seuls les modules ont une période de rappel.");
    }

    #[test]
    fn the_same_people_are_invited_once_per_activity_and_the_same_invitation_twice_is_refused() {
        use Message as M;
        use Severity::{Blocking as B, Warning as W};
        let report = check(
            "Module;2;Ventes;;01/12/2026 09:00;02/12/2026 09:00;;\n\
             Module;2;Support, Ventes;;05/12/2026 09:00;06/12/2026 09:00;;\n\
             Module;2;Ventes;;07/12/2026 09:00;08/12/2026 09:00;;\n\
             Questionnaire;1;Ventes;bo@example.org;01/12/2026 09:00;02/12/2026 09:00;;\n\
             Module;2;Vide;;01/12/2026 09:00;02/12/2026 09:00;;\n\
             Module;2;;di@example.org;01/12/2026 09:00;02/12/2026 09:00;;\n",
        );
        assert_eq!(
            remarks(&report),
            vec![
                (3, "groups", M::InvitedByEarlierRow, W),
                (4, "groups", M::DuplicateInvitation, B),
                (5, "user", M::UserIgnored, W),
                (6, "groups", M::NobodyToInvite, W),
                (7, "user", M::UserNotInvitable, W),
                (7, "groups", M::NobodyToInvite, W),
            ]
        );
        assert_eq!(report.remarks.items[0].other_row, Some(2));
        assert_eq!(report.remarks.items[0].detail.as_deref(), Some("3"), "Ventes, 102 of Support too");
        assert_eq!(report.remarks.items[1].other_row, Some(2));
        let second = &report.plan.invitations[1];
        assert_eq!((second.row, second.recipients, second.invited_by_earlier_rows), (3, 1, 3), "the contact");
    }

    #[test]
    fn headers_and_values_read_in_english_and_a_missing_column_is_named() {
        let csv = "type,activity,user,start,end of the start period\n\
                   survey,6,ana@example.org,12/01/2027 09:00,12/02/2027 09:00\n";
        let report = validate(csv.as_bytes(), &context(Language::En), &company(), Limits::PRODUCT).unwrap();
        assert_eq!(remarks(&report), vec![]);
        assert_eq!(report.plan.invitations[0].start_local, "2027-01-12T09:00", "numeric dates read day first");
        let report =
            validate("type,activity\nmodule,2\n".as_bytes(), &context(Language::En), &company(), Limits::PRODUCT)
                .unwrap();
        let missing: Vec<&str> = report
            .remarks
            .items
            .iter()
            .filter(|r| r.code == Message::MissingColumn)
            .map(|r| r.column.as_str())
            .collect();
        assert_eq!(missing, ["start", "start_until", "groups"]);
    }

    #[test]
    fn a_summary_keeps_the_counts_and_the_first_invitations() {
        let mut company = company();
        company.activities.extend((1_000..1_030).map(|id| SnapshotActivity {
            id,
            kind: ActivityType::Module,
            title: format!("Module {id}"),
            archived: false,
        }));
        let mut csv = HEADER.to_owned();
        for id in 1_000..1_030 {
            let _ = writeln!(csv, "Module;{id};Ventes;;01/12/2026 09:00;02/12/2026 10:00;;");
        }
        let report = validate_with_progress(
            csv.as_bytes(),
            &context(Language::Fr),
            &company,
            Limits::PRODUCT,
            Detail::Summary { invitations: 5 },
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(report.plan.invitations.len(), 5);
        assert_eq!(report.plan.counts, Counts { invitations: 30, recipients: 90, batches: 30 });
    }
}
