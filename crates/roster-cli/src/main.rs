//! `roster`: Roster's command line.
//!
//! - `roster validate users FILE [--snapshot company.json] [--format
//!   json|text] [--lang fr|en]` checks a user import file as the console and
//!   the server do, against the company's snapshot (what
//!   `GET /api/v1/imports/users/snapshot` answers; an empty company without
//!   one), and prints the report. Exit status: 0 when nothing blocks the
//!   import, 1 when something does, 2 when the file cannot be read at all
//!   (the reason goes to stderr).
//! - `roster validate invitations FILE --snapshot company.json …` does the
//!   same for an invitation import file, against what
//!   `GET /api/v1/imports/invitations/snapshot` answers.
//! - `roster sample users|invitations [--lang fr|en] > sample.xlsx` writes a
//!   sample file.
//! - `roster generate users --rows N [--format xlsx|csv] [--group NAME] >
//!   users.xlsx` writes a valid user file of N rows, the load benchmarks and
//!   tests put on imports; with `--group`, every row also joins group NAME.
//! - `roster generate export --rows N [--format xlsx|csv] [--lang fr|en] >
//!   users.xlsx` writes a users export of N generated users, as the server and
//!   the console build it, row by row; `--peak-memory` reports the process's
//!   peak memory on stderr (Linux).
//! - `roster hash-password` reads a password on standard input and prints the
//!   hash to store for a production database's first administrator.

use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use roster_core::import::users::{Context, Detail, Snapshot, validate_with_progress};
use roster_core::import::{Outcome, Remarks, sample};
use roster_core::messages::Noun;
use roster_core::model::{CountryCode, Role};
use roster_core::sheet::Limits;
use roster_core::time::Timestamp;
use roster_core::{Language, secret};

/// `n` and the noun, as the core writes counts in `lang`.
fn count(lang: Language, n: impl TryInto<u64>, noun: Noun) -> String {
    roster_core::messages::count(lang, n.try_into().unwrap_or(u64::MAX), noun)
}
use serde_json::json;

const USAGE: &str = "\
usage:
  roster validate users FILE [--snapshot company.json] [--format json|text] [--lang fr|en]
  roster validate invitations FILE --snapshot company.json [--format json|text] [--lang fr|en]
  roster sample users [--lang fr|en] > sample.xlsx
  roster sample invitations [--lang fr|en] > sample.xlsx
  roster generate users --rows N [--format xlsx|csv] [--group NAME] > users.xlsx
  roster generate invitations --rows N [--format xlsx|csv] --snapshot-out company.json > plan.xlsx
  roster generate export --rows N [--format xlsx|csv] [--lang fr|en] [--peak-memory] > users.xlsx
  roster hash-password < password.txt

validate exits 0 when nothing blocks the import, 1 when something does,
and 2 when the file cannot be read at all.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let lang = option(&words, "--lang").and_then(|l| Language::parse(l).ok()).unwrap_or(Language::En);
    match words.as_slice() {
        ["validate", "users", file, ..] if !file.starts_with("--") => {
            validate_users(file, lang, option(&words, "--format").unwrap_or("text"), option(&words, "--snapshot"))
        }
        ["validate", "invitations", file, ..] if !file.starts_with("--") => {
            validate_invitations(file, lang, option(&words, "--format").unwrap_or("text"), option(&words, "--snapshot"))
        }
        ["sample", "users", ..] => write_out(sample::users(lang, now())),
        ["sample", "invitations", ..] => {
            write_out(sample::invitations(lang, now(), &roster_core::time::Zone::default()))
        }
        ["generate", "users", ..] => generate_users(
            option(&words, "--rows").and_then(|n| n.parse().ok()).unwrap_or(1_000),
            option(&words, "--format").unwrap_or("xlsx"),
            option(&words, "--group"),
        ),
        ["generate", "invitations", ..] => generate_invitations(
            option(&words, "--rows").and_then(|n| n.parse().ok()).unwrap_or(1_000),
            option(&words, "--format").unwrap_or("xlsx"),
            option(&words, "--snapshot-out"),
        ),
        ["generate", "export", ..] => generate_export(
            option(&words, "--rows").and_then(|n| n.parse().ok()).unwrap_or(1_000),
            option(&words, "--format").unwrap_or("xlsx"),
            lang,
            words.contains(&"--peak-memory"),
        ),
        ["hash-password"] => hash_password(),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn option<'a>(words: &[&'a str], name: &str) -> Option<&'a str> {
    let at = words.iter().position(|w| *w == name)?;
    words.get(at + 1).copied()
}

/// The file's bytes and the snapshot named by `--snapshot`, if any; the
/// reason on stderr when either cannot be read.
fn inputs<S: serde::de::DeserializeOwned>(
    file: &str,
    snapshot: Option<&str>,
) -> Result<(Vec<u8>, Option<S>), ExitCode> {
    let bytes = std::fs::read(file).map_err(|e| {
        eprintln!("roster: cannot read {file}: {e}");
        ExitCode::from(2)
    })?;
    let Some(path) = snapshot else { return Ok((bytes, None)) };
    let text = std::fs::read(path).map_err(|e| {
        eprintln!("roster: cannot read {path}: {e}");
        ExitCode::from(2)
    })?;
    let snapshot = serde_json::from_slice(&text).map_err(|e| {
        eprintln!("roster: {path} is not a company snapshot: {e}");
        ExitCode::from(2)
    })?;
    Ok((bytes, Some(snapshot)))
}

fn validate_users(file: &str, lang: Language, format: &str, snapshot: Option<&str>) -> ExitCode {
    let (bytes, snapshot) = match inputs::<Snapshot>(file, snapshot) {
        Ok(read) => read,
        Err(code) => return code,
    };
    // As a company administrator; without a snapshot, of an empty company.
    let context = Context { language: lang, admin_role: Role::CompanyAdmin, country_code: CountryCode::FRANCE };
    let detail = Detail::Summary { updates: 0 };
    let snapshot = snapshot.unwrap_or_default();
    let report = match validate_with_progress(&bytes, &context, &snapshot, Limits::PRODUCT, detail, &mut |_| {}) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("roster: {file}: {e}");
            return ExitCode::from(2);
        }
    };
    let plan = &report.plan;
    let verdict = Verdict {
        format: report.format,
        rows: report.rows,
        outcome: report.outcome,
        remarks: &report.remarks,
        plan: json!({
            "creates": plan.counts.creates,
            "updates": plan.counts.updates,
            "unchanged": plan.counts.unchanged,
            "groups_to_create": plan.groups_to_create,
        }),
        plan_line: {
            let (creates, updates, unchanged) = (plan.counts.creates, plan.counts.updates, plan.counts.unchanged);
            let groups = count(lang, plan.groups_to_create.len(), Noun::Group);
            match lang {
                Language::Fr => format!(
                    "plan : {creates} à créer, {updates} à mettre à jour, {unchanged} sans changement, {groups} à créer"
                ),
                _ => {
                    format!("plan: {creates} to create, {updates} to update, {unchanged} unchanged, {groups} to create")
                }
            }
        },
    };
    verdict.print(format, lang)
}

/// Invitations a report lists; its counts cover them all.
const LISTED_INVITATIONS: usize = 1_000;

fn validate_invitations(file: &str, lang: Language, format: &str, snapshot: Option<&str>) -> ExitCode {
    use roster_core::import::invitations;
    let (bytes, snapshot) = match inputs::<invitations::Snapshot>(file, snapshot) {
        Ok((bytes, Some(snapshot))) => (bytes, snapshot),
        Ok((_, None)) => {
            eprintln!("roster: give the company's snapshot: --snapshot company.json");
            return ExitCode::from(2);
        }
        Err(code) => return code,
    };
    let context = invitations::Context { language: lang, country_code: CountryCode::FRANCE, now: now() };
    // Counts cover every row; the report lists the first invitations, as the console does.
    let detail = invitations::Detail::Summary { invitations: LISTED_INVITATIONS };
    let report =
        match invitations::validate_with_progress(&bytes, &context, &snapshot, Limits::PRODUCT, detail, &mut |_| {}) {
            Ok(report) => report,
            Err(e) => {
                eprintln!("roster: {file}: {e}");
                return ExitCode::from(2);
            }
        };
    let counts = report.plan.counts;
    let verdict = Verdict {
        format: report.format,
        rows: report.rows,
        outcome: report.outcome,
        remarks: &report.remarks,
        plan: json!({
            "invitations": counts.invitations,
            "recipients": counts.recipients,
            "batches": counts.batches,
            "items": report.plan.invitations,
        }),
        plan_line: {
            let invitations = count(lang, counts.invitations, Noun::Invitation);
            let people = count(lang, counts.recipients, Noun::Person);
            let batches = count(lang, counts.batches, Noun::Batch);
            match lang {
                Language::Fr => format!("plan : {invitations}, {people}, {batches} de 200 au plus"),
                _ => format!("plan: {invitations}, {people}, {batches} of at most 200"),
            }
        },
    };
    verdict.print(format, lang)
}

/// What a check found, in the shape both files share.
struct Verdict<'a> {
    format: roster_core::sheet::Format,
    rows: u32,
    outcome: Outcome,
    remarks: &'a Remarks,
    plan: serde_json::Value,
    plan_line: String,
}

impl Verdict<'_> {
    /// Prints the verdict as JSON or text; exits 1 when the import would fail.
    fn print(&self, format: &str, lang: Language) -> ExitCode {
        let mut out = std::io::stdout().lock();
        let written = match format {
            "json" => writeln!(out, "{}", self.json(lang)),
            "text" => self.text(&mut out, lang),
            _ => {
                eprintln!("roster: --format takes json or text");
                return ExitCode::from(2);
            }
        };
        if written.is_err() {
            return ExitCode::from(2);
        }
        if self.outcome == Outcome::Failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
    }

    fn json(&self, lang: Language) -> serde_json::Value {
        let remarks: Vec<_> = self
            .remarks
            .items
            .iter()
            .map(|r| {
                json!({
                    "row": r.row,
                    "column": r.column,
                    "code": r.code,
                    "severity": r.severity,
                    "message": r.message(lang),
                })
            })
            .collect();
        json!({
            "format": self.format,
            "rows": self.rows,
            "outcome": self.outcome,
            "remarks": remarks,
            "omitted_remarks": self.remarks.omitted,
            "blocking": self.remarks.blocking,
            "warnings": self.remarks.warnings,
            "plan": self.plan,
        })
    }

    fn text(&self, out: &mut impl Write, lang: Language) -> std::io::Result<()> {
        let fr = lang == Language::Fr;
        let outcome = match (self.outcome, fr) {
            (Outcome::Failed, true) => "échec : rien ne serait importé",
            (Outcome::Failed, false) => "failed: nothing would be imported",
            (Outcome::Partial, true) => "partiel : s’importe avec des avertissements",
            (Outcome::Partial, false) => "partial: imports with warnings",
            (Outcome::Succeeded, true) => "réussi",
            (Outcome::Succeeded, false) => "succeeded",
        };
        let rows = count(lang, self.rows, Noun::DataRow);
        let blocking = count(lang, self.remarks.blocking, Noun::BlockingProblem);
        let warnings = count(lang, self.remarks.warnings, Noun::Warning);
        // French sets its colons and semicolons apart.
        let (colon, semicolon) = if fr { (" :", " ;") } else { (":", ";") };
        writeln!(out, "{rows} ({}){colon} {outcome}{semicolon} {blocking}, {warnings}", self.format)?;
        let row = if fr { "ligne" } else { "row" };
        for r in &self.remarks.items {
            let column = if r.column.is_empty() { String::new() } else { format!(", {}", r.column) };
            writeln!(out, "{row} {}{column}{colon} {}{colon} {}", r.row, r.severity.label(lang), r.message(lang))?;
        }
        if self.remarks.omitted > 0 {
            let more = count(lang, self.remarks.omitted, Noun::Remark);
            writeln!(out, "{}", if fr { format!("… et {more} de plus") } else { format!("… and {more} more") })?;
        }
        writeln!(out, "{}", self.plan_line)
    }
}

/// Now, from the system clock.
fn now() -> Timestamp {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    Timestamp::from_unix_seconds(seconds)
}

/// Writes a built file (a sample, a generated file) to stdout; 2 when it could not be built or written.
fn write_out(file: Result<Vec<u8>, rust_xlsxwriter::XlsxError>) -> ExitCode {
    match file {
        Ok(bytes) if std::io::stdout().lock().write_all(&bytes).is_ok() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(2),
        Err(e) => {
            eprintln!("roster: {e}");
            ExitCode::from(2)
        }
    }
}

fn generate_users(rows: usize, format: &str, group: Option<&str>) -> ExitCode {
    use roster_core::demo::IMPORT_HEADERS;
    let bytes = match format {
        "csv" => {
            // As Excel saves "CSV UTF-8" in French: a BOM, semicolons, CRLF.
            let mut out = String::from("\u{feff}");
            out.push_str(&IMPORT_HEADERS.join(";"));
            out.push_str("\r\n");
            for row in generated_rows(rows, group) {
                let cells: Vec<String> = row.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
                out.push_str(&cells.join(";"));
                out.push_str("\r\n");
            }
            Ok(out.into_bytes())
        }
        "xlsx" => generated_xlsx(rows, group),
        _ => {
            eprintln!("roster: --format takes xlsx or csv");
            return ExitCode::from(2);
        }
    };
    write_out(bytes)
}

/// Streams an export of `rows` generated users to stdout as it is written.
fn generate_export(rows: usize, format: &str, lang: Language, report_memory: bool) -> ExitCode {
    use roster_core::export::{Format, users::UsersWriter};
    let Some(format) = Format::parse(format) else {
        eprintln!("roster: --format takes xlsx or csv");
        return ExitCode::from(2);
    };
    let mut out = std::io::stdout().lock();
    let written = (|| -> Result<(), String> {
        let mut writer = UsersWriter::new(format, lang, true, "Users", now()).map_err(|e| e.to_string())?;
        for user in roster_core::demo::exported_users(rows, 7) {
            writer.add(&user).map_err(|e| e.to_string())?;
            if writer.pending_output() > 1 << 20 {
                out.write_all(&writer.take_output()).map_err(|e| e.to_string())?;
            }
        }
        out.write_all(&writer.take_output()).map_err(|e| e.to_string())?;
        out.write_all(&writer.finish().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
    })();
    if let Err(e) = written {
        eprintln!("roster: {e}");
        return ExitCode::from(2);
    }
    if report_memory {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let peak = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).map_or("unknown", str::trim);
        eprintln!("peak memory: {peak}");
    }
    ExitCode::SUCCESS
}

/// The generated import rows, each also in `group` when one is given.
fn generated_rows(rows: usize, group: Option<&str>) -> impl Iterator<Item = [String; 12]> {
    roster_core::demo::import_rows(rows, 42).map(move |mut row| {
        if let Some(group) = group {
            let groups = &mut row[11];
            if !groups.is_empty() {
                groups.push_str(", ");
            }
            groups.push_str(group);
        }
        row
    })
}

fn generated_xlsx(rows: usize, group: Option<&str>) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use roster_core::demo::IMPORT_HEADERS;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, header) in (0u16..).zip(IMPORT_HEADERS) {
        sheet.write_string(0, c, header)?;
    }
    for (r, row) in (1u32..).zip(generated_rows(rows, group)) {
        for (c, value) in (0u16..).zip(row.iter()) {
            if !value.is_empty() {
                sheet.write_string(r, c, value)?;
            }
        }
    }
    workbook.save_to_buffer()
}

/// A made-up company for invitation files: 60 activities (ten of each
/// type), 500 groups of 20 and 10,000 users, in the default zone.
fn invitation_company() -> roster_core::import::invitations::Snapshot {
    use roster_core::import::invitations::{Snapshot, SnapshotActivity, SnapshotGroup, SnapshotUser};
    use roster_core::model::{ActivityType, UserStatus};
    let kinds = ActivityType::ALL;
    Snapshot {
        time_zone: roster_core::time::Zone::default(),
        activities: (1..=60i64)
            .map(|id| {
                let kind = kinds[usize::try_from(id).unwrap_or(0) % kinds.len()];
                SnapshotActivity {
                    id,
                    kind,
                    title: format!("Parcours {id} — {}", kind.label(Language::Fr)),
                    archived: false,
                }
            })
            .collect(),
        groups: (0..500i64)
            .map(|g| SnapshotGroup {
                id: g + 1,
                name: format!("Équipe {}", g + 1),
                archived: false,
                users: (g * 20 + 1..=g * 20 + 20).collect(),
                contacts: Vec::new(),
            })
            .collect(),
        users: (1..=10_000i64)
            .map(|id| SnapshotUser {
                id,
                email: Some(format!("p{id}@example.fr")),
                mobile: None,
                employee_id: Some(format!("M{id:05}")),
                status: if id % 97 == 0 { UserStatus::Inactive } else { UserStatus::Active },
                sort_key: format!("nom {:05}", (id * 7919) % 10_000),
            })
            .collect(),
        contacts: Vec::new(),
    }
}

/// One generated invitation row: the cells as text, and the start and end
/// as `(days from now, hour)` for date cells.
fn invitation_row(
    i: usize,
    company: &roster_core::import::invitations::Snapshot,
) -> ([String; 8], (u32, u16), (u32, u16)) {
    use roster_core::model::ActivityType;
    let activity = &company.activities[i % company.activities.len()];
    let kind = if i.is_multiple_of(2) { activity.kind.label(Language::Fr) } else { activity.kind.label(Language::En) };
    let named = if i.is_multiple_of(2) { activity.id.to_string() } else { activity.title.clone() };
    // Each (activity, person) pair once: people move on every 60 rows.
    let (groups, user) = if i.is_multiple_of(3) {
        let a = i / 60 % 500;
        let b = (a + 100 + i / 30_000 * 37) % 500;
        let (a, b) = (a + 1, b + 1);
        (format!("Équipe {a}, Équipe {b}"), String::new())
    } else {
        (String::new(), format!("p{}@example.fr", i / 60 % 10_000 + 1))
    };
    let resend = match (activity.kind, i % 3) {
        (ActivityType::Cycle, _) => String::new(),
        (_, 0) => "7 jours".into(),
        (_, 1) => "2 weeks".into(),
        _ => "P3D".into(),
    };
    let remind = if activity.kind == ActivityType::Module { "3 days".into() } else { String::new() };
    let start_day = 10 + u32::try_from(i % 30).unwrap_or(0);
    (
        [kind.to_owned(), named, groups, user, String::new(), String::new(), resend, remind],
        (start_day, 9),
        (start_day + 14, 18),
    )
}

/// An invitation file of `rows` rows and the company it checks against
/// (written to `snapshot_out`): French headers, dates as date cells in
/// XLSX and as day-first text in CSV.
fn generate_invitations(rows: usize, format: &str, snapshot_out: Option<&str>) -> ExitCode {
    use roster_core::import::invitations::Column;
    let company = invitation_company();
    if let Some(path) = snapshot_out {
        let written = serde_json::to_vec(&company).map(|json| std::fs::write(path, json));
        if !matches!(written, Ok(Ok(()))) {
            eprintln!("roster: cannot write {path}");
            return ExitCode::from(2);
        }
    }
    let headers: Vec<&str> = Column::ALL.iter().map(|c| c.label(Language::Fr)).collect();
    let zone = &company.time_zone;
    let now = now();
    // A local day `days` from now at `hour`: (y, m, d, hour).
    let local = |(days, hour): (u32, u16)| -> (u16, u8, u8, u16) {
        let text = zone.local(now.plus_days(i64::from(days)));
        let n = |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<u16>().ok()).unwrap_or(1);
        (n(0..4), u8::try_from(n(5..7)).unwrap_or(1), u8::try_from(n(8..10)).unwrap_or(1), hour)
    };
    let bytes = match format {
        "csv" => {
            let mut out = headers.join(";");
            out.push_str("\r\n");
            for i in 0..rows {
                let (mut cells, start, until) = invitation_row(i, &company);
                for (cell, when) in [(4, start), (5, until)] {
                    let (y, m, d, h) = local(when);
                    cells[cell] = format!("{d:02}/{m:02}/{y} {h:02}:00");
                }
                out.push_str(&cells.join(";"));
                out.push_str("\r\n");
            }
            Ok(out.into_bytes())
        }
        "xlsx" => (|| -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
            let mut workbook = rust_xlsxwriter::Workbook::new();
            let sheet = workbook.add_worksheet();
            let when = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy hh:mm");
            for (c, header) in (0u16..).zip(&headers) {
                sheet.write_string(0, c, *header)?;
            }
            for (r, i) in (1u32..).zip(0..rows) {
                let (cells, start, until) = invitation_row(i, &company);
                for (c, value) in (0u16..).zip(cells.iter()) {
                    if !value.is_empty() {
                        sheet.write_string(r, c, value)?;
                    }
                }
                for (c, day) in [(4u16, start), (5, until)] {
                    let (y, m, d, h) = local(day);
                    let at = rust_xlsxwriter::ExcelDateTime::from_ymd(y, m, d)?.and_hms(h, 0, 0)?;
                    sheet.write_datetime_with_format(r, c, &at, &when)?;
                }
            }
            workbook.save_to_buffer()
        })(),
        _ => {
            eprintln!("roster: --format takes xlsx or csv");
            return ExitCode::from(2);
        }
    };
    write_out(bytes)
}

fn hash_password() -> ExitCode {
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        eprintln!("roster: could not read the password from standard input");
        return ExitCode::from(2);
    }
    let password = line.trim_end_matches(['\r', '\n']);
    if let Err(message) = secret::check_new_password(password) {
        eprintln!("roster: {}", message.text(Language::En));
        return ExitCode::from(1);
    }
    let mut salt = [0u8; 16];
    if std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut salt)).is_err() {
        eprintln!("roster: no random source (/dev/urandom)");
        return ExitCode::from(2);
    }
    let _ = writeln!(std::io::stdout(), "{}", secret::hash_password(password, salt));
    ExitCode::SUCCESS
}
