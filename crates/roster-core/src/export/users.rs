//! The users export (J2, J3): who the company's users are, where they stand,
//! and what they did over the last twelve months.
//!
//! The server splits it into three files (active users, deactivated users,
//! pending invitations); the console exports the list on screen as one file
//! with the same columns. Column titles reuse the import file's names, so an
//! exported file can be edited and imported again.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::{Cell, ExportError, FileWriter, Format};
use crate::Language;
use crate::import::users::Column;
use crate::model::{Channel, LicenceLevel, Role, UserStatus, UserType};
use crate::time::Timestamp;

/// The most users one export takes. Memory stays flat at any size; this
/// bounds the time a background run takes (a few minutes at the measured
/// rate, see BENCHMARKS.md), so a larger company hears it when it asks
/// rather than when a run is cut short.
pub const MAX_EXPORT_USERS: i64 = 1_000_000;

/// One of the three files of a users export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserFile {
    /// Users who can sign in.
    Active,
    /// Deactivated users, kept with their history.
    Deactivated,
    /// Accounts not activated yet: created or invited.
    PendingInvitations,
    /// The members of chosen groups, whatever their status (deleted aside),
    /// each with all their groups.
    GroupMembers,
    /// The users a monthly figure counted, deleted ones included (they
    /// were counted): the figure's list (J5).
    MonthlyActive,
}

impl UserFile {
    /// The three files, in the order they are built.
    pub const ALL: [Self; 3] = [Self::Active, Self::Deactivated, Self::PendingInvitations];

    /// The statuses whose users the file holds, in the order they appear.
    pub const fn statuses(self) -> &'static [UserStatus] {
        match self {
            Self::Active => &[UserStatus::Active],
            Self::Deactivated => &[UserStatus::Inactive],
            Self::PendingInvitations => &[UserStatus::Invited, UserStatus::Created],
            Self::GroupMembers => &[UserStatus::Active, UserStatus::Inactive, UserStatus::Invited, UserStatus::Created],
            Self::MonthlyActive => UserStatus::ALL,
        }
    }

    /// Whether the file carries the twelve-month statistics: users who never
    /// activated their account have none.
    pub const fn has_statistics(self) -> bool {
        !matches!(self, Self::PendingInvitations)
    }

    /// The file's name, the same in every language (scripts rely on it).
    pub fn file_name(self, format: Format) -> String {
        let stem = match self {
            Self::Active => "active-users",
            Self::Deactivated => "deactivated-users",
            Self::PendingInvitations => "pending-invitations",
            Self::GroupMembers => "group-members",
            Self::MonthlyActive => "monthly-active",
        };
        format!("{stem}.{}", format.extension())
    }

    /// The sheet's name in `lang`.
    pub const fn sheet_name(self, lang: Language) -> &'static str {
        match (self, lang) {
            (Self::Active, Language::Fr) => "Utilisateurs actifs",
            (Self::Active, _) => "Active users",
            (Self::Deactivated, Language::Fr) => "Utilisateurs désactivés",
            (Self::Deactivated, _) => "Deactivated users",
            (Self::PendingInvitations, Language::Fr) => "Invitations en attente",
            (Self::PendingInvitations, _) => "Pending invitations",
            (Self::GroupMembers, Language::Fr) => "Membres des groupes",
            (Self::GroupMembers, _) => "Group members",
            (Self::MonthlyActive, Language::Fr) => "Actifs du mois",
            (Self::MonthlyActive, _) => "Active in the month",
        }
    }
}

/// A user as exports show them: stored codes and dates, the names of their
/// groups and tags, and their activity counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedUser {
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: Option<String>,
    /// E-mail address.
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
    /// Status code.
    pub status: String,
    /// Preferred channel code.
    pub preferred_channel: String,
    /// Language code.
    pub language: String,
    /// Group names, comma-separated.
    #[serde(default)]
    pub groups: Option<String>,
    /// Tag names, comma-separated.
    #[serde(default)]
    pub tags: Option<String>,
    /// Creation time (RFC 3339, UTC).
    pub created_at: String,
    /// Last invitation time.
    pub invited_at: Option<String>,
    /// Activation time.
    pub activated_at: Option<String>,
    /// Last sign-in time.
    pub last_access_at: Option<String>,
    /// Sign-ins over the last twelve months; `None` where it may not be
    /// shown (another company's member), never a false 0.
    #[serde(default)]
    pub logins: Option<u32>,
    /// Participations in activities over the last twelve months, likewise.
    #[serde(default)]
    pub participations: Option<u32>,
    /// Activities the user created, likewise.
    #[serde(default)]
    pub activities_created: Option<u32>,
    /// Why some of the row is blank: another company's member of a shared
    /// group (J6). Written in files that have the column.
    #[serde(default)]
    pub note: Option<String>,
}

/// The columns without statistics: identity, settings, status and dates.
const BASE_COLUMNS: usize = 18;

/// Column titles in `lang`, statistics then notes last when asked for.
pub fn headers(lang: Language, statistics: bool, notes: bool) -> Vec<String> {
    let imported = |column: Column| capitalised(column.label(lang));
    let mut headers = vec![
        imported(Column::LastName),
        imported(Column::FirstName),
        imported(Column::Email),
        imported(Column::Mobile),
        imported(Column::EmployeeId),
        imported(Column::Department),
        imported(Column::UserType),
        imported(Column::Role),
        imported(Column::LicenceLevel),
    ];
    let own: &[&str] = match lang {
        Language::Fr => &["Statut"],
        _ => &["Status"],
    };
    headers.extend(own.iter().map(|h| (*h).to_owned()));
    headers.extend([
        imported(Column::PreferredChannel),
        imported(Column::Language),
        imported(Column::Groups),
        imported(Column::Tags),
    ]);
    let (dates, stats): (&[&str], &[&str]) = match lang {
        Language::Fr => (
            &["Créé le (UTC)", "Invité le (UTC)", "Activé le (UTC)", "Dernier accès (UTC)"],
            &["Connexions (12 mois)", "Participations (12 mois)", "Activités créées"],
        ),
        _ => (
            &["Created (UTC)", "Invited (UTC)", "Activated (UTC)", "Last access (UTC)"],
            &["Logins (12 months)", "Participations (12 months)", "Activities created"],
        ),
    };
    headers.extend(dates.iter().map(|h| (*h).to_owned()));
    debug_assert_eq!(headers.len(), BASE_COLUMNS);
    if statistics {
        headers.extend(stats.iter().map(|h| (*h).to_owned()));
    }
    if notes {
        headers.push(if lang == Language::Fr { "Remarque" } else { "Note" }.to_owned());
    }
    headers
}

fn widths(statistics: bool, notes: bool) -> Vec<u8> {
    let mut widths = vec![18, 16, 30, 16, 14, 18, 14, 16, 12, 12, 12, 10, 28, 20, 17, 17, 17, 17];
    if statistics {
        widths.extend([12, 14, 12]);
    }
    if notes {
        widths.push(48);
    }
    widths
}

fn text(value: Option<&String>) -> Cell<'_> {
    value.map_or(Cell::Empty, |v| Cell::Text(v))
}

/// A count, or an empty cell where it may not be shown.
fn count(value: Option<u32>) -> Cell<'static> {
    value.map_or(Cell::Empty, |n| Cell::Number(f64::from(n)))
}

fn date(value: Option<&String>) -> Cell<'static> {
    value.and_then(|v| Timestamp::parse(v)).map_or(Cell::Empty, Cell::Date)
}

/// An enumerated value by its name in the file's language; a code the
/// product does not know (yet) is shown as stored, as text.
fn named<'a>(label: Option<&'static str>, code: &'a str) -> Cell<'a> {
    label.map_or(Cell::Text(code), Cell::Typed)
}

fn capitalised(label: &str) -> String {
    let mut chars = label.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The notice telling someone an export is ready: subject and text in
/// `lang`, with the dashboard `link`, each file's name and row count, and
/// when the files stop being downloadable. For an export of groups'
/// members, `groups` names them: every administrator managing them gets
/// the notice too, so it does not say "your".
pub fn ready_notice(
    lang: Language,
    link: &str,
    files: &[(String, u64)],
    expires_at: Timestamp,
    groups: &[String],
) -> (String, String) {
    let mut until = expires_at.to_string();
    until.truncate(16);
    let until = until.replace('T', " ");
    let names = groups.iter().map(|g| format!("« {g} »")).collect::<Vec<_>>().join(", ");
    let (subject, intro, rows, outro) = match (lang, groups.is_empty()) {
        (Language::Fr, true) => (
            "Votre export des utilisateurs est prêt".to_owned(),
            "Bonjour,\n\nVotre export des utilisateurs est prêt :".to_owned(),
            "lignes",
            format!("Téléchargez-le depuis le tableau des imports et exports jusqu’au {until} (UTC) :"),
        ),
        (Language::Fr, false) => (
            "Un export des membres de groupes est prêt".to_owned(),
            format!("Bonjour,\n\nL’export des membres des groupes {names} est prêt :"),
            "lignes",
            format!(
                "Vous et les autres administrateurs qui gèrent ces groupes pouvez le télécharger depuis le tableau des imports et exports jusqu’au {until} (UTC) :"
            ),
        ),
        (_, true) => (
            "Your users export is ready".to_owned(),
            "Hello,\n\nYour users export is ready:".to_owned(),
            "rows",
            format!("Download it from the imports and exports dashboard until {until} (UTC):"),
        ),
        (_, false) => (
            "A group members export is ready".to_owned(),
            format!(
                "Hello,\n\nThe export of the members of the groups {} is ready:",
                groups.iter().map(|g| format!("“{g}”")).collect::<Vec<_>>().join(", ")
            ),
            "rows",
            format!(
                "You and the other administrators managing these groups may download it from the imports and exports dashboard until {until} (UTC):"
            ),
        ),
    };
    let mut body = format!("{intro}\n");
    for (name, count) in files {
        let _ = writeln!(body, "- {name} ({count} {rows})");
    }
    let _ = write!(body, "\n{outro}\n{link}\n");
    (subject, body)
}

/// A users file being written, one user at a time.
pub struct UsersWriter {
    writer: FileWriter,
    lang: Language,
    statistics: bool,
    notes: bool,
    rows: u64,
}

impl UsersWriter {
    /// Starts a file of `format` with headers in `lang` (and the statistics
    /// columns when `statistics`), its sheet named `sheet`, dated `now`.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn new(
        format: Format,
        lang: Language,
        statistics: bool,
        sheet: &str,
        now: Timestamp,
    ) -> Result<Self, ExportError> {
        Self::for_file(format, lang, (statistics, false), sheet, now)
    }

    /// Starts a file of `format` like [`UsersWriter::new`], with the note
    /// column last when `notes` (group members files, J6).
    ///
    /// # Errors
    /// When the writer fails.
    pub fn for_file(
        format: Format,
        lang: Language,
        (statistics, notes): (bool, bool),
        sheet: &str,
        now: Timestamp,
    ) -> Result<Self, ExportError> {
        let writer = FileWriter::new(format, sheet, headers(lang, statistics, notes), widths(statistics, notes), now)?;
        Ok(Self { writer, lang, statistics, notes, rows: 0 })
    }

    /// Adds one user.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn add(&mut self, user: &ExportedUser) -> Result<(), ExportError> {
        let lang = self.lang;
        let mut cells = [Cell::Empty; BASE_COLUMNS + 4];
        cells[..BASE_COLUMNS].copy_from_slice(&[
            Cell::Text(&user.last_name),
            text(user.first_name.as_ref()),
            text(user.email.as_ref()),
            user.mobile.as_deref().map_or(Cell::Empty, Cell::Typed),
            text(user.employee_id.as_ref()),
            text(user.department.as_ref()),
            named(UserType::parse(&user.user_type).ok().map(|v| v.label(lang)), &user.user_type),
            named(Role::parse(&user.role).ok().map(|v| v.label(lang)), &user.role),
            named(LicenceLevel::parse(&user.licence_level).ok().map(|v| v.label(lang)), &user.licence_level),
            named(UserStatus::parse(&user.status).ok().map(|v| v.label(lang)), &user.status),
            named(Channel::parse(&user.preferred_channel).ok().map(|v| v.label(lang)), &user.preferred_channel),
            named(Language::parse(&user.language).ok().map(|v| v.label(lang)), &user.language),
            text(user.groups.as_ref()),
            text(user.tags.as_ref()),
            Timestamp::parse(&user.created_at).map_or(Cell::Empty, Cell::Date),
            date(user.invited_at.as_ref()),
            date(user.activated_at.as_ref()),
            date(user.last_access_at.as_ref()),
        ]);
        let mut width = BASE_COLUMNS;
        if self.statistics {
            cells[width..width + 3].copy_from_slice(&[
                count(user.logins),
                count(user.participations),
                count(user.activities_created),
            ]);
            width += 3;
        }
        if self.notes {
            cells[width] = text(user.note.as_ref());
            width += 1;
        }
        self.rows += 1;
        self.writer.row(&cells[..width])
    }

    /// How many users were added.
    pub const fn rows(&self) -> u64 {
        self.rows
    }

    /// The bytes written so far and not yet taken.
    pub fn take_output(&mut self) -> Vec<u8> {
        self.writer.take_output()
    }

    /// How many bytes wait in [`UsersWriter::take_output`].
    pub fn pending_output(&self) -> usize {
        self.writer.pending_output()
    }

    /// Ends the file; gives the bytes not taken yet.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn finish(self) -> Result<Vec<u8>, ExportError> {
        self.writer.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::read_back;
    use crate::import::users::{Context, Snapshot, validate};
    use crate::model::CountryCode;
    use crate::sheet::{Limits, Value};

    fn user(last_name: &str, status: &str) -> ExportedUser {
        ExportedUser {
            last_name: last_name.into(),
            first_name: Some("Zoé".into()),
            email: Some(format!(
                "{}@example.com",
                last_name.to_lowercase().replace(|c: char| !c.is_alphanumeric(), "")
            )),
            mobile: Some("+33612345678".into()),
            department: Some("-Sales".into()),
            user_type: "collaborator".into(),
            role: "team_admin".into(),
            licence_level: "creator".into(),
            status: status.into(),
            preferred_channel: "email".into(),
            language: "fr".into(),
            groups: Some("Paris, Lyon".into()),
            created_at: "2026-01-02T03:04:05Z".into(),
            last_access_at: Some("2026-11-20T08:00:00Z".into()),
            logins: Some(41),
            participations: Some(7),
            activities_created: Some(2),
            ..ExportedUser::default()
        }
    }

    fn written(format: Format, lang: Language, statistics: bool, users: &[ExportedUser]) -> Vec<u8> {
        let mut writer = UsersWriter::new(format, lang, statistics, "Users", Timestamp::from_unix_seconds(0)).unwrap();
        for u in users {
            writer.add(u).unwrap();
        }
        let mut bytes = writer.take_output();
        bytes.extend(writer.finish().unwrap());
        bytes
    }

    #[test]
    fn files_are_named_for_what_they_hold_and_split_by_status() {
        let names: Vec<_> = UserFile::ALL.iter().map(|f| f.file_name(Format::Csv)).collect();
        assert_eq!(names, ["active-users.csv", "deactivated-users.csv", "pending-invitations.csv"]);
        assert_eq!(UserFile::PendingInvitations.statuses(), [UserStatus::Invited, UserStatus::Created]);
        assert!(!UserFile::PendingInvitations.has_statistics());
    }

    #[test]
    fn xlsx_keeps_formulas_as_text_phones_usable_and_counts_as_numbers() {
        let hostile = user("=HYPERLINK(\"http://evil.example\",\"x\")", "active");
        let rows = read_back(&written(Format::Xlsx, Language::En, true, &[hostile]));
        assert_eq!(rows[0][9], Value::Text("Status".into()));
        assert_eq!(rows[0][18], Value::Text("Logins (12 months)".into()));
        assert_eq!(rows[1][0], Value::Text("=HYPERLINK(\"http://evil.example\",\"x\")".into()));
        assert_eq!(rows[1][3], Value::Text("+33612345678".into()));
        assert_eq!(rows[1][7], Value::Text("team admin".into()));
        assert_eq!(rows[1][9], Value::Text("active".into()));
        assert_eq!(rows[1][18], Value::Number(41.0));
        // 2026-01-02T03:04:05Z as a spreadsheet serial day, styled as a date.
        assert_eq!(rows[1][14].number(), Some(1_767_323_045.0 / 86_400.0 + 25_569.0));
        assert_eq!(rows[1][14].text().as_deref(), Some("2026-01-02 03:04:05"));
        let bytes = written(Format::Xlsx, Language::En, true, &[user("Martin", "active")]);
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = calamine::Reader::worksheet_range_at(&mut book, 0).unwrap().unwrap();
        assert!(matches!(range.get_value((1, 14)), Some(calamine::Data::DateTime(_))));
    }

    #[test]
    fn csv_neutralises_free_text_but_not_typed_columns() {
        let hostile = user("=HYPERLINK(\"http://evil.example\",\"x\")", "inactive");
        let text = String::from_utf8(written(Format::Csv, Language::Fr, true, &[hostile])).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("\u{feff}Nom,Prénom,Adresse mail,Mobile,Matricule,Service,Type,Rôle,Licence,Statut")
        );
        assert!(lines[1].starts_with("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",Zoé,"), "{}", lines[1]);
        assert!(lines[1].contains(",+33612345678,"));
        assert!(lines[1].contains(",'-Sales,"));
        assert!(lines[1].contains(",désactivé,"));
        assert!(lines[1].contains(",2026-01-02 03:04,"));
        assert!(lines[1].ends_with(",41,7,2"));
    }

    #[test]
    fn the_ready_notice_lists_the_files_and_the_last_day_in_the_requesters_language() {
        let files = [("active-users.csv".to_owned(), 12), ("pending-invitations.csv".to_owned(), 0)];
        let expires = Timestamp::parse("2026-11-26T09:30:00Z").unwrap();
        let (subject, body) = ready_notice(Language::Fr, "http://127.0.0.1:8787/#/jobs", &files, expires, &[]);
        assert_eq!(subject, "Votre export des utilisateurs est prêt");
        assert!(body.contains("- active-users.csv (12 lignes)"), "{body}");
        assert!(body.contains("jusqu’au 2026-11-26 09:30 (UTC)"), "{body}");
        assert!(body.ends_with("http://127.0.0.1:8787/#/jobs\n"));
        let groups = ["Ventes Paris".to_owned()];
        let (subject, body) = ready_notice(Language::En, "http://x/#/jobs/1", &files[..1], expires, &groups);
        assert_eq!(subject, "A group members export is ready");
        assert!(body.contains("the groups “Ventes Paris” is ready"), "{body}");
        assert!(body.contains("You and the other administrators managing these groups"), "{body}");
    }

    #[test]
    fn pending_invitations_have_no_statistics_columns() {
        let rows = read_back(&written(Format::Csv, Language::En, false, &[user("Martin", "invited")]));
        assert_eq!(rows[0].len(), BASE_COLUMNS);
        assert_eq!(rows[0][BASE_COLUMNS - 1], Value::Text("Last access (UTC)".into()));
    }

    #[test]
    fn an_exported_file_imports_again_without_blocking_remarks() {
        let context =
            Context { language: Language::Fr, admin_role: Role::CompanyAdmin, country_code: CountryCode::FRANCE };
        for format in [Format::Csv, Format::Xlsx] {
            let other = ExportedUser { mobile: Some("+33698765432".into()), ..user("Durand", "active") };
            let bytes = written(format, Language::Fr, true, &[user("Martin", "active"), other]);
            let report = validate(&bytes, &context, &Snapshot::default(), Limits::PRODUCT).unwrap();
            assert_eq!(report.remarks.blocking, 0, "{format:?}: {:?}", report.remarks.items);
            assert_eq!(report.plan.counts.creates, 2);
        }
    }
}
