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
