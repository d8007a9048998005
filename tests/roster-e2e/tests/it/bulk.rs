//! Bulk actions (F3, F4): each action applies only to the users it fits
//! and reports the others with the reason; large selections run as jobs;
//! mass deletions ask for the typed count; never across companies.

use std::fmt::Write as _;

use roster_e2e::{Client, unique};
use serde_json::{Value, json};

use crate::{ACME_ADMIN, DEMO_ADMIN};

fn new_user(admin: &Client, last_name: &str) -> i64 {
    let email = format!("{}@demo.example", unique("bulk."));
    let made = admin.post("/api/v1/users", &json!({ "last_name": last_name, "first_name": "Noé", "email": email }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    made.body["id"].as_i64().unwrap()
}

/// Does `action` on ticked `users` (done at once): the finished job.
fn act(admin: &Client, action: Value, users: &[i64]) -> Value {
    let mut body = action;
    body["users"] = json!(users);
    let done = admin.post("/api/v1/users/bulk", &body);
    assert_eq!(done.status, 200, "{body} → {:?}", done.body);
    assert_eq!(done.body["status"], "done");
    done.body
}

fn skipped(job: &Value) -> Vec<(String, i64)> {
    let mut list: Vec<(String, i64)> =
        job["result"]["skipped"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_i64().unwrap())).collect();
    list.sort();
    list
}

fn status(admin: &Client, id: i64) -> String {
    admin.get(&format!("/api/v1/users/{id}")).body["status"].as_str().unwrap().to_owned()
}

/// The rows of a job's report, as text.
fn report(admin: &Client, job: &Value) -> Vec<Vec<String>> {
    let url = job["files"][0]["url"].as_str().expect("a report to download");
    let (code, kind, bytes) = admin.download(url);
    assert_eq!(code, 200);
    assert!(kind.contains("spreadsheetml"), "{kind}");
    let mut rows = Vec::new();
    roster_core::sheet::read(&bytes, roster_core::sheet::Limits::PRODUCT, &mut |row| {
        rows.push(row.cells.iter().map(|c| c.text().unwrap_or_default()).collect());
    })
    .unwrap();
    rows
}

#[test]
fn each_action_applies_to_the_users_it_fits_and_reports_the_others_with_the_reason() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let me = admin.get("/api/v1/session").body["user"]["id"].as_i64().unwrap();
    let name = unique("Groupé");
    let [created, active, inactive, deleted] = [0, 1, 2, 3].map(|_| new_user(&admin, &name));
    let invited_address = format!("{}@demo.example", unique("bulk.invited."));
    assert_eq!(admin.post("/api/v1/invitations", &json!({ "text": invited_address })).status, 201);
    let found = admin.get(&format!("/api/v1/users?q={invited_address}")).body;
    let invited = found["items"][0]["id"].as_i64().unwrap();

    // Bring each user to their status through bulk actions themselves.
    let job = act(&admin, json!({ "action": "activate" }), &[active, inactive]);
    assert_eq!(job["result"]["applied"], 2);
    let job = act(&admin, json!({ "action": "deactivate" }), &[inactive, created]);
    assert_eq!((job["result"]["applied"].as_i64(), skipped(&job)), (Some(1), vec![("not_active".into(), 1)]));
    let refused = admin.post("/api/v1/users/bulk", &json!({ "action": "delete", "users": [deleted] }));
    assert_eq!(refused.status, 422, "a deletion names its count");
    assert_eq!(refused.body["fields"]["confirm"]["code"], "confirmation_required");
    let wrong = admin.post("/api/v1/users/bulk", &json!({ "action": "delete", "users": [deleted], "confirm": 2 }));
    assert_eq!(wrong.body["fields"]["confirm"]["code"], "confirmation_mismatch");
    assert_eq!(status(&admin, deleted), "created", "nothing done on a wrong count");
    let job = act(&admin, json!({ "action": "delete", "confirm": 1 }), &[deleted]);
    assert_eq!(job["result"]["applied"], 1);
    let gone = admin.get(&format!("/api/v1/users/{deleted}")).body;
    assert_eq!(
        (gone["status"].as_str(), gone["email"].as_str(), gone["last_name"].as_str()),
        (Some("deleted"), None, Some(""))
    );

    // One selection mixing every status, the admin included.
    let mix = [created, invited, active, inactive, deleted, me];
    let preview = admin.post("/api/v1/users/bulk/preview", &json!({ "action": "deactivate", "users": mix }));
    assert_eq!(preview.status, 200, "{:?}", preview.body);
    assert_eq!(preview.body["selected"], 6);
    assert_eq!(preview.body["by_status"]["created"], 1);
    assert_eq!(preview.body["confirmation"], "none");
    let job = act(&admin, json!({ "action": "deactivate" }), &mix);
    assert_eq!(job["result"]["applied"], 1, "only the active user");
    assert_eq!(
        skipped(&job),
        [("already_inactive".into(), 1), ("deleted".into(), 1), ("not_active".into(), 2), ("yourself".into(), 1)]
    );
    assert_eq!(status(&admin, active), "inactive");
    assert_eq!(status(&admin, me), "active");
    let rows = report(&admin, &job);
    assert_eq!(rows[0][5..], ["Résultat", "Raison"], "in the admin's language");
    assert_eq!(rows.len(), 7, "one row per selected user: {rows:?}");
    let row = |id: i64| rows.iter().find(|r| r[0] == id.to_string()).unwrap().clone();
    assert_eq!(row(active)[5], "appliqué");
    assert_eq!(row(created)[5..], ["ignoré", "pas encore actif"]);
    assert_eq!(row(deleted)[5..], ["ignoré", "supprimé"]);
    assert_eq!(row(me)[5..], ["ignoré", "votre propre compte"]);

    // Deactivation is undone by activation; every deactivated, created or invited user fits.
    let job = act(&admin, json!({ "action": "activate" }), &mix);
    assert_eq!(job["result"]["applied"], 4);
    assert_eq!(skipped(&job), [("already_active".into(), 1), ("deleted".into(), 1)]);
    assert_eq!((status(&admin, invited), status(&admin, active)), ("active".into(), "active".into()));

    // Groups: add, remove, replace; archived and foreign groups are refused.
    let group = admin.post("/api/v1/groups", &json!({ "name": unique("Bulk ") })).body["id"].as_i64().unwrap();
    let other = admin.post("/api/v1/groups", &json!({ "name": unique("Bulk ") })).body["id"].as_i64().unwrap();
    let add = json!({ "action": "groups", "change": "add", "ids": [group] });
    assert_eq!(act(&admin, add.clone(), &[created, invited])["result"]["applied"], 2);
    let job = act(&admin, add, &[created, active, deleted]);
    assert_eq!(
        (job["result"]["applied"].as_i64(), skipped(&job)),
        (Some(1), vec![("deleted".into(), 1), ("unchanged".into(), 1)])
    );
    let job = act(&admin, json!({ "action": "groups", "change": "reset", "ids": [other] }), &[created, inactive]);
    assert_eq!(job["result"]["applied"], 2);
    let groups_of = |id: i64| -> Vec<i64> {
        let user = admin.get(&format!("/api/v1/users/{id}")).body;
        user["groups"].as_array().unwrap().iter().map(|g| g["id"].as_i64().unwrap()).collect()
    };
    assert_eq!(groups_of(created), [other]);
    assert_eq!(groups_of(invited), [group]);
    let job = act(&admin, json!({ "action": "groups", "change": "remove", "ids": [group, other] }), &[invited, active]);
    assert_eq!(job["result"]["applied"], 2);
    assert!(groups_of(active).is_empty());
    assert_eq!(admin.send("PATCH", &format!("/api/v1/groups/{other}"), Some(&json!({ "archived": true }))).status, 200);
    let archived = admin
        .post("/api/v1/users/bulk", &json!({ "action": "groups", "change": "add", "ids": [other], "users": [active] }));
    assert_eq!(archived.body["fields"]["ids"]["code"], "unknown_group_or_tag", "{:?}", archived.body);

    // Tags, the same way.
    let tag = admin.post("/api/v1/tags", &json!({ "name": unique("Bulk ") })).body["id"].as_i64().unwrap();
    let tags = |c: &str| json!({ "action": "tags", "change": c, "ids": [tag] });
    assert_eq!(act(&admin, tags("add"), &[created, active])["result"]["applied"], 2);
    let job = act(&admin, tags("remove"), &[created, invited]);
    assert_eq!((job["result"]["applied"].as_i64(), skipped(&job)), (Some(1), vec![("unchanged".into(), 1)]));
    let job = act(&admin, json!({ "action": "tags", "change": "reset", "ids": [] }), &[active]);
    assert_eq!(job["result"]["applied"], 1);
    assert!(admin.get(&format!("/api/v1/users/{active}")).body["tags"].as_array().unwrap().is_empty());

    // Every bulk action is in the audit log with its counts.
    let logged = admin.get("/api/v1/audit?action=bulk.deactivate&limit=50").body;
    let entry = logged["items"].as_array().unwrap().iter().find(|e| e["subject"] == job_id(&admin, &mix)).cloned();
    assert!(entry.is_some_and(|e| e["detail"]["applied"] == 1), "{logged:?}");
}

/// The id of the newest deactivation job of the admin's company that selected `mix`.
fn job_id(admin: &Client, mix: &[i64]) -> String {
    let jobs = admin.get("/api/v1/jobs").body;
    let found = jobs["items"].as_array().unwrap().iter().find(|j| {
        j["kind"] == "bulk" && j["params"]["action"]["action"] == "deactivate" && j["params"]["selected"] == mix.len()
    });
    found.expect("the deactivation job is on the dashboard")["id"].as_str().unwrap().to_owned()
}

#[test]
fn all_users_matching_the_filters_run_as_a_job_and_a_mass_deletion_needs_the_typed_count() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let stamp = unique("Masse");
    let mut csv = String::from("last_name,first_name,email,user_type\n");
    for n in 0..240 {
        let email = unique("mass.");
        writeln!(csv, "{stamp},N{n},{email}@demo.example,collaborator").unwrap();
    }
    let imported = admin.wait_for_job(admin.upload_users("mass.csv", csv.as_bytes()).body["id"].as_str().unwrap());
    assert_eq!(imported["result"]["created"], 240, "{imported:?}");
    let matching = json!({ "q": stamp, "status": "created" });

    let tag = admin.post("/api/v1/tags", &json!({ "name": unique("Mass ") })).body["id"].as_i64().unwrap();
    let queued = admin
        .post("/api/v1/users/bulk", &json!({ "action": "tags", "change": "add", "ids": [tag], "matching": matching }));
    assert_eq!(queued.status, 202, "more than 200 users run as a job: {:?}", queued.body);
    let job = admin.wait_for_job(queued.body["id"].as_str().unwrap());
    assert_eq!((job["status"].as_str(), job["result"]["applied"].as_i64()), (Some("done"), Some(240)), "{job:?}");
    assert_eq!(report(&admin, &job).len(), 241);
    let listed = admin.get("/api/v1/tags").body;
    let carried = listed["items"].as_array().unwrap().iter().find(|t| t["id"] == tag).unwrap()["users"].clone();
    assert_eq!(carried, 240);

    // 240 of Demo's users is past 10 % of the company: the count must be typed.
    let delete = json!({ "action": "delete", "matching": matching });
    let preview = admin.post("/api/v1/users/bulk/preview", &delete);
    assert_eq!((preview.body["selected"].as_i64(), preview.body["confirmation"].as_str()), (Some(240), Some("typed")));
    let mut asked = delete.clone();
    asked["confirm"] = json!(239);
    assert_eq!(admin.post("/api/v1/users/bulk", &asked).body["fields"]["confirm"]["code"], "confirmation_mismatch");
    asked["confirm"] = json!(240);
    let queued = admin.post("/api/v1/users/bulk", &asked);
    assert_eq!(queued.status, 202, "{:?}", queued.body);
    let job = admin.wait_for_job(queued.body["id"].as_str().unwrap());
    assert_eq!(job["result"]["applied"], 240, "{job:?}");
    let left = admin.get(&format!("/api/v1/users?q={stamp}")).body;
    assert!(left["items"].as_array().unwrap().is_empty(), "deleted users leave the directory");
    let nobody = admin.post("/api/v1/users/bulk", &json!({ "action": "activate", "matching": matching }));
    assert_eq!(nobody.body["fields"]["matching"]["code"], "nothing_selected");
}

#[test]
fn a_bulk_action_never_reaches_another_company() {
    let demo = Client::sign_in(DEMO_ADMIN);
    let acme = Client::sign_in(ACME_ADMIN);
    let user = new_user(&demo, &unique("Voisin"));
    let foreign = acme.post("/api/v1/users/bulk", &json!({ "action": "deactivate", "users": [user] }));
    assert_eq!(foreign.status, 422, "{:?}", foreign.body);
    assert_eq!(foreign.body["fields"]["users"]["code"], "nothing_selected");
    let tag = demo.post("/api/v1/tags", &json!({ "name": unique("Privé ") })).body["id"].as_i64().unwrap();
    let acme_user = acme.get("/api/v1/users?limit=1").body["items"][0]["id"].as_i64().unwrap();
    let borrowed = acme
        .post("/api/v1/users/bulk", &json!({ "action": "tags", "change": "add", "ids": [tag], "users": [acme_user] }));
    assert_eq!(borrowed.body["fields"]["ids"]["code"], "unknown_group_or_tag");
    let job = act(&demo, json!({ "action": "activate" }), &[user]);
    let id = job["id"].as_str().unwrap();
    assert_eq!(acme.get(&format!("/api/v1/bulk-actions/{id}")).status, 404);
    assert_eq!(acme.download(job["files"][0]["url"].as_str().unwrap()).0, 404);
    assert_eq!(status(&demo, user), "active");
}
