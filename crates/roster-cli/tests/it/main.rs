//! `roster` as a person runs it, on files written by other tools.
#![allow(missing_docs)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../roster-core/tests/fixtures/sheets").join(name)
}

fn roster(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_roster")).args(args).output().expect("the roster binary runs")
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

#[test]
fn a_blocking_remark_exits_1_with_row_and_column() {
    let out = roster(&["validate", "users", fixture("excel-fr.csv").to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["rows"], 2);
    assert_eq!(report["remarks"][0]["row"], 3);
    assert_eq!(report["remarks"][0]["column"], "preferred_channel");
    assert_eq!(report["remarks"][0]["severity"], "blocking");
}

#[test]
fn a_file_without_blocking_remarks_exits_0() {
    let out = roster(&["validate", "users", fixture("openpyxl-users.xlsx").to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(&out)["plan"]["creates"], 3);
}

#[test]
fn unreadable_files_exit_2_with_the_reason_on_stderr() {
    for (name, words) in [
        ("bomb.xlsx", "inflates"),
        ("unclosed-quote.csv", "never closed"),
        ("legacy.xls", "97-2003"),
        ("empty.csv", "empty"),
    ] {
        let out = roster(&["validate", "users", fixture(name).to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(words), "{name}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn messages_follow_the_language_asked() {
    let out = roster(&["validate", "users", fixture("excel-fr.csv").to_str().unwrap(), "--lang", "fr"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Le canal SMS demande un numéro de mobile."));
}

#[test]
fn the_text_summary_speaks_the_language_asked_with_its_plurals() {
    let file = fixture("excel-fr.csv");
    let french = roster(&["validate", "users", file.to_str().unwrap(), "--lang", "fr"]);
    let text = String::from_utf8_lossy(&french.stdout);
    assert!(text.starts_with("2 lignes de données (CSV) : échec"), "{text}");
    assert!(text.contains("1 problème bloquant, 0 avertissement"), "{text}");
    assert!(text.contains("ligne 3, preferred_channel : bloquant"), "{text}");
    let english = roster(&["validate", "users", file.to_str().unwrap(), "--lang", "en"]);
    let text = String::from_utf8_lossy(&english.stdout);
    assert!(text.contains("1 blocking problem, 0 warnings"), "{text}");
    assert!(text.contains("plan: 1 to create"), "{text}");
}

#[test]
fn the_sample_written_validates_cleanly() {
    let out = roster(&["sample", "users", "--lang", "fr"]);
    assert_eq!(out.status.code(), Some(0));
    let path = std::env::temp_dir().join(format!("roster-sample-{}.xlsx", std::process::id()));
    std::fs::write(&path, &out.stdout).unwrap();
    let checked = roster(&["validate", "users", path.to_str().unwrap(), "--format", "json"]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(checked.status.code(), Some(0));
    assert_eq!(json(&checked)["outcome"], "succeeded");
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(roster(&["validate"]).status.code(), Some(2));
    assert_eq!(roster(&["validate", "users", "x.csv", "--format", "yaml"]).status.code(), Some(2));
}

/// A company snapshot as `GET /api/v1/imports/invitations/snapshot` gives
/// it: the demo activities and groups the invitation sample names.
fn invitation_snapshot() -> PathBuf {
    let snapshot = serde_json::json!({
        "time_zone": "Europe/Paris",
        "activities": [
            { "id": 1, "type": "module", "title": "Onboarding — module" },
            { "id": 2, "type": "questionnaire", "title": "Sécurité — questionnaire" },
            { "id": 3, "type": "cycle", "title": "Management — cycle" },
        ],
        "groups": [
            { "id": 10, "name": "Nouveaux arrivants", "users": [100, 101] },
            { "id": 11, "name": "Ventes Paris", "users": [101], "contacts": [500] },
            { "id": 12, "name": "Managers", "users": [100] },
        ],
        "users": [
            { "id": 100, "email": "admin@demo.example", "status": "active", "sort_key": "admin\u{1}demo" },
            { "id": 101, "email": "zoe@demo.example", "status": "active", "sort_key": "levy\u{1}zoe" },
        ],
        "contacts": [{ "id": 500, "sort_key": "martin\u{1}alice" }],
    });
    let path = std::env::temp_dir().join(format!("roster-snapshot-{}.json", std::process::id()));
    std::fs::write(&path, snapshot.to_string()).unwrap();
    path
}

#[test]
fn the_invitation_sample_validates_against_the_company_snapshot() {
    let out = roster(&["sample", "invitations", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0));
    let path = std::env::temp_dir().join(format!("roster-invitations-{}.xlsx", std::process::id()));
    std::fs::write(&path, &out.stdout).unwrap();
    let snapshot = invitation_snapshot();
    let checked = roster(&[
        "validate",
        "invitations",
        path.to_str().unwrap(),
        "--snapshot",
        snapshot.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let without = roster(&["validate", "invitations", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(checked.status.code(), Some(0), "{}", String::from_utf8_lossy(&checked.stdout));
    let report = json(&checked);
    assert_eq!(report["plan"]["invitations"], 3);
    assert_eq!(report["plan"]["recipients"], 5, "2 + 1 in the first row's groups (101 once), 1, 1");
    assert_eq!(report["plan"]["items"][0]["batches"][0]["label"], "AD–MA");
    assert_eq!(without.status.code(), Some(2), "the snapshot is required");
    assert!(String::from_utf8_lossy(&without.stderr).contains("--snapshot"));
}

#[test]
fn an_invitation_file_with_problems_exits_1_naming_row_and_column() {
    let snapshot = invitation_snapshot();
    let path = std::env::temp_dir().join(format!("roster-invitations-{}.csv", std::process::id()));
    std::fs::write(
        &path,
        "type;activité;groupes;démarrage;fin de la période de démarrage;période de renvoi\n\
         Cycle;Management — cycle;Managers;25/12/2099 08:30;31/12/2099 08:30;7 jours\n\
         Module;1;Inconnu;25 déc. 2099 8h30;2099-12-31T08:30;\n",
    )
    .unwrap();
    let out = roster(&[
        "validate",
        "invitations",
        path.to_str().unwrap(),
        "--snapshot",
        snapshot.to_str().unwrap(),
        "--lang",
        "fr",
    ]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ligne 2, resend_every : bloquant : Un cycle n’a pas de période de renvoi."), "{text}");
    assert!(text.contains("ligne 3, groups : bloquant : Ce groupe n’existe pas"), "{text}");
    assert!(text.contains("plan : 0 invitation, 0 personne, 0 lot de 200 au plus"), "{text}");
}
