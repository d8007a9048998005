//! Users exports (J1, J2, J7, K2, K3): three files built in the background,
//! downloadable by the company's administrators for 4 days, then gone.

use roster_core::sheet::{self, Limits, Value as Cell};
use roster_e2e::{Client, run_scheduled_tasks, unique};
use serde_json::{Value, json};

use crate::{ACME_ADMIN, DEMO_ADMIN};

fn export(admin: &Client, format: &str) -> Value {
    let queued = admin.post("/api/v1/exports", &json!({ "kind": "users", "format": format, "language": "en" }));
    assert_eq!(queued.status, 202, "{:?}", queued.body);
    assert_eq!(queued.body["status"], "queued");
    let job = admin.wait_for_job(queued.body["id"].as_str().unwrap());
    assert_eq!(job["status"], "done", "{job}");
    admin.get(&format!("/api/v1/exports/{}", job["id"].as_str().unwrap())).body
}

fn file<'a>(job: &'a Value, name: &str) -> &'a Value {
    job["files"].as_array().unwrap().iter().find(|f| f["name"] == name).unwrap_or_else(|| panic!("no {name} in {job}"))
}

fn rows_of(bytes: &[u8]) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    sheet::read(bytes, Limits::PRODUCT, &mut |row| rows.push(row.cells)).unwrap();
    rows
}

fn text(cell: &Cell) -> String {
    cell.text().unwrap_or_default()
}

/// Creates a Demo user whose name is a formula; they are pending (created).
fn hostile_user(admin: &Client) -> String {
    let email = format!("{}@demo.example", unique("formula"));
    let created = admin.post(
        "/api/v1/users",
        &json!({ "last_name": "=HYPERLINK(\"http://evil.example\",\"click\")", "first_name": "Eve", "email": email }),
    );
    assert_eq!(created.status, 201, "{:?}", created.body);
    email
}

#[test]
fn a_users_export_gives_three_files_with_a_status_column_and_defused_formulas() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let email = hostile_user(&admin);
    let job = export(&admin, "csv");
    let names: Vec<&str> = job["files"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["active-users.csv", "deactivated-users.csv", "pending-invitations.csv"]);
    assert!(job["expires_at"].as_str().is_some_and(|at| at > job["finished_at"].as_str().unwrap()));

    let active_total = admin.get("/api/v1/users/export?status=active&limit=1").body["total"].as_i64().unwrap();
    let (status, kind, bytes) = admin.download(file(&job, "active-users.csv")["url"].as_str().unwrap());
    assert_eq!((status, kind.as_str()), (200, "text/csv; charset=utf-8"));
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM for Excel");
    let rows = rows_of(&bytes);
    let header: Vec<String> = rows[0].iter().map(text).collect();
    let status_column = header.iter().position(|h| h == "Status").expect("a Status column");
    assert!(header.contains(&"Role".to_owned()) && header.contains(&"Licence level".to_owned()));
    assert!(header.contains(&"Logins (12 months)".to_owned()), "{header:?}");
    assert_eq!(i64::try_from(rows.len() - 1).unwrap(), active_total);
    assert_eq!(file(&job, "active-users.csv")["rows"].as_i64(), Some(active_total));
    assert!(rows[1..].iter().all(|r| text(&r[status_column]) == "active"));

    let (_, _, bytes) = admin.download(file(&job, "pending-invitations.csv")["url"].as_str().unwrap());
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("\"'=HYPERLINK(\"\"http://evil.example\"\""), "neutralised in the CSV file: {raw}");
    let pending = rows_of(&bytes);
    assert!(!pending[0].iter().any(|h| text(h).starts_with("Logins")), "pending accounts have no statistics");
    let eve = pending.iter().find(|r| r.iter().any(|c| text(c) == email)).expect("the new user is pending");
    assert_eq!(text(&eve[0]), "=HYPERLINK(\"http://evil.example\",\"click\")", "read back as it was typed");
}

#[test]
fn an_xlsx_export_keeps_formulas_as_plain_text() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let email = hostile_user(&admin);
    let job = export(&admin, "xlsx");
    let (status, kind, bytes) = admin.download(file(&job, "pending-invitations.xlsx")["url"].as_str().unwrap());
    assert_eq!(status, 200);
    assert_eq!(kind, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let rows = rows_of(&bytes);
    assert_eq!(text(&rows[0][9]), "Status");
    let eve = rows.iter().find(|r| r.iter().any(|c| text(c) == email)).expect("the new user is pending");
    assert_eq!(
        eve[0],
        Cell::Text("=HYPERLINK(\"http://evil.example\",\"click\")".into()),
        "a text cell, not a formula"
    );
    assert_eq!(text(&eve[9]), "created");
}

#[test]
fn only_the_companys_administrators_may_download_and_each_download_is_audited() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let job = export(&admin, "csv");
    let id = job["id"].as_str().unwrap();
    let url = file(&job, "active-users.csv")["url"].as_str().unwrap().to_owned();

    let acme = Client::sign_in(ACME_ADMIN);
    assert_eq!(acme.get(&format!("/api/v1/exports/{id}")).status, 404);
    assert_eq!(acme.download(&url).0, 404);
    assert!(acme.get("/api/v1/jobs").body["items"].as_array().unwrap().iter().all(|j| j["id"] != id));
    let anonymous = Client::anonymous();
    assert_eq!(anonymous.download(&url).0, 401);
    assert_eq!(anonymous.post("/api/v1/exports", &json!({ "kind": "users", "format": "csv" })).status, 401);
    assert_eq!(admin.download(&format!("/api/v1/exports/{id}/files/other.csv")).0, 404);

    assert_eq!(admin.download(&url).0, 200);
    let audit = admin.get("/api/v1/audit?action=file.download&limit=50").body;
    let entry =
        audit["items"].as_array().unwrap().iter().find(|e| e["subject"] == id).expect("the download is audited");
    assert_eq!(entry["actor_email"], DEMO_ADMIN);
    assert_eq!(entry["detail"]["file"], "active-users.csv");
}

#[test]
fn a_second_delivery_gives_no_second_set_of_files_audit_entry_or_notice() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let queued = admin.post("/api/v1/exports", &json!({ "kind": "users", "format": "csv" }));
    let id = queued.body["id"].as_str().unwrap().to_owned();
    admin.redeliver(&id);
    let first = admin.wait_for_job(&id);
    admin.redeliver(&id);
    std::thread::sleep(std::time::Duration::from_secs(2));
    let again = admin.get(&format!("/api/v1/exports/{id}")).body;
    assert_eq!(again["finished_at"], first["finished_at"]);
    assert_eq!(again["files"].as_array().unwrap().len(), 3);
    let done = admin.get("/api/v1/audit?action=export.done&limit=500").body;
    assert_eq!(done["items"].as_array().unwrap().iter().filter(|e| e["subject"] == id.as_str()).count(), 1);
    let outbox = admin.get("/api/v1/outbox").body;
    let for_this = outbox["items"].as_array().unwrap().iter().filter(|m| m["body"].as_str().unwrap().contains(&id));
    assert_eq!(for_this.count(), 1, "one notice for the job");
}

#[test]
fn the_requester_is_notified_with_the_link_through_the_outbox() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let job = export(&admin, "xlsx");
    let outbox = admin.get("/api/v1/outbox");
    assert_eq!(outbox.status, 200);
    let id = job["id"].as_str().unwrap();
    let notice = outbox.body["items"].as_array().unwrap().iter().find(|m| m["body"].as_str().unwrap().contains(id));
    let notice = notice.expect("a notice links to the job");
    assert_eq!(notice["recipient"], DEMO_ADMIN);
    assert_eq!(notice["channel"], "email");
    let body = notice["body"].as_str().unwrap();
    assert!(body.contains("active-users.xlsx") && body.contains(&format!("/#/jobs/{id}")), "{body}");
    assert_eq!(Client::anonymous().get("/api/v1/outbox").status, 401);
}

#[test]
fn after_four_days_a_download_is_gone_and_the_cleanup_deletes_the_files() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let job = export(&admin, "csv");
    let id = job["id"].as_str().unwrap();
    let url = file(&job, "active-users.csv")["url"].as_str().unwrap().to_owned();
    let stored =
        |admin: &Client| admin.demo("GET", &format!("/api/v1/demo/jobs/{id}/stored"), None).body["stored"].clone();
    assert_eq!(stored(&admin).as_array().unwrap().len(), 3);

    // Three days later the files are still there.
    assert_eq!(admin.demo("POST", &format!("/api/v1/demo/jobs/{id}/age"), Some(&json!({ "days": 3 }))).status, 200);
    run_scheduled_tasks();
    assert_eq!(admin.download(&url).0, 200);

    // A fourth day later the link answers 410 and the cleanup deletes them.
    admin.demo("POST", &format!("/api/v1/demo/jobs/{id}/age"), Some(&json!({ "days": 1 })));
    let (status, _, body) = admin.download(&url);
    assert_eq!(status, 410, "{}", String::from_utf8_lossy(&body));
    let shown = admin.get(&format!("/api/v1/exports/{id}")).body;
    assert_eq!(shown["expired"], true);
    assert!(shown["files"].as_array().unwrap().iter().all(|f| f["url"].is_null()));
    assert_eq!(stored(&admin).as_array().unwrap().len(), 3, "stored until the cleanup runs");
    run_scheduled_tasks();
    assert_eq!(stored(&admin), json!([]));
    let shown = admin.get(&format!("/api/v1/exports/{id}")).body;
    assert!(shown["files"].as_array().unwrap().iter().all(|f| f["deleted"] == true));

    // The dashboard shows 30 days.
    assert!(admin.get("/api/v1/jobs").body["items"].as_array().unwrap().iter().any(|j| j["id"] == id));
    admin.demo("POST", &format!("/api/v1/demo/jobs/{id}/age"), Some(&json!({ "days": 27 })));
    assert!(admin.get("/api/v1/jobs").body["items"].as_array().unwrap().iter().all(|j| j["id"] != id));
}

#[test]
fn export_requests_name_a_known_kind_and_format() {
    let admin = Client::sign_in(DEMO_ADMIN);
    assert_eq!(admin.post("/api/v1/exports", &json!({ "kind": "groups", "format": "csv" })).status, 400);
    assert_eq!(admin.post("/api/v1/exports", &json!({ "kind": "users", "format": "pdf" })).status, 400);
}

#[test]
fn the_consoles_export_pages_follow_the_lists_filters() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let first = admin.get("/api/v1/users/export?status=inactive&limit=40").body;
    let total = first["total"].as_u64().unwrap();
    assert!(total > 40, "the demo has enough deactivated users to page");
    let mut seen = first["items"].as_array().unwrap().clone();
    let mut cursor = first["next_cursor"].as_str().map(ToOwned::to_owned);
    while let Some(c) = cursor {
        let page = admin.get(&format!("/api/v1/users/export?status=inactive&limit=40&cursor={c}")).body;
        assert!(page["total"].is_null(), "counted once, on the first page");
        seen.extend(page["items"].as_array().unwrap().iter().cloned());
        cursor = page["next_cursor"].as_str().map(ToOwned::to_owned);
    }
    assert_eq!(seen.len() as u64, total);
    assert!(seen.iter().all(|u| u["status"] == "inactive" && u.get("logins").is_some()));
    assert_eq!(Client::anonymous().get("/api/v1/users/export").status, 401);
}

#[test]
fn an_imports_uploaded_file_is_on_the_dashboard_and_downloads_as_sent() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let stamp = unique("sent");
    let csv = format!("last_name,email,user_type\nSent,{stamp}@demo.example,collaborator\n");
    // Names travel URI-encoded, as the console sends them.
    let queued = admin.upload_users("%C3%A9quipe%20%C3%A9t%C3%A9.csv", csv.as_bytes());
    let id = queued.body["id"].as_str().unwrap().to_owned();
    admin.wait_for_job(&id);
    let listed = admin.get("/api/v1/jobs").body;
    let job = listed["items"].as_array().unwrap().iter().find(|j| j["id"] == id.as_str()).expect("on the dashboard");
    assert_eq!(job["kind"], "import");
    let file = &job["files"][0];
    assert_eq!(file["name"], "équipe été.csv");
    let (status, _, bytes) = admin.download(file["url"].as_str().unwrap());
    assert_eq!(status, 200);
    assert_eq!(bytes, csv.as_bytes());
    assert_eq!(Client::sign_in(ACME_ADMIN).download(file["url"].as_str().unwrap()).0, 404);
}

/// The e-mail addresses of every member of group `id` (deleted users aside).
fn member_emails(admin: &Client, id: i64) -> std::collections::HashSet<String> {
    let mut found = std::collections::HashSet::new();
    let mut cursor = String::new();
    loop {
        let page = admin.get(&format!("/api/v1/users?group={id}&limit=100{cursor}")).body;
        found.extend(page["items"].as_array().unwrap().iter().filter_map(|u| u["email"].as_str().map(str::to_owned)));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return found,
        }
    }
}

#[test]
fn a_group_members_export_lists_each_member_once_with_their_groups() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let groups = admin.get("/api/v1/groups").body;
    let id_of = |name: &str| {
        groups["items"].as_array().unwrap().iter().find(|g| g["name"] == name).unwrap()["id"].as_i64().unwrap()
    };
    let (paris, lyon) = (id_of("Ventes Paris"), id_of("Ventes Lyon"));
    let members: std::collections::HashSet<String> =
        member_emails(&admin, paris).union(&member_emails(&admin, lyon)).cloned().collect();

    let queued = admin.post(
        "/api/v1/exports",
        &json!({ "kind": "group_members", "format": "csv", "groups": [paris, lyon], "language": "en" }),
    );
    assert_eq!(queued.status, 202, "{:?}", queued.body);
    assert_eq!(queued.body["subject"], "group_members");
    assert_eq!(queued.body["params"]["group_names"], json!(["Ventes Lyon", "Ventes Paris"]));
    let job = admin.wait_for_job(queued.body["id"].as_str().unwrap());
    assert_eq!(job["status"], "done", "{job}");
    let (status, _, bytes) = admin.download(file(&job, "group-members.csv")["url"].as_str().unwrap());
    assert_eq!(status, 200);
    let rows = rows_of(&bytes);
    let header: Vec<String> = rows[0].iter().map(text).collect();
    let (email, in_groups) = (
        header.iter().position(|h| h == "E-mail").expect("an e-mail column"),
        header.iter().position(|h| h == "Groups").expect("a groups column"),
    );
    let listed: Vec<String> = rows[1..].iter().map(|r| text(&r[email])).collect();
    assert_eq!(listed.len(), members.len(), "each member once");
    assert!(listed.iter().all(|e| members.contains(e)));
    assert!(rows[1..].iter().all(|r| {
        let groups = text(&r[in_groups]);
        groups.contains("Ventes Paris") || groups.contains("Ventes Lyon")
    }));

    // Without groups, or with another company's, nothing is asked.
    let none = admin.post("/api/v1/exports", &json!({ "kind": "group_members", "format": "csv", "groups": [] }));
    assert_eq!(none.body["fields"]["groups"]["code"], "nothing_selected");
    let acme = Client::sign_in(ACME_ADMIN);
    let foreign = acme.post("/api/v1/exports", &json!({ "kind": "group_members", "format": "csv", "groups": [paris] }));
    assert_eq!(foreign.status, 404);
    // A manager of the Paris team exports it, and not the Lyon team.
    let manager = Client::sign_in(roster_core::demo::STAFF_MANAGER);
    let theirs =
        manager.post("/api/v1/exports", &json!({ "kind": "group_members", "format": "xlsx", "groups": [paris] }));
    assert_eq!(theirs.status, 202, "{:?}", theirs.body);
    let other =
        manager.post("/api/v1/exports", &json!({ "kind": "group_members", "format": "xlsx", "groups": [lyon] }));
    assert_eq!(other.status, 404);
}
