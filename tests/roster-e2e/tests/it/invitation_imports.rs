//! Invitation files (D1–D5) and the company settings page that turns them on.

use std::fmt::Write;

use roster_e2e::{Client, unique};
use serde_json::{Value, json};

use crate::{ACME_ADMIN, DEMO_ADMIN};

/// The day `days` from now in the company's zone, as `(iso, day_first)`:
/// `2027-01-05` and `05/01/2027`.
fn day(days: i64) -> (String, String) {
    let now = roster_core::time::Timestamp::from_unix_seconds(
        i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()).unwrap(),
    );
    let iso = now.plus_days(days).to_string()[..10].to_owned();
    let day_first = format!("{}/{}/{}", &iso[8..10], &iso[5..7], &iso[..4]);
    (iso, day_first)
}

fn upload(admin: &Client, csv: &str) -> Value {
    let queued = admin.upload("/api/v1/imports/invitations", "plan.csv", csv.as_bytes());
    assert_eq!(queued.status, 202, "{:?}", queued.body);
    admin.wait_for_job(queued.body["id"].as_str().unwrap())
}

fn activity(admin: &Client, kind: &str, title: &str) -> i64 {
    let made = admin.post("/api/v1/activities", &json!({ "type": kind, "title": title, "base": "Plans" }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    made.body["id"].as_i64().unwrap()
}

fn invitations_of(admin: &Client, activity: i64) -> Vec<(i64, String)> {
    let list = admin.get(&format!("/api/v1/activities/{activity}/invitations")).body;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["recipients"].as_i64().unwrap(), i["state"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn a_clean_file_schedules_each_row_as_the_console_would() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let run = unique("plan");
    let group = format!("Plan {run}");
    let mut users = String::from("last_name,email,user_type,groups\n");
    for i in 0..5 {
        writeln!(users, "Zz {run} {i},{run}.{i}@demo.example,collaborator,{group}").unwrap();
    }
    writeln!(users, "Zz {run} alone,{run}.alone@demo.example,collaborator,").unwrap();
    let imported = admin.wait_for_job(admin.upload_users("people.csv", users.as_bytes()).body["id"].as_str().unwrap());
    assert_eq!(imported["result"]["created"], 6, "{imported}");
    let module = activity(&admin, "module", &format!("{run} module"));
    let quiz_title = format!("{run} quiz");
    let quiz = activity(&admin, "questionnaire", &quiz_title);

    // The snapshot the browser and the command line check against.
    let snapshot = admin.get("/api/v1/imports/invitations/snapshot");
    assert_eq!(snapshot.status, 200, "{:?}", snapshot.body);
    assert_eq!(snapshot.body["time_zone"], "Europe/Paris");
    let listed = snapshot.body["groups"].as_array().unwrap().iter().find(|g| g["name"] == group.as_str()).cloned();
    assert_eq!(listed.expect("the new group")["users"].as_array().unwrap().len(), 5);
    assert!(snapshot.body["activities"].as_array().unwrap().iter().any(|a| a["id"] == module && a["type"] == "module"));

    // French headers, a type in French, the module by id, the quiz by name,
    // dates as ISO text and day first, periods in two spellings.
    let ((s1, _), (_, u1), (s2, _), (_, u2)) = (day(2), day(12), day(3), day(10));
    let csv = format!(
        "Type;Activité;Groupes;Utilisateur;Démarrage;Fin de la période de démarrage;Période de renvoi;Période de rappel\n\
         Module;{module};{group};;{s1}T09:00;{u1} 18:00;1 semaine;3 jours\n\
         QUESTIONNAIRE;{quiz_title};;{run}.alone@demo.example;{s2} 08:30;{u2} 18h00;P3D;\n"
    );
    let job = upload(&admin, &csv);
    assert_eq!(job["status"], "done", "{job}");
    let result = &job["result"];
    assert_eq!(result["outcome"], "succeeded", "{result}");
    assert_eq!((result["invitations"].as_i64(), result["imported"].as_i64()), (Some(2), Some(2)));
    assert_eq!((result["recipients"].as_i64(), result["batches"].as_i64()), (Some(6), Some(2)));
    assert_eq!(result["blocking"], 0);
    assert_eq!(invitations_of(&admin, module), [(5, "scheduled".to_owned())]);
    assert_eq!(invitations_of(&admin, quiz), [(1, "scheduled".to_owned())]);
    let made = admin.get(&format!("/api/v1/activities/{module}/invitations")).body;
    let schedule = &made["items"][0]["schedule"];
    assert_eq!(schedule["start_local"], format!("{s1}T09:00"), "{schedule}");
    assert_eq!(schedule["resend_every_days"], 7, "{schedule}");
    assert_eq!(schedule["remind_after_days"], 3, "{schedule}");

    // The same file again: everyone is invited already, and says so.
    let again = upload(&admin, &csv);
    assert_eq!(again["status"], "done", "{again}");
    assert_eq!((again["result"]["imported"].as_i64(), again["result"]["recipients"].as_i64()), (Some(0), Some(0)));
    assert_eq!(again["result"]["already_invited"], 6);
    assert_eq!(invitations_of(&admin, module).len(), 1);
}

#[test]
fn a_file_with_a_blocking_remark_creates_nothing_and_says_where() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let run = unique("bad");
    let cycle_title = format!("{run} cycle");
    let cycle = activity(&admin, "cycle", &cycle_title);
    let module = activity(&admin, "module", &format!("{run} module"));
    let group = format!("Group {run}");
    let made = admin.post("/api/v1/groups", &json!({ "name": group }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    let guest = json!({ "email": format!("{run}@example.org"), "last_name": "Zz Guest", "groups": [made.body["id"]] });
    assert_eq!(admin.post("/api/v1/contacts", &guest).status, 201);
    let ((s, _), (u, _)) = (day(2), day(9));
    let csv = format!(
        "type,activity,groups,user,start,start_until,resend_every,remind_after\n\
         module,{module},{group},,{s} 09:00,{u} 09:00,,\n\
         cycle,{cycle_title},{group},,{s} 09:00,{u} 09:00,7 days,\n\
         module,{module},No such group {run},,01/01/2020 09:00,{u} 09:00,,\n"
    );
    let job = upload(&admin, &csv);
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(job["result"]["outcome"], "failed");
    let remarks: Vec<(i64, String, String)> = job["result"]["remarks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["row"].as_i64().unwrap(),
                r["column"].as_str().unwrap().to_owned(),
                r["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let has = |row: i64, column: &str| remarks.iter().any(|(r, c, _)| *r == row && c == column);
    assert!(has(3, "resend_every"), "a cycle takes no resend period: {remarks:?}");
    assert!(has(4, "groups"), "an unknown group: {remarks:?}");
    assert!(has(4, "start"), "a start in the past: {remarks:?}");
    assert!(!has(2, "groups"), "row 2 is fine: {remarks:?}");
    assert!(invitations_of(&admin, module).is_empty(), "all or nothing: the clean row made nothing");
    assert!(invitations_of(&admin, cycle).is_empty());
}

#[test]
fn without_the_setting_the_import_is_absent_and_a_company_admin_turns_it_on() {
    let acme = Client::sign_in(ACME_ADMIN);
    assert_eq!(acme.get("/api/v1/company/settings").body["invitation_file_import"], false);
    assert_eq!(acme.get("/api/v1/imports/invitations/snapshot").status, 404);
    assert_eq!(acme.upload("/api/v1/imports/invitations", "x.csv", b"type\n").status, 404);
    assert_eq!(acme.send("DELETE", "/api/v1/imports/invitations", None).status, 404, "absent, not 405");
    assert_eq!(acme.get("/api/v1/session").body["invitation_file_import"], false);

    let refused = acme.send("PATCH", "/api/v1/company/settings", Some(&json!({ "time_zone": "Mars/Olympus" })));
    assert_eq!(refused.status, 422, "{:?}", refused.body);
    assert!(refused.body["fields"]["time_zone"]["message"].is_string(), "{:?}", refused.body);

    let on = acme.send("PATCH", "/api/v1/company/settings", Some(&json!({ "invitation_file_import": true })));
    assert_eq!(on.status, 200, "{:?}", on.body);
    let expected = json!({ "invitation_file_import": true, "public_link_challenge": false, "time_zone": "Europe/Paris",
                           "mass_action_guard_users": 1000, "mass_action_guard_percent": 10, "plan": "standard",
                           "advanced_permissions": false });
    for (key, value) in expected.as_object().unwrap() {
        assert_eq!(&on.body[key], value, "{key}: {:?}", on.body);
    }
    // A standard plan has no advanced permissions.
    let gold_only = acme.send("PATCH", "/api/v1/company/settings", Some(&json!({ "advanced_permissions": true })));
    assert_eq!(gold_only.body["fields"]["advanced_permissions"]["code"], "advanced_permissions_need_gold");
    let snapshot = acme.get("/api/v1/imports/invitations/snapshot");
    assert_eq!(snapshot.status, 200);
    let demo_people = snapshot.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["email"].as_str().is_some_and(|e| e.ends_with("@demo.example")));
    assert_eq!(demo_people.count(), 0, "only Acme's people");
    let off = acme.send("PATCH", "/api/v1/company/settings", Some(&json!({ "invitation_file_import": false })));
    assert_eq!(off.status, 200);
    assert_eq!(acme.get("/api/v1/imports/invitations/snapshot").status, 404);
    let audit = acme.get("/api/v1/audit?action=company.settings").body;
    let changes = audit["items"].as_array().unwrap();
    assert!(changes.len() >= 2, "{audit}");
    assert_eq!(changes[0]["detail"]["after"]["invitation_file_import"], false, "{audit}");
}
