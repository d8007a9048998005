//! The browser facade, run as WebAssembly under Node.
#![allow(missing_docs)]

use roster_wasm::{message_text, preferred_language, validate_new_user, vocabulary};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

/// A plain JavaScript object, as the console passes (not a `Map`).
fn js(value: &serde_json::Value) -> JsValue {
    use serde::Serialize;
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap()
}

fn back(value: JsValue) -> serde_json::Value {
    serde_wasm_bindgen::from_value(value).unwrap()
}

#[wasm_bindgen_test]
fn a_valid_form_comes_back_with_its_defaults() {
    let form = js(&serde_json::json!({ "last_name": "Martin", "email": "Zoe@Example.com" }));
    let out = back(validate_new_user(form, "fr", "team_admin", 33).unwrap());
    assert_eq!(out["ok"], true);
    assert_eq!(out["user"]["email"], "zoe@example.com");
    assert_eq!(out["user"]["language"], "fr");
    assert_eq!(out["user"]["status"], "created");
}

#[wasm_bindgen_test]
fn field_errors_come_back_in_the_admin_language() {
    let form = js(&serde_json::json!({ "email": "nope" }));
    let out = back(validate_new_user(form, "fr", "team_admin", 33).unwrap());
    assert_eq!(out["ok"], false);
    assert_eq!(out["fields"]["last_name"]["code"], "required");
    assert_eq!(out["fields"]["email"]["message"], "Cette adresse e-mail n’est pas valide.");
}

#[wasm_bindgen_test]
fn a_form_of_the_wrong_shape_is_an_error_not_a_trap() {
    assert!(validate_new_user(JsValue::from_f64(3.0), "en", "member", 33).is_err());
}

#[wasm_bindgen_test]
fn vocabularies_list_codes_with_labels() {
    let types = back(vocabulary("user_type", "fr").unwrap());
    assert_eq!(types[0]["code"], "collaborator");
    assert_eq!(types[0]["label"], "collaborateur");
    assert!(vocabulary("nope", "fr").is_err());
}

#[wasm_bindgen_test]
fn the_browser_language_is_picked_from_its_preferences() {
    assert_eq!(preferred_language("fr-CA,en;q=0.5"), "fr");
    assert_eq!(preferred_language("ja"), "en");
}

#[wasm_bindgen_test]
fn server_message_codes_read_in_the_console_language() {
    assert_eq!(
        message_text("email_taken", "en").as_deref(),
        Some("A user of the company already has this e-mail address.")
    );
    assert_eq!(message_text("no_such_code", "en"), None);
}

#[wasm_bindgen_test]
fn a_csv_file_is_checked_with_remarks_in_the_admin_language() {
    let csv = "nom;adresse mail;type\nMartin;pas-un-mail;collaborateur\n";
    let out =
        back(roster_wasm::validate_users(csv.as_bytes(), "fr", "company_admin", 33, &JsValue::NULL, None).unwrap());
    assert_eq!(out["ok"], true);
    let report = &out["report"];
    assert_eq!(report["outcome"], "failed");
    assert_eq!(report["remarks"][0]["row"], 2);
    assert_eq!(report["remarks"][0]["column"], "email");
    assert!(report["remarks"][0]["message"].as_str().unwrap().starts_with("Cette adresse e-mail"));
}

#[wasm_bindgen_test]
fn an_unreadable_file_is_an_answer_not_a_trap() {
    let out = back(
        roster_wasm::validate_users(b"PK\x03\x04garbage", "en", "company_admin", 33, &JsValue::NULL, None).unwrap(),
    );
    assert_eq!(out["ok"], false);
    assert_eq!(out["error"]["code"], "damaged");
}

#[wasm_bindgen_test]
fn the_sample_built_in_the_browser_validates_against_a_snapshot() {
    let bytes = roster_wasm::sample_users("en", 1_795_000_000_000.0).unwrap();
    let snapshot = js(&serde_json::json!({ "users": [{
        "id": 9, "last_name": "Lévy", "email": "zoe.levy@example.com", "user_type": "collaborator", "role": "member",
        "licence_level": "creator", "preferred_channel": "email", "language": "fr"
    }], "groups": ["Support"] }));
    let out = back(roster_wasm::validate_users(&bytes, "en", "company_admin", 33, &snapshot, None).unwrap());
    let plan = &out["report"]["plan"];
    assert_eq!(out["report"]["outcome"], "succeeded");
    assert_eq!((plan["creates"].as_u64(), plan["updates"].as_u64()), (Some(2), Some(1)));
    assert_eq!(plan["listed_updates"][0]["id"], 9);
    assert_eq!(plan["groups_to_create"], serde_json::json!(["Nouveaux arrivants", "Ventes Paris"]));
}

#[wasm_bindgen_test]
fn a_report_downloads_as_csv_and_xlsx() {
    let remarks = js(&serde_json::json!([{ "row": 3, "column": "email", "severity": "blocking", "message": "@evil" }]));
    let csv = roster_wasm::report_file(remarks.clone(), "en", "csv", 0.0).unwrap();
    assert!(String::from_utf8(csv).unwrap().ends_with("Row,Column,Severity,Message\r\n3,email,blocking,'@evil\r\n"));
    let xlsx = roster_wasm::report_file(remarks.clone(), "fr", "xlsx", 1_795_000_000_000.0).unwrap();
    assert!(xlsx.starts_with(b"PK"));
    assert!(roster_wasm::report_file(remarks, "fr", "pdf", 0.0).is_err());
}

#[wasm_bindgen_test]
fn the_list_exports_page_by_page_into_one_file_with_formulas_defused() {
    let mut export = roster_wasm::UsersExport::new("csv", "en", 1_795_311_000_000.0).unwrap();
    let page = |name: &str| {
        js(&serde_json::json!([{
            "last_name": name, "first_name": null, "email": "a@example.com", "mobile": "+33612345678",
            "employee_id": null, "department": null, "user_type": "collaborator", "role": "member",
            "licence_level": "creator", "status": "active", "preferred_channel": "email", "language": "fr",
            "groups": "Paris", "tags": null, "created_at": "2026-11-01T10:00:00Z", "invited_at": null,
            "activated_at": null, "last_access_at": null, "logins": 3, "participations": 1, "activities_created": 0
        }]))
    };
    assert!((export.add_users(&page("=HYPERLINK(\"x\")")).unwrap() - 1.0).abs() < 0.5);
    let mut bytes = export.take_output().unwrap();
    assert!((export.add_users(&page("Martin")).unwrap() - 2.0).abs() < 0.5);
    bytes.extend(export.finish().unwrap());
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("Status"));
    assert!(lines[1].starts_with("\"'=HYPERLINK(\"\"x\"\")\""), "{}", lines[1]);
    assert!(lines[2].starts_with("Martin,,a@example.com,+33612345678,"));
    assert!(export.finish().is_err(), "a finished file cannot be finished again");
    assert!(roster_wasm::UsersExport::new("pdf", "en", 0.0).is_err());
}

#[wasm_bindgen_test]
fn users_of_the_wrong_shape_are_an_error_not_a_trap() {
    let mut export = roster_wasm::UsersExport::new("xlsx", "fr", 0.0).unwrap();
    assert!(export.add_users(&JsValue::from_str("nope")).is_err());
    assert!(export.add_users(&js(&serde_json::json!([{ "last_name": 3 }]))).is_err());
}
