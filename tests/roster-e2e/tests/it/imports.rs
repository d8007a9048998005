use roster_e2e::{Client, unique};
use serde_json::Value;

use crate::{ACME_ADMIN, DEMO_ADMIN};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../crates/roster-core/tests/fixtures/sheets/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn user_by_email(admin: &Client, email: &str) -> Option<Value> {
    let page = admin.get(&format!("/api/v1/users?q={email}"));
    page.body["items"].as_array().unwrap().iter().find(|u| u["email"] == email).cloned()
}

#[test]
fn an_import_is_checked_again_and_applied_in_the_background() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let stamp = unique("imp");
    let group = format!("Imported {stamp}");
    let email = format!("{stamp}@demo.example");
    let csv = format!(
        "Nom;Prénom;Adresse mail;Type;Groupes;Étiquettes\r\nLefèvre;Inès;{email};externe;{group}, Finance;{stamp}\r\n"
    );
    let queued = admin.upload_users("people.csv", csv.as_bytes());
    assert_eq!(queued.status, 202, "{:?}", queued.body);
    assert_eq!(queued.body["status"], "queued");
    let job = admin.wait_for_job(queued.body["id"].as_str().unwrap());
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["progress"], 100);
    assert_eq!(job["result"]["created"], 1);
    assert_eq!(job["result"]["groups_created"], serde_json::json!([group]));

    let user = user_by_email(&admin, &email).expect("the imported user");
    assert_eq!(user["status"], "created");
    assert_eq!(user["user_type"], "external");
    let shown = admin.get(&format!("/api/v1/users/{}", user["id"]));
    let groups: Vec<&str> =
        shown.body["groups"].as_array().unwrap().iter().filter_map(|g| g["name"].as_str()).collect();
    assert!(groups.contains(&group.as_str()) && groups.contains(&"Finance"), "{groups:?}");
}

#[test]
fn a_blocking_remark_fails_the_job_and_writes_nothing() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let stamp = unique("blk");
    let good = format!("{stamp}@demo.example");
    let csv = format!(
        "last_name,email,user_type,groups\nGood,{good},collaborator,Group {stamp}\nBad,not-an-email,collaborator,\n"
    );
    let queued = admin.upload_users("mixed.csv", csv.as_bytes());
    let job = admin.wait_for_job(queued.body["id"].as_str().unwrap());
    assert_eq!(job["status"], "failed");
    assert_eq!(job["result"]["blocking"], 1);
    assert_eq!(job["result"]["remarks"][0]["row"], 3);
    assert_eq!(job["result"]["remarks"][0]["column"], "email");
    assert!(user_by_email(&admin, &good).is_none(), "the good row was not written either");
    let groups = admin.get("/api/v1/groups").body;
    assert!(groups["items"].as_array().unwrap().iter().all(|g| g["name"] != format!("Group {stamp}")));
}

#[test]
fn a_hostile_file_fails_its_job_with_the_reason() {
    let admin = Client::sign_in(DEMO_ADMIN);
    for (name, code) in
        [("bomb.xlsx", "inflates"), ("unclosed-quote.csv", "unclosed_quote"), ("legacy.xls", "legacy_xls")]
    {
        let queued = admin.upload_users(name, &fixture(name));
        assert_eq!(queued.status, 202, "{name}");
        let job = admin.wait_for_job(queued.body["id"].as_str().unwrap());
        assert_eq!(job["status"], "failed", "{name}");
        assert_eq!(job["result"]["error"]["code"], code, "{name}");
    }
}

#[test]
fn import_jobs_belong_to_their_company() {
    let demo = Client::sign_in(DEMO_ADMIN);
    let acme = Client::sign_in(ACME_ADMIN);
    let queued = demo.upload_users("x.csv", b"last_name,email,user_type\nX,x@x.fr,\n");
    let id = queued.body["id"].as_str().unwrap();
    assert_eq!(acme.get(&format!("/api/v1/imports/{id}")).status, 404);
    assert_eq!(Client::anonymous().get(&format!("/api/v1/imports/{id}")).status, 401);
    assert_eq!(Client::anonymous().upload_users("x.csv", b"a").status, 401);
    demo.wait_for_job(id);
}

#[test]
fn the_check_snapshot_holds_only_the_company_s_people() {
    let acme = Client::sign_in(ACME_ADMIN);
    let snapshot = acme.get("/api/v1/imports/users/snapshot").body;
    let users = snapshot["users"].as_array().unwrap();
    assert!(!users.is_empty());
    assert!(users.iter().all(|u| u["email"].as_str().is_none_or(|e| !e.ends_with("@demo.example"))));
}

#[test]
fn a_job_delivered_again_changes_nothing_more() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let stamp = unique("twice");
    let csv = format!("last_name,email,user_type,groups\nTwice,{stamp}@demo.example,collaborator,Group {stamp}\n");
    let queued = admin.upload_users("twice.csv", csv.as_bytes());
    let id = queued.body["id"].as_str().unwrap().to_owned();
    // Deliveries racing the first one, and one after it finished.
    admin.redeliver(&id);
    admin.redeliver(&id);
    let first = admin.wait_for_job(&id);
    assert_eq!(first["status"], "done", "{first}");
    admin.redeliver(&id);
    std::thread::sleep(std::time::Duration::from_secs(2));
    let again = admin.get(&format!("/api/v1/imports/{id}")).body;
    assert_eq!(again["finished_at"], first["finished_at"]);
    assert_eq!(again["result"]["created"], 1);
    let page = admin.get(&format!("/api/v1/users?q={stamp}"));
    assert_eq!(page.body["items"].as_array().unwrap().len(), 1, "one user, however many deliveries");
    let groups = admin.get("/api/v1/groups").body;
    let named = groups["items"].as_array().unwrap().iter().filter(|g| g["name"] == format!("Group {stamp}")).count();
    assert_eq!(named, 1);
    assert_eq!(
        groups["items"].as_array().unwrap().iter().find(|g| g["name"] == format!("Group {stamp}")).unwrap()["users"],
        1
    );
}

#[test]
fn an_address_released_by_a_deleted_user_can_be_imported_again() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let demo = &roster_core::demo::companies()[0];
    let deleted = demo.users.iter().find(|u| u.status == roster_core::model::UserStatus::Deleted).unwrap();
    let email = deleted.user.email.as_ref().unwrap().to_string();
    let listed = admin.get("/api/v1/users?status=deleted&limit=200").body;
    assert!(listed["items"].as_array().unwrap().iter().all(|u| u["email"].is_null()), "deletion releases addresses");

    let csv = format!("last_name,email,user_type\nReturning,{email},collaborator\n");
    let queued = admin.upload_users("returning.csv", csv.as_bytes());
    let job = admin.wait_for_job(queued.body["id"].as_str().unwrap());
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["result"]["created"], 1);
    assert_eq!(user_by_email(&admin, &email).unwrap()["status"], "created");
}

/// A spreadsheet as admins keep them (mobiles typed as numbers and shown
/// through formats, padded ids, date columns), saved by another program:
/// the people stored are what the cells show. Their export, imported again,
/// changes nothing. Acme's company: no other test changes its people.
#[test]
fn people_are_stored_as_their_cells_show_and_their_export_imports_unchanged() {
    let admin = Client::sign_in(ACME_ADMIN);
    let queued = admin.upload_users("shown-libreoffice.xlsx", &fixture("shown-libreoffice.xlsx"));
    assert_eq!(queued.status, 202, "{:?}", queued.body);
    let job = admin.wait_for_job(queued.body["id"].as_str().unwrap());
    assert_eq!(job["status"], "done", "{job}");
    for (email, mobile, employee_id) in [
        ("zoe.levy@acme.example", "+33612345678", "00042"),
        ("paul.martin@acme.example", "+33612345679", "E-007"),
        ("ana.petit@acme.example", "+33612345680", "001234"),
        ("linh.nguyen@acme.example", "+447911123456", "A-17"),
        ("lea.roux@acme.example", "+4915112345678", "00000"),
    ] {
        let user = user_by_email(&admin, email).unwrap_or_else(|| panic!("{email} was imported"));
        assert_eq!(
            (user["mobile"].as_str(), user["employee_id"].as_str()),
            (Some(mobile), Some(employee_id)),
            "{email}"
        );
    }

    for format in ["xlsx", "csv"] {
        let export = exported(&admin, &serde_json::json!({ "kind": "users", "format": format }));
        for file in export["files"].as_array().unwrap() {
            if file["rows"].as_i64() == Some(0) {
                continue;
            }
            let name = file["name"].as_str().unwrap();
            let bytes = imports_back_unchanged(&admin, file);
            // The file of a status nobody has yet holds its headers alone: that too changes nothing.
            if format == "csv" {
                let headers = bytes.split(|&b| b == b'\n').next().unwrap().to_vec();
                let queued = admin.upload_users(name, &headers);
                let empty = admin.wait_for_job(queued.body["id"].as_str().unwrap());
                assert_eq!(
                    (empty["status"].as_str(), empty["result"]["created"].as_i64()),
                    (Some("done"), Some(0)),
                    "{empty}"
                );
            }
        }
    }
}

#[test]
fn a_file_that_is_not_a_spreadsheet_is_refused_for_what_it_is_in_french() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let queued = admin.upload_users("report.xlsx", &fixture("report-pdf.xlsx"));
    assert_eq!(queued.status, 202, "{:?}", queued.body);
    let job = admin.wait_for_job(queued.body["id"].as_str().unwrap());
    assert_eq!(job["status"], "failed");
    assert_eq!(job["result"]["error"]["code"], "not_a_spreadsheet");
    let message = job["result"]["error"]["message"].as_str().unwrap();
    assert!(message.contains("document PDF") || message.contains("PDF document"), "{message}");
}

/// Globex's administrator (the address also runs Demo): Globex is the
/// company no other test of this suite changes.
fn globex_admin() -> Client {
    let login = |company: Option<i64>| {
        let mut body = serde_json::json!({ "email": DEMO_ADMIN, "password": roster_e2e::demo_password() });
        if let Some(id) = company {
            body["company_id"] = id.into();
        }
        Client::anonymous().post("/api/v1/session", &body)
    };
    let first = login(None);
    let globex = first.body["companies"].as_array().unwrap().iter().find(|c| c["name"] == "Globex").unwrap()["id"]
        .as_i64()
        .unwrap();
    let signed = login(Some(globex));
    assert_eq!(signed.status, 201, "{:?}", signed.body);
    Client::with_cookie(signed.set_cookie.unwrap().split(';').next().unwrap())
}

#[test]
fn every_export_imports_back_changing_nothing_in_every_state_a_company_reaches() {
    use serde_json::json;
    let admin = globex_admin();
    // People invited by address (no name yet), created by the form, deactivated and activated in bulk.
    let (email, mobile) = (format!("{}@globex.example", unique("paste")), roster_e2e::unique_french_mobile().0);
    let invited = admin.post("/api/v1/invitations", &json!({ "text": format!("{email} {mobile}") }));
    assert_eq!(invited.status, 201, "{:?}", invited.body);
    let made = admin.post(
        "/api/v1/users",
        &json!({ "last_name": unique("Formulaire"), "email": format!("{}@globex.example", unique("form")) }),
    );
    assert_eq!(made.status, 201, "{:?}", made.body);
    let active = admin.get("/api/v1/users?status=active&limit=3").body["items"].clone();
    let ids: Vec<i64> = active.as_array().unwrap().iter().skip(1).map(|u| u["id"].as_i64().unwrap()).collect();
    let off = admin.post("/api/v1/users/bulk", &json!({ "action": "deactivate", "users": ids }));
    assert_eq!(off.status, 200, "{:?}", off.body);
    let back = admin.post("/api/v1/users/bulk", &json!({ "action": "activate", "users": [ids[0]] }));
    assert_eq!(back.status, 200, "{:?}", back.body);

    for (format, language) in [("xlsx", "fr"), ("csv", "en")] {
        let export = exported(&admin, &json!({ "kind": "users", "format": format, "language": language }));
        let files = export["files"].as_array().unwrap();
        assert_eq!(files.len(), 3, "active, deactivated and pending: {export}");
        for file in files {
            let name = file["name"].as_str().unwrap();
            assert!(file["rows"].as_i64().unwrap_or(1) > 0, "every state is in the company: {name}");
            imports_back_unchanged(&admin, file);
        }
    }
}

/// The finished export `request` asks for.
fn exported(admin: &Client, request: &Value) -> Value {
    let queued = admin.post("/api/v1/exports", request);
    assert_eq!(queued.status, 202, "{:?}", queued.body);
    let export = admin.wait_for_job(queued.body["id"].as_str().unwrap());
    assert_eq!(export["status"], "done", "{export}");
    export
}

/// Downloads one file of an export and imports it back, which must change
/// nothing; gives the file's bytes.
fn imports_back_unchanged(admin: &Client, file: &Value) -> Vec<u8> {
    let name = file["name"].as_str().unwrap();
    let (status, _, bytes) = admin.download(file["url"].as_str().unwrap());
    assert_eq!(status, 200, "{name}");
    let queued = admin.upload_users(name, &bytes);
    let again = admin.wait_for_job(queued.body["id"].as_str().unwrap());
    assert_eq!(again["status"], "done", "{name} imports back: {again}");
    assert_eq!(
        (again["result"]["created"].as_i64(), again["result"]["updated"].as_i64()),
        (Some(0), Some(0)),
        "{name} changes nothing: {again}"
    );
    bytes
}
