//! Roster's core for the browser console: converts JavaScript values to
//! core types and back. No rule is decided here.

use roster_core::export::Format;
use roster_core::export::remarks_report;
use roster_core::export::users::{ExportedUser, UsersWriter};
use roster_core::form::{FormContext, NewUserForm};
use roster_core::import::users::{Context, Detail, Snapshot, validate_with_progress};
use roster_core::import::{ShownRemark, sample};
use roster_core::model::{ActivityType, Channel, CountryCode, LicenceLevel, Role, UserStatus, UserType};
use roster_core::sheet::Limits;
use roster_core::time::Timestamp;
use roster_core::{FieldError, Language, Message};
use serde::Serialize;
use serde_json::{Map, Value, json};
use wasm_bindgen::prelude::*;

// Checks allocate a little for every cell: a faster allocator than the
// default one pays off on large files.
#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

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
/// `preferred_channel`, `language`, `status`, `activity_type`,
/// `form_field`, `party`, `bulk_action`, `set_change`, `skip`, `sort`) as
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
        "form_field" => entries!(roster_core::public_link::FormField),
        "party" => entries!(roster_core::public_link::Party),
        "bulk_action" => entries!(roster_core::bulk::ActionKind),
        "set_change" => entries!(roster_core::bulk::SetChange),
        "skip" => entries!(roster_core::bulk::Skip),
        "sort" => entries!(roster_core::directory::Sort),
        "permission" => entries!(roster_core::permissions::Permission),
        "preset" => entries!(roster_core::permissions::Preset),
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

/// Calls `on_progress`, when given, with the share of the file read.
fn reporter(on_progress: Option<&js_sys::Function>) -> impl FnMut(f64) + '_ {
    move |share| {
        if let Some(callback) = on_progress {
            let _ = callback.call1(&JsValue::NULL, &JsValue::from_f64(share));
        }
    }
}

/// Updates listed in a browser report; the counts always cover them all.
const LISTED_UPDATES: usize = 500;

/// Checks a user import file as the server will, before anything is sent
/// (C10). `snapshot` is `{users, groups, seats_left}` from the API, or
/// null for an empty company; `on_progress` is called with the share read.
/// Returns `{ok: true, report}` or, for a file that cannot be read at all,
/// `{ok: false, error: {code, message}}`.
///
/// # Errors
/// When `snapshot` is not of the shape the API gives.
#[wasm_bindgen(js_name = validateUsers)]
#[allow(clippy::needless_pass_by_value)] // wasm-bindgen takes optional callbacks by value
pub fn validate_users(
    bytes: &[u8],
    lang: &str,
    admin_role: &str,
    country_code: u16,
    snapshot: &JsValue,
    on_progress: Option<js_sys::Function>,
) -> Result<JsValue, JsError> {
    let lang = language(lang);
    let context = Context {
        language: lang,
        admin_role: Role::parse(admin_role).unwrap_or(Role::Member),
        country_code: CountryCode::new(country_code).unwrap_or_default(),
    };
    let snapshot = if snapshot.is_null() || snapshot.is_undefined() {
        Snapshot::default()
    } else {
        serde_wasm_bindgen::from_value(snapshot.clone()).map_err(|e| JsError::new(&e.to_string()))?
    };
    let mut progress = reporter(on_progress.as_ref());
    let report = match validate_with_progress(
        bytes,
        &context,
        &snapshot,
        Limits::PRODUCT,
        Detail::Summary { updates: LISTED_UPDATES },
        &mut progress,
    ) {
        Ok(report) => report,
        Err(e) => return into_js(&json!({ "ok": false, "error": { "code": e.code(), "message": e.message(lang) } })),
    };
    let plan = &report.plan;
    let shown_plan = json!({
        "creates": plan.counts.creates,
        "updates": plan.counts.updates,
        "unchanged": plan.counts.unchanged,
        "groups_to_create": plan.groups_to_create,
        "listed_updates": plan.updates,
    });
    into_js(&shown_report(
        &report.format,
        report.rows,
        &report.columns,
        &report.outcome,
        &report.remarks,
        lang,
        &shown_plan,
    ))
}

/// Invitations listed in a browser report; the counts always cover them all.
const LISTED_INVITATIONS: usize = 500;

/// Checks an invitation import file as the server will, before anything is
/// sent (D3). `snapshot_json` is the text `GET /api/v1/imports/invitations/snapshot`
/// answers (read here in one parse: far faster than a JavaScript object
/// for a large company); `on_progress` is called with the share read.
/// Returns `{ok: true, report}`, whose plan lists the first invitations
/// with their groups' names and their user, or `{ok: false, error}` for a
/// file that cannot be read at all.
///
/// # Errors
/// When the snapshot is not of the shape the API gives.
#[wasm_bindgen(js_name = validateInvitations)]
#[allow(clippy::needless_pass_by_value)] // wasm-bindgen takes optional callbacks by value
pub fn validate_invitations(
    bytes: &[u8],
    lang: &str,
    country_code: u16,
    snapshot_json: &str,
    now_millis: f64,
    on_progress: Option<js_sys::Function>,
) -> Result<JsValue, JsError> {
    use roster_core::import::invitations as plan;
    let lang = language(lang);
    let snapshot: plan::Snapshot = serde_json::from_str(snapshot_json).map_err(|e| JsError::new(&e.to_string()))?;
    let context = plan::Context {
        language: lang,
        country_code: CountryCode::new(country_code).unwrap_or_default(),
        now: Timestamp::from_unix_millis(now_millis),
    };
    let mut progress = reporter(on_progress.as_ref());
    let detail = plan::Detail::Summary { invitations: LISTED_INVITATIONS };
    let report = match plan::validate_with_progress(bytes, &context, &snapshot, Limits::PRODUCT, detail, &mut progress)
    {
        Ok(report) => report,
        Err(e) => {
            return into_js(&json!({ "ok": false, "error": { "code": e.code(), "message": e.message(lang) } }));
        }
    };
    let group_names: std::collections::HashMap<i64, &str> =
        snapshot.groups.iter().map(|g| (g.id, g.name.as_str())).collect();
    // Only the listed invitations' users: a lookup each, not a scan of the directory.
    let named: std::collections::HashSet<i64> = report.plan.invitations.iter().filter_map(|i| i.user).collect();
    let user_labels: std::collections::HashMap<i64, &str> = snapshot
        .users
        .iter()
        .filter(|u| named.contains(&u.id))
        .map(|u| (u.id, u.email.as_deref().or(u.mobile.as_deref()).or(u.employee_id.as_deref()).unwrap_or_default()))
        .collect();
    let listed: Vec<Value> = report
        .plan
        .invitations
        .iter()
        .map(|i| {
            let user = i.user.and_then(|id| user_labels.get(&id).copied());
            let mut shown = serde_json::to_value(i).unwrap_or_default();
            shown["type_label"] = i.kind.label(lang).into();
            shown["group_names"] = i.groups.iter().filter_map(|g| group_names.get(g).copied()).collect();
            shown["user_label"] = user.into();
            shown
        })
        .collect();
    let shown_plan = json!({ "counts": report.plan.counts, "listed": listed });
    into_js(&shown_report(
        &report.format,
        report.rows,
        &report.columns,
        &report.outcome,
        &report.remarks,
        lang,
        &shown_plan,
    ))
}

/// A checked file's answer to the console: what every import report says
/// (format, size, outcome, remarks in `lang`), then the file's own `plan`.
fn shown_report(
    format: &impl serde::Serialize,
    rows: u32,
    columns: &impl serde::Serialize,
    outcome: &impl serde::Serialize,
    remarks: &roster_core::import::Remarks,
    lang: Language,
    plan: &Value,
) -> Value {
    json!({
        "ok": true,
        "report": {
            "format": format,
            "rows": rows,
            "columns": columns,
            "outcome": outcome,
            "blocking": remarks.blocking,
            "warnings": remarks.warnings,
            "omitted": remarks.omitted,
            "remarks": shown_remarks(remarks, lang),
            "plan": plan,
        },
    })
}

/// The remarks as the console lists them, in `lang`.
fn shown_remarks(remarks: &roster_core::import::Remarks, lang: Language) -> Vec<Value> {
    remarks
        .items
        .iter()
        .map(|r| {
            json!({ "row": r.row, "column": r.column, "code": r.code, "severity": r.severity, "message": r.message(lang) })
        })
        .collect()
}

/// The invitation import sample file (XLSX bytes) in `lang`, its dates
/// counted from `now_millis` in the company's `time_zone`.
///
/// # Errors
/// When the zone is unknown or the workbook cannot be assembled.
#[wasm_bindgen(js_name = sampleInvitations)]
pub fn sample_invitations(lang: &str, now_millis: f64, time_zone: &str) -> Result<Vec<u8>, JsError> {
    let zone = roster_core::time::Zone::parse(time_zone).ok_or_else(|| JsError::new("unknown time zone"))?;
    sample::invitations(language(lang), Timestamp::from_unix_millis(now_millis), &zone)
        .map_err(|e| JsError::new(&e.to_string()))
}

/// The user import sample file (XLSX bytes) in `lang`, dated `now_millis`.
///
/// # Errors
/// When the workbook cannot be assembled.
#[wasm_bindgen(js_name = sampleUsers)]
pub fn sample_users(lang: &str, now_millis: f64) -> Result<Vec<u8>, JsError> {
    sample::users(language(lang), Timestamp::from_unix_millis(now_millis)).map_err(|e| JsError::new(&e.to_string()))
}

/// An import report (the remarks as the console shows them) as a file to
/// download: `format` is `csv` or `xlsx`.
///
/// # Errors
/// When `remarks` is not a list of `{row, column, severity, message}` or
/// the format is unknown.
#[wasm_bindgen(js_name = reportFile)]
pub fn report_file(remarks: JsValue, lang: &str, format: &str, now_millis: f64) -> Result<Vec<u8>, JsError> {
    let remarks: Vec<ShownRemark> =
        serde_wasm_bindgen::from_value(remarks).map_err(|e| JsError::new(&e.to_string()))?;
    let lang = language(lang);
    let table = remarks_report(&remarks, lang);
    let format = Format::parse(format).ok_or_else(|| JsError::new(&format!("no report format {format}")))?;
    let sheet = if lang == Language::Fr { "Rapport" } else { "Report" };
    table.to_file(format, sheet, Timestamp::from_unix_millis(now_millis)).map_err(|e| JsError::new(&e.to_string()))
}

/// The twelve months' figures (as `GET /api/v1/insights` gives them) as
/// the CSV a chart's data download holds, headers in `lang`.
///
/// # Errors
/// When `months` is not a list of month figures.
#[wasm_bindgen(js_name = insightsCsv)]
pub fn insights_csv(months: JsValue, lang: &str) -> Result<String, JsError> {
    let months: Vec<roster_core::insights::MonthFigures> =
        serde_wasm_bindgen::from_value(months).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(roster_core::insights::figures_csv(&months, language(lang)))
}

/// One figure's chart over the twelve months, in `lang`, as the page
/// shows it (SVG).
///
/// # Errors
/// When `months` is not a list of month figures or `measure` is not
/// `mau` or `maa`.
#[wasm_bindgen(js_name = insightsChartSvg)]
pub fn insights_chart_svg(months: JsValue, measure: &str, zone: &str, lang: &str) -> Result<String, JsError> {
    Ok(insights_chart(months, measure, zone, lang)?.svg())
}

/// The same chart as the PNG download: the very bytes the server's
/// `GET /api/v1/insights/{measure}.png` answers for the same figures.
///
/// # Errors
/// As [`insights_chart_svg`].
#[wasm_bindgen(js_name = insightsChartPng)]
pub fn insights_chart_png(months: JsValue, measure: &str, zone: &str, lang: &str) -> Result<Vec<u8>, JsError> {
    Ok(insights_chart(months, measure, zone, lang)?.png(roster_core::insights::PNG_SCALE))
}

fn insights_chart(
    months: JsValue,
    measure: &str,
    zone: &str,
    lang: &str,
) -> Result<roster_core::chart::Chart, JsError> {
    let months: Vec<roster_core::insights::MonthFigures> =
        serde_wasm_bindgen::from_value(months).map_err(|e| JsError::new(&e.to_string()))?;
    let measure = roster_core::insights::Measure::parse(measure).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(roster_core::insights::chart(&months, measure, zone, language(lang)).layout())
}

/// The language to start the console in, from the browser's preferences.
#[wasm_bindgen(js_name = preferredLanguage)]
pub fn preferred_language(accept_language: &str) -> String {
    Language::from_accept_language(accept_language).map_or("en", Language::code).to_owned()
}

/// A users export built in the browser (J3): the list on screen, page by
/// page as the console loads it, with the server files' columns and
/// neutralisation. Memory stays flat: each page is written, then dropped.
#[wasm_bindgen]
pub struct UsersExport {
    writer: Option<UsersWriter>,
}

#[wasm_bindgen]
impl UsersExport {
    /// Starts a `csv` or `xlsx` file with headers in `lang`.
    ///
    /// # Errors
    /// When the format is unknown.
    #[wasm_bindgen(constructor)]
    pub fn new(format: &str, lang: &str, now_millis: f64) -> Result<UsersExport, JsError> {
        let format = Format::parse(format).ok_or_else(|| JsError::new(&format!("no export format {format}")))?;
        let lang = language(lang);
        let sheet = if lang == Language::Fr { "Utilisateurs" } else { "Users" };
        let writer = UsersWriter::new(format, lang, true, sheet, Timestamp::from_unix_millis(now_millis))
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Self { writer: Some(writer) })
    }

    /// Adds users as the API lists them; gives how many rows the file has.
    ///
    /// # Errors
    /// When `users` is not a list of users, or the file was finished.
    #[wasm_bindgen(js_name = addUsers)]
    pub fn add_users(&mut self, users: &JsValue) -> Result<f64, JsError> {
        let writer = self.writer.as_mut().ok_or_else(|| JsError::new("the file is finished"))?;
        // The engine's own JSON writer, then one parse here: far fewer
        // boundary crossings than reading each field of each object.
        let text: String = js_sys::JSON::stringify(users).map_err(|_| JsError::new("users are not JSON"))?.into();
        let users: Vec<ExportedUser> = serde_json::from_str(&text).map_err(|e| JsError::new(&e.to_string()))?;
        for user in &users {
            writer.add(user).map_err(|e| JsError::new(&e.to_string()))?;
        }
        #[allow(clippy::cast_precision_loss)] // row counts stay far below 2^53
        Ok(writer.rows() as f64)
    }

    /// The bytes of the file written so far and not taken yet: the page
    /// keeps them (as `Blob` parts) so the module's memory stays small.
    ///
    /// # Errors
    /// When the file was finished already.
    #[wasm_bindgen(js_name = takeOutput)]
    pub fn take_output(&mut self) -> Result<Vec<u8>, JsError> {
        let writer = self.writer.as_mut().ok_or_else(|| JsError::new("the file is finished"))?;
        Ok(writer.take_output())
    }

    /// Ends the file and gives its bytes not taken yet.
    ///
    /// # Errors
    /// When the file was finished already.
    pub fn finish(&mut self) -> Result<Vec<u8>, JsError> {
        let mut writer = self.writer.take().ok_or_else(|| JsError::new("the file is finished"))?;
        let mut bytes = writer.take_output();
        bytes.extend(writer.finish().map_err(|e| JsError::new(&e.to_string()))?);
        Ok(bytes)
    }
}
