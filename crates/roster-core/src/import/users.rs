//! The user import file (C): which columns it may have, what each row must
//! hold, and what importing it would change in the company (the plan).

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::{Outcome, Remark, Remarks, Severity};
use crate::form::{FormContext, NewUser, NewUserForm, UserField};
use crate::licences::Licences;
use crate::model::{Channel, CountryCode, Label, LicenceLevel, Role, UserStatus, UserType};
use crate::sheet::{self, Format, Limits, Row, SheetError, Value};
use crate::text::FastMap;
use crate::vocabulary::vocabulary;
use crate::{Language, Message, text};

vocabulary! {
    /// A column of the user import file, recognised by its code, its French
    /// or English name or an alias, whatever the case, accents and spacing (C2).
    pub enum Column {
        /// Last name (required).
        LastName = "last_name" { fr: "nom", en: "last name", also: ["nom de famille", "surname", "family name", "lastname"] },
        /// First name.
        FirstName = "first_name" { fr: "prénom", en: "first name", also: ["prenom", "given name", "firstname"] },
        /// E-mail address (required column).
        Email = "email" { fr: "adresse mail", en: "e-mail", also: ["mail", "adresse e-mail", "adresse email", "courriel", "email address", "e-mail address"] },
        /// Mobile number.
        Mobile = "mobile" { fr: "mobile", en: "mobile phone", also: ["téléphone", "telephone", "portable", "phone", "numéro de mobile", "téléphone mobile"] },
        /// The company's identifier for the employee.
        EmployeeId = "employee_id" { fr: "matricule", en: "employee id", also: ["identifiant salarié", "employee number", "staff id"] },
        /// Department.
        Department = "department" { fr: "service", en: "department", also: ["département", "departement"] },
        /// User type (required column).
        UserType = "user_type" { fr: "type", en: "user type", also: ["type d'utilisateur", "type utilisateur", "type de l'utilisateur"] },
        /// Role (rights).
        Role = "role" { fr: "rôle", en: "role", also: ["droits", "rights"] },
        /// Licence level.
        LicenceLevel = "licence_level" { fr: "licence", en: "licence level", also: ["niveau de licence", "license", "license level"] },
        /// Preferred channel.
        PreferredChannel = "preferred_channel" { fr: "canal préféré", en: "preferred channel", also: ["canal"] },
        /// Language.
        Language = "language" { fr: "langue", en: "language" },
        /// Groups to add the user to; missing ones are created (C6).
        Groups = "groups" { fr: "groupes", en: "groups", also: ["groupe"] },
        /// Groups the user may see; missing ones are not created (C6).
        AllowedGroups = "allowed_groups" { fr: "groupes autorisés", en: "allowed groups", also: ["groupes autorises"] },
        /// Tags.
        Tags = "tags" { fr: "étiquettes", en: "tags", also: ["tag", "etiquettes", "étiquette"] },
    }
}

impl Column {
    /// The columns a file must have (C3).
    pub const REQUIRED: [Self; 3] = [Self::LastName, Self::Email, Self::UserType];

    /// Whether the file must have this column.
    pub fn required(self) -> bool {
        Self::REQUIRED.contains(&self)
    }

    /// The values a cell may hold, for enumerated columns, in `lang`.
    pub fn allowed_values(self, lang: Language) -> Option<Vec<&'static str>> {
        fn labels<T: Copy>(all: &[T], label: impl Fn(T) -> &'static str) -> Vec<&'static str> {
            all.iter().map(|&v| label(v)).collect()
        }
        Some(match self {
            Self::UserType => labels(UserType::ALL, |v| v.label(lang)),
            Self::Role => labels(Role::ALL, |v| v.label(lang)),
            Self::LicenceLevel => labels(LicenceLevel::ALL, |v| v.label(lang)),
            Self::PreferredChannel => labels(Channel::ALL, |v| v.label(lang)),
            Self::Language => labels(Language::ALL, |v| v.label(lang)),
            _ => return None,
        })
    }

    /// The user field this column fills, if it is one (not a list).
    pub fn field(self) -> Option<UserField> {
        UserField::from_code(self.code())
    }

    /// Whether a cell holds a comma-separated list.
    pub const fn is_list(self) -> bool {
        matches!(self, Self::Groups | Self::AllowedGroups | Self::Tags)
    }
}

/// Who imports, which sets defaults, what may be granted and the language
/// of remarks.
#[derive(Clone, Copy, Debug)]
pub struct Context {
    /// The administrator's language: default for new users.
    pub language: Language,
    /// The administrator's role: bounds the roles the file may grant.
    pub admin_role: Role,
    /// The company's calling code, for national mobile numbers.
    pub country_code: CountryCode,
}

/// A user the company already has, as far as matching and diffs need.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ExistingUser {
    /// The user's id.
    pub id: i64,
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: Option<String>,
    /// E-mail address (lower case).
    pub email: Option<String>,
    /// Mobile number (E.164).
    pub mobile: Option<String>,
    /// Employee id.
    pub employee_id: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// User type code.
    pub user_type: String,
    /// Role code.
    pub role: String,
    /// Licence level code.
    pub licence_level: String,
    /// Preferred channel code.
    pub preferred_channel: String,
    /// Language code.
    pub language: String,
    /// Status code: whether the user holds a licence seat.
    #[serde(default)]
    pub status: String,
    /// The groups the user belongs to, by name.
    #[serde(default)]
    pub groups: Vec<String>,
    /// The groups the user may see, by name.
    #[serde(default)]
    pub allowed_groups: Vec<String>,
    /// The user's tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// True when the user holds a role, a permission or a perimeter the
    /// importer lacks ([`covers`](crate::permissions::covers) said no):
    /// a row may name them, but not change them (H6).
    #[serde(default)]
    pub above_importer: bool,
}

impl ExistingUser {
    /// The stored text of `field`.
    pub fn value(&self, field: UserField) -> Option<&str> {
        match field {
            UserField::LastName => Some(&self.last_name),
            UserField::FirstName => self.first_name.as_deref(),
            UserField::Email => self.email.as_deref(),
            UserField::Mobile => self.mobile.as_deref(),
            UserField::EmployeeId => self.employee_id.as_deref(),
            UserField::Department => self.department.as_deref(),
            UserField::UserType => Some(&self.user_type),
            UserField::Role => Some(&self.role),
            UserField::LicenceLevel => Some(&self.licence_level),
            UserField::PreferredChannel => Some(&self.preferred_channel),
            UserField::Language => Some(&self.language),
        }
    }

    /// What of `wanted` the user does not have yet in `have`: names compare
    /// as groups and tags do, accents and case aside.
    fn missing(have: &[String], wanted: Vec<Label>) -> Vec<Label> {
        if wanted.is_empty() {
            return wanted;
        }
        let have: HashSet<String> = have.iter().map(|name| text::fold(name)).collect();
        wanted.into_iter().filter(|label| !have.contains(&label.unique_key())).collect()
    }
}

/// What the company holds now: the ground a plan is computed on, as
/// `GET /api/v1/imports/users/snapshot` answers it.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Snapshot {
    /// Its users (deleted ones excluded).
    pub users: Vec<ExistingUser>,
    /// Its group names.
    pub groups: Vec<String>,
    /// Licence seats still free; `None` when the file is not checked
    /// against a capacity.
    pub seats_left: Option<u32>,
}

/// A user the import would create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Creation {
    /// The row.
    pub row: u32,
    /// The user, defaults applied.
    pub user: NewUser,
    /// Groups to join.
    pub groups: Vec<Label>,
    /// Groups the user may see (existing ones only).
    pub allowed_groups: Vec<Label>,
    /// Tags.
    pub tags: Vec<Label>,
}

/// One field an update changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The attribute.
    pub field: Column,
    /// Its value now.
    pub from: Option<String>,
    /// Its value after the import.
    pub to: Option<String>,
}

/// A user the import would update.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Update {
    /// The row.
    pub row: u32,
    /// The existing user's id.
    pub id: i64,
    /// The fields that change, only those the file fills in.
    pub changes: Vec<FieldChange>,
    /// Groups to join (joining never removes from other groups).
    pub groups: Vec<Label>,
    /// Groups the user may see (existing ones only).
    pub allowed_groups: Vec<Label>,
    /// Tags to add.
    pub tags: Vec<Label>,
}

impl Update {
    /// The directory's sort key and search text once the update applies to
    /// `existing` (the same rules as for users created by the form).
    pub fn directory_keys(&self, existing: &ExistingUser) -> (String, String) {
        let changed = |field: Column| self.changes.iter().find(|c| c.field == field).and_then(|c| c.to.clone());
        let last_name = changed(Column::LastName).unwrap_or_else(|| existing.last_name.clone());
        let first_name = changed(Column::FirstName).or_else(|| existing.first_name.clone());
        let email = changed(Column::Email).or_else(|| existing.email.clone());
        let mobile = changed(Column::Mobile).or_else(|| existing.mobile.clone());
        let employee_id = changed(Column::EmployeeId).or_else(|| existing.employee_id.clone());
        let sort = crate::form::sort_key(&last_name, first_name.as_deref().unwrap_or_default());
        let search = crate::form::search_text([
            Some(last_name.as_str()),
            first_name.as_deref(),
            email.as_deref(),
            mobile.as_deref(),
            employee_id.as_deref(),
        ]);
        (sort, search)
    }
}

/// How many rows each part of a plan holds, whatever is kept of it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Users to create.
    pub creates: usize,
    /// Users to update.
    pub updates: usize,
    /// Rows that change nothing.
    pub unchanged: usize,
}

/// How much of the plan to keep: all of it to apply it, or a summary to
/// show it (counts and the first updates), which keeps memory small.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Every creation, update and unchanged row.
    Full,
    /// The counts, and at most this many updates.
    Summary {
        /// Updates kept, for display.
        updates: usize,
    },
}

/// What importing the file would do (C11).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// How many of each, always complete.
    pub counts: Counts,
    /// Users to create.
    pub creates: Vec<Creation>,
    /// Users to update, field by field.
    pub updates: Vec<Update>,
    /// Rows that match a user and change nothing.
    pub unchanged: Vec<u32>,
    /// Groups named in `groups` that do not exist yet.
    pub groups_to_create: Vec<String>,
}

/// The whole finding on a file: what is wrong and what would happen.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The file's format.
    pub format: Format,
    /// Data rows read (blank rows not counted).
    pub rows: u32,
    /// The columns recognised, in file order.
    pub columns: Vec<Column>,
    /// The remarks.
    pub remarks: Remarks,
    /// What importing would do.
    pub plan: Plan,
    /// How the import would end.
    pub outcome: Outcome,
}

/// Reads and checks a user import file against the company's `snapshot`.
///
/// # Errors
/// [`SheetError`] when the file cannot be read at all; everything else is a
/// remark in the report.
pub fn validate(bytes: &[u8], context: &Context, snapshot: &Snapshot, limits: Limits) -> Result<Report, SheetError> {
    validate_with_progress(bytes, context, snapshot, limits, Detail::Full, &mut |_| {})
}

/// As [`validate`], keeping `detail` of the plan and calling `on_progress`
/// with the share of the file read.
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

/// Where an identifier was first seen, in the file or in the company.
#[derive(Default)]
struct Identities {
    by_key: FastMap<String, usize>,
}

fn identity_keys(email: Option<&str>, mobile: Option<&str>, employee_id: Option<&str>) -> Vec<String> {
    // Built without formatting: this runs for every row.
    let tagged = |tag: &str, value: &str| {
        let mut key = String::with_capacity(tag.len() + value.len());
        key.push_str(tag);
        key.push_str(value);
        key
    };
    let mut keys = Vec::with_capacity(3);
    if let Some(e) = email {
        keys.push(tagged("e:", e));
    }
    if let Some(m) = mobile {
        keys.push(tagged("m:", m));
    }
    if let Some(i) = employee_id {
        keys.push(tagged("i:", &text::fold(i)));
    }
    keys
}

/// A row's cells, read.
/// The last name a row without one is checked with, when it may update
/// an existing person: valid, and never stored.
const NAMELESS: &str = "-";

#[derive(Default)]
struct Filled {
    form: NewUserForm,
    groups: Vec<Label>,
    allowed_groups: Vec<Label>,
    tags: Vec<Label>,
    given: Vec<Column>,
    blocked: bool,
}

impl Filled {
    /// The form field a column fills; `None` for list columns.
    fn form_slot(&mut self, column: Column) -> Option<&mut Option<String>> {
        let form = &mut self.form;
        Some(match column {
            Column::LastName => &mut form.last_name,
            Column::FirstName => &mut form.first_name,
            Column::Email => &mut form.email,
            Column::Mobile => &mut form.mobile,
            Column::EmployeeId => &mut form.employee_id,
            Column::Department => &mut form.department,
            Column::UserType => &mut form.user_type,
            Column::Role => &mut form.role,
            Column::LicenceLevel => &mut form.licence_level,
            Column::PreferredChannel => &mut form.preferred_channel,
            Column::Language => &mut form.language,
            Column::Groups | Column::AllowedGroups | Column::Tags => return None,
        })
    }

    fn list(&mut self, column: Column) -> &mut Vec<Label> {
        match column {
            Column::Groups => &mut self.groups,
            Column::AllowedGroups => &mut self.allowed_groups,
            _ => &mut self.tags,
        }
    }
}

struct Checker<'a> {
    context: &'a Context,
    snapshot: &'a Snapshot,
    existing: Identities,
    in_file: FastMap<String, u32>,
    /// Folded names of the company's groups.
    existing_groups: HashSet<String>,
    /// Groups the file names that do not exist: folded name → first spelling.
    new_groups: BTreeMap<String, String>,
    columns: Option<Vec<Option<Column>>>,
    rows: u32,
    remarks: Remarks,
    plan: Plan,
    detail: Detail,
    /// Seats the rows so far take, net of those they free.
    seats_asked: i64,
    /// The first row whose seat goes past the capacity.
    first_without_seat: Option<u32>,
}

impl<'a> Checker<'a> {
    fn new(context: &'a Context, snapshot: &'a Snapshot, detail: Detail) -> Self {
        let mut existing = Identities::default();
        for (i, user) in snapshot.users.iter().enumerate() {
            for key in identity_keys(user.email.as_deref(), user.mobile.as_deref(), user.employee_id.as_deref()) {
                existing.by_key.insert(key, i);
            }
        }
        Self {
            context,
            snapshot,
            existing,
            in_file: FastMap::default(),
            existing_groups: snapshot.groups.iter().map(|g| text::fold(g)).collect(),
            new_groups: BTreeMap::new(),
            columns: None,
            rows: 0,
            remarks: Remarks::default(),
            plan: Plan::default(),
            detail,
            seats_asked: 0,
            first_without_seat: None,
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
        self.columns = Some(columns);
    }

    /// Reads the row's cells into a form and lists, remarking on cells that
    /// cannot be read. `blocked` is set when such a cell was found.
    /// Reads a row's cells into a form; their text moves into it.
    fn fill(&mut self, row: Row, columns: &[Option<Column>]) -> Filled {
        let mut filled = Filled::default();
        let mut cells = row.cells;
        for (index, column) in columns.iter().enumerate() {
            let Some(column) = *column else { continue };
            let cell = cells.get_mut(index).map_or(Value::Empty, std::mem::take);
            let raw = match &cell {
                Value::Oversized(length) => {
                    let detail = Some(format!("{length}"));
                    self.remarks.add(row.number, column.code(), Message::CellTooLong, Severity::Blocking, detail);
                    filled.blocked = true;
                    continue;
                }
                Value::Error(shown) => {
                    let detail = Some(shown.clone());
                    self.remarks.add(row.number, column.code(), Message::CellError, Severity::Blocking, detail);
                    filled.blocked = true;
                    continue;
                }
                _ if cell.is_blank() => {
                    if column == Column::UserType {
                        self.remarks.add(row.number, column.code(), Message::DefaultApplied, Severity::Warning, None);
                    }
                    continue;
                }
                _ => cell.into_text().unwrap_or_default(),
            };
            filled.given.push(column);
            if column.is_list() {
                self.fill_list(row.number, column, &raw, &mut filled);
            } else if let Some(slot) = filled.form_slot(column) {
                *slot = Some(raw);
            }
        }
        filled
    }

    fn fill_list(&mut self, row: u32, column: Column, raw: &str, filled: &mut Filled) {
        for item in raw.split(',').filter(|i| !i.trim().is_empty()) {
            match Label::parse(item) {
                Ok(label) => {
                    let list = filled.list(column);
                    if !list.contains(&label) {
                        list.push(label);
                    }
                }
                Err(e) => {
                    let detail = Some(item.trim().to_owned());
                    self.remarks.add(row, column.code(), e.message(), Severity::Blocking, detail);
                    filled.blocked = true;
                }
            }
        }
    }

    fn data(&mut self, row: Row) {
        let Some(columns) = self.columns.take() else { return };
        let number = row.number;
        let filled = self.fill(row, &columns);
        self.columns = Some(columns);
        let Filled { mut form, groups, allowed_groups, tags, given, blocked } = filled;
        let context = FormContext {
            admin_language: self.context.language,
            admin_role: self.context.admin_role,
            country_code: self.context.country_code,
        };
        // The last name is required to create a person; a row that updates
        // someone needs only what identifies them (a person invited by
        // address has no last name yet, and their exported row comes back
        // without one). The stand-in is never written: an update changes
        // only the columns the row fills.
        let nameless = !given.contains(&Column::LastName);
        if nameless {
            form.last_name = Some(NAMELESS.to_owned());
        }
        let user = match form.parse(context) {
            Ok(user) => user,
            Err(errors) => {
                if nameless {
                    self.remarks.add(number, Column::LastName.code(), Message::Required, Severity::Blocking, None);
                }
                for e in errors {
                    let detail = UserField::from_code(e.field).and_then(|f| form.raw(f).cloned());
                    self.remarks.add(number, e.field, e.code, Severity::Blocking, detail);
                }
                return;
            }
        };
        if blocked {
            return;
        }
        let keys = identity_keys(
            user.email.as_ref().map(crate::model::Email::as_str),
            user.mobile.as_ref().map(crate::model::Mobile::as_str),
            user.employee_id.as_ref().map(crate::model::EmployeeId::as_str),
        );
        if nameless && !keys.iter().any(|k| self.existing.by_key.contains_key(k)) {
            self.remarks.add(number, Column::LastName.code(), Message::Required, Severity::Blocking, None);
            return;
        }
        if !self.unique_in_file(number, &keys) {
            return;
        }
        for group in &groups {
            let key = group.unique_key();
            if !self.existing_groups.contains(&key) {
                self.new_groups.entry(key).or_insert_with(|| group.to_string());
            }
        }
        let allowed_groups = allowed_groups
            .into_iter()
            .filter(|g| {
                let known = self.existing_groups.contains(&g.unique_key());
                if !known {
                    let detail = Some(g.to_string());
                    self.remarks.add(
                        number,
                        Column::AllowedGroups.code(),
                        Message::UnknownGroup,
                        Severity::Warning,
                        detail,
                    );
                }
                known
            })
            .collect();
        self.place(number, user, &keys, &given, (groups, allowed_groups, tags));
        // Later rows with one of these identifiers are duplicates of this one.
        for key in keys {
            self.in_file.insert(key, number);
        }
    }

    /// Records the row's identifiers; false (with a blocking remark) when
    /// an earlier row already holds one of them.
    /// False, with a remark, when an earlier row holds one of `keys`.
    fn unique_in_file(&mut self, row: u32, keys: &[String]) -> bool {
        for key in keys {
            if let Some(&first) = self.in_file.get(key) {
                let column = match &key[..2] {
                    "e:" => "email",
                    "m:" => "mobile",
                    _ => "employee_id",
                };
                self.remarks.push(Remark {
                    row,
                    column: column.to_owned(),
                    code: Message::DuplicateInFile,
                    severity: Severity::Blocking,
                    detail: None,
                    other_row: Some(first),
                });
                return false;
            }
        }
        true
    }

    /// Decides create, update or unchanged for a valid row.
    fn place(
        &mut self,
        row: u32,
        user: NewUser,
        keys: &[String],
        given: &[Column],
        (groups, allowed_groups, tags): (Vec<Label>, Vec<Label>, Vec<Label>),
    ) {
        let mut matched: Vec<usize> = keys.iter().filter_map(|k| self.existing.by_key.get(k).copied()).collect();
        matched.sort_unstable();
        matched.dedup();
        let full = self.detail == Detail::Full;
        let seats = match matched.as_slice() {
            [] => Licences::asked_by(None, (UserStatus::Created, user.licence_level)).into(),
            [one] => {
                let existing = &self.snapshot.users[*one];
                let status = UserStatus::parse(&existing.status).unwrap_or(UserStatus::Created);
                let before = LicenceLevel::parse(&existing.licence_level).unwrap_or_default();
                let after = if given.contains(&Column::LicenceLevel) { user.licence_level } else { before };
                i64::from(Licences::asked_by(Some((status, before)), (status, after)))
                    - i64::from(Licences::asked_by(Some((status, after)), (status, before)))
            }
            _ => 0,
        };
        self.count_seats(row, seats);
        let counts = &mut self.plan.counts;
        match matched.as_slice() {
            [] => {
                counts.creates += 1;
                if full {
                    self.plan.creates.push(Creation { row, user, groups, allowed_groups, tags });
                }
            }
            [one] => {
                let existing = &self.snapshot.users[*one];
                let changes = changes(existing, &user, given);
                // Memberships the user already has change nothing.
                let groups = ExistingUser::missing(&existing.groups, groups);
                let allowed_groups = ExistingUser::missing(&existing.allowed_groups, allowed_groups);
                let tags = ExistingUser::missing(&existing.tags, tags);
                if changes.is_empty() && groups.is_empty() && allowed_groups.is_empty() && tags.is_empty() {
                    counts.unchanged += 1;
                    if full {
                        self.plan.unchanged.push(row);
                    }
                } else if existing.above_importer {
                    let detail = Some(existing.id.to_string());
                    self.remarks.add(row, "email", Message::Outranked, Severity::Blocking, detail);
                } else {
                    counts.updates += 1;
                    let keep = match self.detail {
                        Detail::Full => true,
                        Detail::Summary { updates } => self.plan.updates.len() < updates,
                    };
                    if keep {
                        self.plan.updates.push(Update { row, id: existing.id, changes, groups, allowed_groups, tags });
                    }
                }
            }
            _ => {
                let detail =
                    Some(matched.iter().map(|&i| self.snapshot.users[i].id.to_string()).collect::<Vec<_>>().join(", "));
                self.remarks.add(row, "email", Message::ConflictingIdentities, Severity::Blocking, detail);
            }
        }
    }

    /// Adds the seats a row takes (or, negative, frees), noting the first
    /// row that goes past the seats left.
    fn count_seats(&mut self, row: u32, seats: i64) {
        self.seats_asked += seats;
        let left = self.snapshot.seats_left.map_or(i64::MAX, i64::from);
        if self.seats_asked > left && self.first_without_seat.is_none() {
            self.first_without_seat = Some(row);
        }
    }

    fn finish(mut self, format: Format) -> Report {
        let columns = self.columns.clone().unwrap_or_default().into_iter().flatten().collect();
        if self.rows == 0 {
            // A file of headers alone changes nothing, as the export of an
            // empty status (no deactivated user yet) does when imported back.
            self.remarks.add(2, "", Message::NoDataRow, Severity::Warning, None);
        }
        // Rows later in the file may free seats the earlier ones need: only
        // the whole file's need is compared with the seats left.
        if let (Some(row), Some(left)) = (self.first_without_seat, self.snapshot.seats_left)
            && self.seats_asked > i64::from(left)
        {
            let detail = Some(format!("{} > {left}", self.seats_asked));
            self.remarks.add(row, Column::LicenceLevel.code(), Message::NoLicenceLeft, Severity::Blocking, detail);
        }
        self.plan.groups_to_create = std::mem::take(&mut self.new_groups).into_values().collect();
        let outcome = Outcome::of(&self.remarks);
        Report { format, rows: self.rows, columns, remarks: self.remarks, plan: self.plan, outcome }
    }
}

/// The fields the file fills in that differ from the user's current values.
fn changes(existing: &ExistingUser, user: &NewUser, given: &[Column]) -> Vec<FieldChange> {
    given
        .iter()
        .filter_map(|&column| {
            let field = column.field()?;
            let (from, to) = (existing.value(field), user.value(field));
            (from != to).then(|| FieldChange {
                field: column,
                from: from.map(str::to_owned),
                to: to.map(str::to_owned),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::import::Outcome;

    fn context() -> Context {
        Context { language: Language::Fr, admin_role: Role::CompanyAdmin, country_code: CountryCode::FRANCE }
    }

    fn check(csv: &str, snapshot: &Snapshot) -> Report {
        validate(csv.as_bytes(), &context(), snapshot, Limits::PRODUCT).unwrap()
    }

    fn found(report: &Report) -> Vec<(u32, &str, Message, Severity)> {
        report.remarks.items.iter().map(|r| (r.row, r.column.as_str(), r.code, r.severity)).collect()
    }

    fn existing(id: i64, email: &str, employee_id: Option<&str>) -> ExistingUser {
        ExistingUser {
            id,
            last_name: "Martin".into(),
            email: Some(email.into()),
            employee_id: employee_id.map(Into::into),
            user_type: "collaborator".into(),
            role: "member".into(),
            licence_level: "creator".into(),
            preferred_channel: "email".into(),
            language: "fr".into(),
            ..ExistingUser::default()
        }
    }

    #[test]
    fn a_row_may_name_but_not_change_someone_holding_more_than_the_importer() {
        let mut boss = existing(3, "boss@x.fr", None);
        boss.above_importer = true;
        let snapshot = Snapshot { users: vec![boss], groups: vec![], seats_left: None };
        let same = check("nom;email;type\nMartin;boss@x.fr;collaborateur\n", &snapshot);
        assert_eq!((same.outcome, same.plan.counts.unchanged), (Outcome::Succeeded, 1), "naming changes nothing");
        let changed = check("nom;email;type;service\nMartin;boss@x.fr;collaborateur;Ventes\n", &snapshot);
        assert_eq!(found(&changed), [(2, "email", Message::Outranked, Severity::Blocking)]);
        assert_eq!(changed.plan.counts.updates, 0);
    }

    #[test]
    fn a_row_without_last_name_updates_whom_it_identifies_and_creates_no_one() {
        let mut invited = existing(7, "invite@x.fr", None);
        invited.last_name = String::new(); // invited by address: no name yet
        let snapshot = Snapshot { users: vec![invited], groups: vec![], seats_left: None };
        let report = check("nom;email;type\n;invite@x.fr;collaborateur\n;inconnu@x.fr;collaborateur\n", &snapshot);
        assert_eq!(found(&report), [(3, "last_name", Message::Required, Severity::Blocking)]);
        let report = check("nom;email;type;service\n;invite@x.fr;collaborateur;Ventes\n", &snapshot);
        assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", found(&report));
        assert_eq!(report.plan.counts.updates, 1);
        let update = &report.plan.updates[0];
        assert!(update.changes.iter().all(|c| c.field != Column::LastName), "the name stays as it is");
    }

    #[test]
    fn french_headers_match_whatever_their_case_accents_and_spacing() {
        let report = check(
            "NOM;Prénom;adresse  mail;Canal préféré;TYPE;Matricule;groupes autorisés\nLévy;Zoé;z@x.fr;sms;collaborateur;A1;\n",
            &Snapshot::default(),
        );
        assert_eq!(
            report.columns,
            [
                Column::LastName,
                Column::FirstName,
                Column::Email,
                Column::PreferredChannel,
                Column::UserType,
                Column::EmployeeId,
                Column::AllowedGroups
            ]
        );
        // SMS chosen without a mobile is a field error, reported on its row and column.
        assert_eq!(found(&report), [(2, "preferred_channel", Message::ChannelNeedsMobile, Severity::Blocking)]);
    }

    #[test]
    fn no_alias_names_two_columns() {
        let mut seen = HashMap::new();
        for &column in Column::ALL {
            for name in
                [column.code(), column.label(Language::Fr), column.label(Language::En)].iter().chain(column.aliases())
            {
                if let Some(other) = seen.insert(text::key(name), column) {
                    assert_eq!(other, column, "{name}");
                }
            }
        }
    }

    #[test]
    fn missing_duplicate_and_unknown_columns_are_reported_on_the_header_row() {
        let report = check("nom,email,email,colour\nMartin,m@x.fr,,blue\n", &Snapshot::default());
        assert_eq!(
            found(&report),
            [
                (1, "email", Message::DuplicateColumn, Severity::Blocking),
                (1, "colour", Message::UnknownColumn, Severity::Info),
                (1, "user_type", Message::MissingColumn, Severity::Blocking),
            ]
        );
        assert_eq!(report.outcome, Outcome::Failed);
    }

    #[test]
    fn each_bad_value_is_pinned_to_its_row_and_column_with_the_value() {
        let report = check("last_name,email,user_type,mobile\nMartin,nope,astronaut,12\n", &Snapshot::default());
        assert_eq!(
            found(&report),
            [
                (2, "email", Message::InvalidEmail, Severity::Blocking),
                (2, "mobile", Message::InvalidMobile, Severity::Blocking),
                (2, "user_type", Message::UnknownValue, Severity::Blocking),
            ]
        );
        assert_eq!(report.remarks.items[0].detail.as_deref(), Some("nope"));
        assert_eq!(report.remarks.items[0].message(Language::En), "This e-mail address is not valid. « nope »");
    }

    #[test]
    fn the_same_person_twice_in_the_file_is_blocking_and_names_the_first_row() {
        let report = check(
            "last_name,email,user_type,employee_id\nA,a@x.fr,,E1\nB,b@x.fr,,e1\nC,A@X.FR,,\n",
            &Snapshot::default(),
        );
        let duplicates: Vec<_> = report.remarks.items.iter().filter(|r| r.code == Message::DuplicateInFile).collect();
        assert_eq!(duplicates.len(), 2);
        assert_eq!(
            (duplicates[0].row, duplicates[0].column.as_str(), duplicates[0].other_row),
            (3, "employee_id", Some(2))
        );
        assert_eq!((duplicates[1].row, duplicates[1].column.as_str(), duplicates[1].other_row), (4, "email", Some(2)));
        assert!(duplicates[0].message(Language::Fr).ends_with("(ligne 2)"));
    }

    #[test]
    fn a_blank_user_type_gets_the_default_with_a_warning() {
        let report = check("last_name,email,user_type\nMartin,m@x.fr,\n", &Snapshot::default());
        assert_eq!(found(&report), [(2, "user_type", Message::DefaultApplied, Severity::Warning)]);
        assert_eq!(report.outcome, Outcome::Partial);
        assert_eq!(report.plan.creates[0].user.user_type, UserType::Collaborator);
    }

    #[test]
    fn the_plan_creates_updates_field_by_field_and_leaves_the_rest() {
        let snapshot = Snapshot {
            users: vec![existing(7, "known@x.fr", Some("E7")), existing(8, "same@x.fr", None)],
            groups: vec!["Ventes".into()],
            seats_left: None,
        };
        let report = check(
            "last_name,email,user_type,employee_id,department,groups\n\
             New,new@x.fr,collaborateur,,,Ventes\n\
             Martin,other@x.fr,externe,E7,Sales,\n\
             Martin,same@x.fr,collaborator,,,\n",
            &snapshot,
        );
        assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.remarks);
        assert_eq!(report.plan.creates.len(), 1);
        assert_eq!(report.plan.creates[0].groups[0].as_str(), "Ventes");
        assert_eq!(report.plan.unchanged, [4]);
        let update = &report.plan.updates[0];
        assert_eq!((update.row, update.id), (3, 7));
        let fields: Vec<_> = update.changes.iter().map(|c| (c.field, c.to.as_deref())).collect();
        assert_eq!(
            fields,
            [
                (Column::Email, Some("other@x.fr")),
                (Column::UserType, Some("external")),
                (Column::Department, Some("Sales"))
            ]
        );
        assert!(report.plan.groups_to_create.is_empty(), "Ventes exists");
    }

    #[test]
    fn identifiers_pointing_at_two_users_block_the_row() {
        let snapshot = Snapshot {
            users: vec![existing(1, "a@x.fr", None), existing(2, "b@x.fr", Some("E2"))],
            groups: vec![],
            seats_left: None,
        };
        let report = check("last_name,email,user_type,employee_id\nA,a@x.fr,,E2\n", &snapshot);
        assert!(found(&report).contains(&(2, "email", Message::ConflictingIdentities, Severity::Blocking)));
        assert_eq!(report.remarks.items.last().unwrap().detail.as_deref(), Some("1, 2"));
    }

    #[test]
    fn groups_and_tags_a_user_already_has_leave_the_row_unchanged() {
        let mut known = existing(1, "a@x.fr", None);
        known.groups = vec!["Ventes".into(), "Équipe A".into()];
        known.tags = vec!["Senior".into()];
        let snapshot =
            Snapshot { users: vec![known], groups: vec!["Ventes".into(), "Équipe A".into()], seats_left: None };
        let same =
            check("last_name,email,user_type,groups,tags\nMartin,a@x.fr,,\"ventes, equipe a\",SENIOR\n", &snapshot);
        assert_eq!((same.plan.counts.updates, same.plan.counts.unchanged), (0, 1), "{:?}", same.plan.updates);
        let more = check("last_name,email,groups,user_type\nMartin,a@x.fr,\"Ventes, Nord\",\n", &snapshot);
        assert_eq!(more.plan.updates[0].groups.iter().map(Label::as_str).collect::<Vec<_>>(), ["Nord"]);
    }

    #[test]
    fn missing_groups_are_created_once_and_missing_allowed_groups_are_not() {
        let snapshot = Snapshot { groups: vec!["Équipe A".into()], ..Snapshot::default() };
        let report = check(
            "last_name,email,user_type,groups,allowed_groups\nA,a@x.fr,externe,\"New, équipe a\",Ghost\nB,b@x.fr,externe,NEW,Equipe A\n",
            &snapshot,
        );
        assert_eq!(report.plan.groups_to_create, ["New"]);
        assert_eq!(found(&report), [(2, "allowed_groups", Message::UnknownGroup, Severity::Warning)]);
        assert_eq!(report.plan.creates[1].allowed_groups[0].as_str(), "Equipe A");
    }

    #[test]
    fn an_oversized_cell_is_a_blocking_remark_not_a_failure_to_read() {
        let csv = format!("last_name,email,user_type\n{},a@x.fr,\n", "x".repeat(40_000));
        let report = check(&csv, &Snapshot::default());
        assert_eq!(found(&report)[0], (2, "last_name", Message::CellTooLong, Severity::Blocking));
    }

    #[test]
    fn a_header_without_data_changes_nothing_and_says_so() {
        let report = check("last_name,email,user_type\n", &Snapshot::default());
        assert_eq!(found(&report), [(2, "", Message::NoDataRow, Severity::Warning)]);
        assert_eq!(report.outcome, Outcome::Partial);
        assert_eq!(report.plan.counts.creates + report.plan.counts.updates, 0);
    }

    #[test]
    fn a_team_admin_file_cannot_grant_company_admin() {
        let context = Context { admin_role: Role::TeamAdmin, ..context() };
        let report = validate(
            b"last_name,email,user_type,role\nA,a@x.fr,externe,company_admin\n",
            &context,
            &Snapshot::default(),
            Limits::PRODUCT,
        )
        .unwrap();
        assert_eq!(found(&report)[0], (2, "role", Message::RoleNotGrantable, Severity::Blocking));
    }
}

#[cfg(test)]
mod seat_tests {
    use super::*;

    fn company(seats_left: u32) -> Snapshot {
        let user = |id: i64, email: &str, licence_level: &str, status: &str| ExistingUser {
            id,
            last_name: "Known".into(),
            email: Some(email.into()),
            licence_level: licence_level.into(),
            status: status.into(),
            ..ExistingUser::default()
        };
        Snapshot {
            users: vec![
                user(1, "creator@x.fr", "creator", "active"),
                user(2, "player@x.fr", "participant", "active"),
                user(3, "gone@x.fr", "participant", "inactive"),
            ],
            groups: vec![],
            seats_left: Some(seats_left),
        }
    }

    fn seat_remarks(csv: &str, seats_left: u32) -> Vec<(u32, Option<String>)> {
        let context =
            Context { language: Language::En, admin_role: Role::CompanyAdmin, country_code: CountryCode::FRANCE };
        let report = validate(csv.as_bytes(), &context, &company(seats_left), Limits::PRODUCT).unwrap();
        report
            .remarks
            .items
            .iter()
            .filter(|r| r.code == Message::NoLicenceLeft)
            .map(|r| (r.row, r.detail.clone()))
            .collect()
    }

    #[test]
    fn new_creators_need_seats_participants_and_deactivated_users_none() {
        let csv = "last_name,email,user_type,licence_level\nA,a@x.fr,,\nB,b@x.fr,,participant\nC,c@x.fr,,creator\n\
                   D,gone@x.fr,,creator\n";
        assert!(seat_remarks(csv, 2).is_empty());
        assert_eq!(seat_remarks(csv, 1), [(4, Some("2 > 1".to_owned()))]);
    }

    #[test]
    fn raising_a_level_takes_a_seat_and_lowering_one_frees_it_for_the_whole_file() {
        let raise = "last_name,email,user_type,licence_level\nKnown,player@x.fr,,creator\n";
        assert_eq!(seat_remarks(raise, 0), [(2, Some("1 > 0".to_owned()))]);
        let swap = format!("{raise}Known,creator@x.fr,,participant\n");
        assert!(seat_remarks(&swap, 0).is_empty(), "the second row frees the seat the first takes");
        let untouched = "last_name,email,user_type\nKnown,player@x.fr,\n";
        assert!(seat_remarks(untouched, 0).is_empty(), "without the column, levels stay as they are");
    }
}

#[cfg(test)]
mod summary_tests {
    use super::*;

    #[test]
    fn a_summary_plan_counts_everything_and_keeps_little() {
        let snapshot = Snapshot {
            users: vec![ExistingUser {
                id: 1,
                last_name: "A".into(),
                email: Some("a@x.fr".into()),
                ..ExistingUser::default()
            }],
            groups: vec![],
            seats_left: None,
        };
        let csv = b"last_name,email,user_type\nA,a@x.fr,externe\nB,b@x.fr,externe\nC,c@x.fr,externe\n";
        let context =
            Context { language: Language::En, admin_role: Role::CompanyAdmin, country_code: CountryCode::FRANCE };
        let summary = Detail::Summary { updates: 0 };
        let report = validate_with_progress(csv, &context, &snapshot, Limits::PRODUCT, summary, &mut |_| {}).unwrap();
        assert_eq!(report.plan.counts, Counts { creates: 2, updates: 1, unchanged: 0 });
        assert!(report.plan.creates.is_empty() && report.plan.updates.is_empty());
        let full = validate(csv, &context, &snapshot, Limits::PRODUCT).unwrap();
        assert_eq!(full.plan.counts, report.plan.counts);
        assert_eq!(full.plan.creates.len(), 2);
    }
}
