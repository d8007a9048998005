//! Invitation files written by other tools, checked at a fixed time
//! (2027-01-01 in Europe/Paris) against a company like the demo one.

use roster_core::import::Outcome;
use roster_core::import::invitations::{
    Context, Report, Snapshot, SnapshotActivity, SnapshotContact, SnapshotGroup, SnapshotUser, validate,
};
use roster_core::model::{ActivityType, CountryCode, UserStatus};
use roster_core::sheet::Limits;
use roster_core::time::{Timestamp, Zone};
use roster_core::{Language, Message};

use crate::fixture;

fn company() -> Snapshot {
    let activity = |id, kind, title: &str| SnapshotActivity { id, kind, title: title.into(), archived: false };
    let group = |id, name: &str, users: Vec<i64>, archived| SnapshotGroup {
        id,
        name: name.into(),
        archived,
        users,
        contacts: if name == "Managers" { vec![100] } else { Vec::new() },
    };
    let user = |id: i64| SnapshotUser {
        id,
        email: Some(if id == 9 { "zoe.levy@example.fr".into() } else { format!("u{id}@example.fr") }),
        mobile: None,
        employee_id: None,
        status: if id == 8 { UserStatus::Inactive } else { UserStatus::Active },
        sort_key: format!("user {id:03}"),
    };
    Snapshot {
        time_zone: Zone::parse("Europe/Paris").unwrap(),
        activities: vec![
            activity(1, ActivityType::Module, "Onboarding — module"),
            activity(2, ActivityType::Questionnaire, "Sécurité — questionnaire"),
            activity(3, ActivityType::Survey, "Sécurité — enquête"),
            activity(4, ActivityType::Cycle, "Management — cycle"),
        ],
        groups: vec![
            group(10, "Nouveaux arrivants", vec![1, 2, 3], false),
            group(11, "Ventes Paris", vec![3, 4, 5], false),
            group(12, "Managers", vec![6, 7, 8], false),
            group(13, "Promotion 2019", vec![1], true),
        ],
        users: (1..=9).map(user).collect(),
        contacts: vec![SnapshotContact { id: 100, sort_key: "contact".into() }],
    }
}

fn check(name: &str, lang: Language) -> Report {
    let context = Context {
        language: lang,
        country_code: CountryCode::FRANCE,
        now: Timestamp::parse("2027-01-01T00:00:00Z").unwrap(),
    };
    validate(&fixture(name), &context, &company(), Limits::PRODUCT).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn remarks(report: &Report) -> Vec<(u32, String, Message)> {
    report.remarks.items.iter().map(|r| (r.row, r.column.clone(), r.code)).collect()
}

#[test]
fn an_openpyxl_file_gets_each_remark_on_its_row_and_column() {
    let report = check("openpyxl-invitations.xlsx", Language::Fr);
    assert_eq!(report.rows, 7);
    assert_eq!(report.outcome, Outcome::Failed);
    let found = remarks(&report);
    let has = |row: u32, column: &str, code: Message| found.iter().any(|r| *r == (row, column.to_owned(), code));
    assert!(has(5, "resend_every", Message::NoResendForCycles), "{found:?}");
    assert!(has(6, "groups", Message::UnknownGroup), "{found:?}");
    assert!(has(6, "groups", Message::Archived), "{found:?}");
    assert!(has(6, "start", Message::NotInFuture), "{found:?}");
    assert!(has(7, "start", Message::TimeMissing), "{found:?}");
    assert!(has(7, "remind_after", Message::RemindOnlyModules), "{found:?}");
    assert!(has(8, "start", Message::TimeSkipped), "{found:?}");
    assert!(has(8, "remind_after", Message::NotAPeriod), "{found:?}");
    assert!(found.iter().all(|(row, ..)| *row >= 5), "rows 2 to 4 are clean: {found:?}");
    for remark in &report.remarks.items {
        assert!(!remark.message(Language::Fr).is_empty() && !remark.message(Language::En).is_empty());
    }

    // The clean rows' plan: dates from cells with several formats and from text.
    let planned: Vec<_> = report
        .plan
        .invitations
        .iter()
        .map(|i| (i.row, i.activity_id, i.start_local.as_str(), i.start_until_local.as_str(), i.recipients))
        .collect();
    assert_eq!(
        planned[..3],
        [
            (2, 1, "2027-03-01T09:00", "2027-03-15T18:00", 5),
            (3, 2, "2027-03-02T08:30", "2027-03-09T08:30", 1),
            (4, 3, "2027-03-25T08:30", "2027-04-02T18:00", 3),
        ]
    );
    let first = &report.plan.invitations[0];
    assert_eq!((first.schedule.resend_every_days, first.schedule.remind_after_days), (Some(7), Some(3)));
    // 09:00 in Paris in March (before the clocks change) is 08:00 UTC.
    assert_eq!(first.schedule.start.to_string(), "2027-03-01T08:00:00Z");
    assert_eq!(report.plan.invitations[1].schedule.resend_every_days, Some(7), "P7D");
    let survey = &report.plan.invitations[2];
    assert_eq!(survey.schedule.resend_every_days, Some(3), "3 days");
    assert_eq!(survey.skipped, 1, "the deactivated manager is not invited");
    assert_eq!(survey.batches.len(), 1);
}

#[test]
fn the_1904_date_system_reads_the_same_dates() {
    let (a, b) =
        (check("openpyxl-invitations.xlsx", Language::En), check("openpyxl-invitations-1904.xlsx", Language::En));
    assert_eq!(remarks(&a), remarks(&b));
    assert_eq!(a.plan, b.plan);
}

#[test]
fn a_sheetjs_file_with_date_cells_is_clean() {
    let report = check("sheetjs-invitations.xlsx", Language::En);
    assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", remarks(&report));
    let planned: Vec<_> =
        report.plan.invitations.iter().map(|i| (i.start_local.as_str(), i.schedule.resend_every_days)).collect();
    assert_eq!(planned, [("2027-03-01T09:00", Some(7)), ("2027-03-02T08:30", Some(7))]);
    assert_eq!(report.plan.counts.recipients, 6);
}

#[test]
fn every_fixture_hostile_ones_included_gets_a_report_or_a_typed_refusal() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sheets");
    let context = Context {
        language: Language::En,
        country_code: CountryCode::FRANCE,
        now: Timestamp::parse("2027-01-01T00:00:00Z").unwrap(),
    };
    let mut read = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if [".py", ".mjs"].iter().any(|e| name.ends_with(e)) || path.is_dir() {
            continue;
        }
        match validate(&std::fs::read(&path).unwrap(), &context, &company(), Limits::PRODUCT) {
            Ok(report) => {
                read += 1;
                // A file that is not an invitation file says which columns it lacks.
                if report.outcome == Outcome::Failed {
                    assert!(report.remarks.blocking > 0, "{name}");
                }
            }
            Err(e) => assert!(!e.code().is_empty() && !e.message(Language::Fr).is_empty(), "{name}"),
        }
    }
    assert!(read >= 10, "most fixtures are readable files");
}
