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
