//! Roster's core for the browser console: converts JavaScript values to
//! core types and back. No rule is decided here.

use roster_core::form::{FormContext, NewUserForm};
use roster_core::model::{ActivityType, Channel, CountryCode, LicenceLevel, Role, UserStatus, UserType};
use roster_core::{FieldError, Language, Message};
use serde::Serialize;
use serde_json::{Map, Value, json};
use wasm_bindgen::prelude::*;

fn into_js(value: &impl Serialize) -> Result<JsValue, JsError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JsError::new(&e.to_string()))
}

fn language(code: &str) -> Language {
    Language::parse(code).unwrap_or(Language::En)
}

fn fields(errors: &[FieldError], lang: Language) -> Value {
    let mut out = Map::new();
    for e in errors {
        out.entry(e.field).or_insert_with(|| json!({ "code": e.code, "message": e.code.text(lang) }));
    }
    Value::Object(out)
}

/// Checks the new-user form as the server will, so mistakes show before
/// sending. Returns `{ok: true, user}` or `{ok: false, fields: {name: {code, message}}}`.
///
/// # Errors
/// When `form` is not an object of optional strings.
#[wasm_bindgen(js_name = validateNewUser)]
pub fn validate_new_user(
    form: JsValue,
    admin_language: &str,
    admin_role: &str,
    country_code: u16,
) -> Result<JsValue, JsError> {
    let form: NewUserForm = serde_wasm_bindgen::from_value(form).map_err(|e| JsError::new(&e.to_string()))?;
    let lang = language(admin_language);
    let context = FormContext {
        admin_language: lang,
        admin_role: Role::parse(admin_role).unwrap_or(Role::Member),
        country_code: CountryCode::new(country_code).unwrap_or_default(),
    };
    into_js(&match form.parse(context) {
        Ok(user) => json!({ "ok": true, "user": user }),
        Err(errors) => json!({ "ok": false, "fields": fields(&errors, lang) }),
    })
}

/// The entries of a vocabulary (`user_type`, `role`, `licence_level`,
/// `preferred_channel`, `language`, `status`, `activity_type`) as
/// `[{code, label}]` in `lang`, for the console's pickers.
///
/// # Errors
/// When `name` is not one of those vocabularies.
#[wasm_bindgen]
pub fn vocabulary(name: &str, lang: &str) -> Result<JsValue, JsError> {
    let lang = language(lang);
    macro_rules! entries {
        ($t:ty) => {
            <$t>::ALL.iter().map(|e| json!({ "code": e.code(), "label": e.label(lang) })).collect::<Vec<_>>()
        };
    }
    let list = match name {
        "user_type" => entries!(UserType),
        "role" => entries!(Role),
        "licence_level" => entries!(LicenceLevel),
        "preferred_channel" => entries!(Channel),
        "language" => entries!(Language),
        "status" => entries!(UserStatus),
        "activity_type" => entries!(ActivityType),
        other => return Err(JsError::new(&format!("no vocabulary named {other}"))),
    };
    into_js(&list)
}

/// The text of a message code (as the API gives in `fields`) in `lang`, so
/// the console shows server and browser findings in the same words.
/// Unknown codes come back as `None`.
#[wasm_bindgen(js_name = messageText)]
pub fn message_text(code: &str, lang: &str) -> Option<String> {
    let message: Message = serde_json::from_value(Value::String(code.to_owned())).ok()?;
    Some(message.text(language(lang)).to_owned())
}

/// The language to start the console in, from the browser's preferences.
#[wasm_bindgen(js_name = preferredLanguage)]
pub fn preferred_language(accept_language: &str) -> String {
    Language::from_accept_language(accept_language).map_or("en", Language::code).to_owned()
}
