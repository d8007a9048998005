//! Permission profiles and perimeters (H1–H7), as people holding them meet
//! them: Demo (gold, advanced permissions on) has a manager of the Paris
//! sales team, a trainer of the Lyon team in the safety base, and a learner.

use roster_core::demo::{STAFF_LEARNER, STAFF_MANAGER, STAFF_TRAINER};
use roster_core::permissions::{Permission, Preset};
use roster_e2e::{Client, demo_password, unique};
use serde_json::{Value, json};

use crate::DEMO_ADMIN;

fn group_id(admin: &Client, name: &str) -> i64 {
    let groups = admin.get("/api/v1/groups").body;
    groups["items"].as_array().unwrap().iter().find(|g| g["name"] == name).unwrap()["id"].as_i64().unwrap()
}

fn preset_id(admin: &Client, preset: Preset) -> i64 {
    let listed = admin.get("/api/v1/profiles");
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    let items = listed.body["items"].as_array().unwrap().clone();
    items.iter().find(|p| p["preset"] == preset.code()).unwrap()["id"].as_i64().unwrap()
}

/// A new participant of Demo with the demo password, who holds `holding`
/// (`PUT /users/{id}/permissions`); their id and e-mail.
fn staff_member(admin: &Client, holding: &Value) -> (i64, String) {
    let email = format!("{}@demo.example", unique("staff"));
    let made = admin.post(
        "/api/v1/users",
        &json!({ "last_name": unique("Équipe"), "email": email, "licence_level": "participant" }),
    );
    assert_eq!(made.status, 201, "{:?}", made.body);
    let id = made.body["id"].as_i64().unwrap();
    let activated =
        admin.post("/api/v1/users/bulk", &json!({ "action": "activate", "users": [id], "password": demo_password() }));
    assert_eq!(activated.status, 200, "{:?}", activated.body);
    let held = admin.send("PUT", &format!("/api/v1/users/{id}/permissions"), Some(holding));
    assert_eq!(held.status, 200, "{:?}", held.body);
    (id, email)
}

fn every_user_and_base(profiles: &[i64], personal: &[&str]) -> Value {
    json!({ "profiles": profiles, "personal": personal,
            "perimeter": { "all_users": true, "groups": [], "all_bases": true, "bases": [] } })
}

#[test]
fn a_manager_scoped_to_one_group_sees_and_exports_only_its_members() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let paris = group_id(&admin, "Ventes Paris");
    let members = admin.get(&format!("/api/v1/users/export?limit=1&group={paris}")).body["total"].as_i64().unwrap();
    assert!(members > 0);

    let manager = Client::sign_in(STAFF_MANAGER);
    let mine = manager.get("/api/v1/users/export?limit=1000");
    assert_eq!(mine.status, 200, "{:?}", mine.body);
    assert_eq!(mine.body["total"].as_i64(), Some(members), "the manager counts the Paris team only");
    // Every one of them is in the group, checked by the administrator.
    let page = manager.get("/api/v1/users?limit=100").body;
    let seen: Vec<i64> = page["items"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect();
    let listed = admin.get(&format!("/api/v1/users?group={paris}&limit=100")).body;
    let in_group: Vec<i64> = listed["items"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect();
    assert!(seen.iter().all(|id| in_group.contains(id)), "only Paris members: {seen:?}");

    // Searching the whole directory finds no one else, and another user's page is absent.
    let everyone = admin.get("/api/v1/users?limit=100").body;
    let outsider = everyone["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .find(|id| !in_group.contains(id));
    let outsider = outsider.expect("someone outside the Paris team");
    assert_eq!(manager.get(&format!("/api/v1/users/{outsider}")).status, 404);
    assert_eq!(manager.get(&format!("/api/v1/users/{}", seen[0])).status, 200);

    // The export job holds the same people.
    let asked = manager.post("/api/v1/exports", &json!({ "kind": "users", "format": "csv" }));
    assert_eq!(asked.status, 202, "{:?}", asked.body);
    let job = manager.wait_for_job(asked.body["id"].as_str().unwrap());
    assert_eq!(job["status"], "done", "{job}");
    let rows: i64 = job["result"]["rows"].as_i64().unwrap();
    let all_statuses = admin.get(&format!("/api/v1/users/export?limit=1&group={paris}&status=deleted")).body["total"]
        .as_i64()
        .unwrap();
    assert!(rows <= members + all_statuses && rows > 0, "{rows} rows for {members} members");
    let company_total = admin.get("/api/v1/users/export?limit=1").body["total"].as_i64().unwrap();
    assert!(rows < company_total, "the export leaves the rest of the company out");

    // Their groups are those of their perimeter.
    let groups = manager.get("/api/v1/groups").body;
    let names: Vec<&str> = groups["items"].as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ventes Paris"]);
    let lyon = group_id(&admin, "Ventes Lyon");
    assert_eq!(manager.get(&format!("/api/v1/groups/{lyon}")).status, 404);

    // What the profile does not give is refused, naming it.
    let dashboard = manager.get("/api/v1/company/dashboard");
    assert_eq!((dashboard.status, dashboard.body["error"]["permission"].as_str()), (403, Some("see_statistics")));
}

#[test]
fn a_trainer_works_in_their_base_and_is_refused_elsewhere() {
    let trainer = Client::sign_in(STAFF_TRAINER);
    let activities = trainer.get("/api/v1/activities").body;
    let bases: Vec<&str> =
        activities["items"].as_array().unwrap().iter().map(|a| a["base"].as_str().unwrap()).collect();
    assert!(!bases.is_empty() && bases.iter().all(|b| *b == "Sécurité"), "{bases:?}");

    let title = unique("Tri des déchets ");
    let made =
        trainer.post("/api/v1/activities", &json!({ "type": "questionnaire", "title": title, "base": "Sécurité" }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    let elsewhere =
        trainer.post("/api/v1/activities", &json!({ "type": "questionnaire", "title": title, "base": "Onboarding" }));
    assert_eq!(elsewhere.status, 422, "{:?}", elsewhere.body);

    let admin = Client::sign_in(DEMO_ADMIN);
    let all = admin.get("/api/v1/activities").body;
    let outside =
        all["items"].as_array().unwrap().iter().find(|a| a["base"] != "Sécurité").unwrap()["id"].as_i64().unwrap();
    assert_eq!(trainer.get(&format!("/api/v1/activities/{outside}")).status, 404);

    for (method, path, need) in [
        ("POST", "/api/v1/groups", "manage_groups"),
        ("DELETE", "/api/v1/tags/1", "administrator"),
        ("PATCH", "/api/v1/company/settings", "company_administrator"),
        ("GET", "/api/v1/profiles", "administrator"),
        ("GET", "/api/v1/imports/users/snapshot", "import_users"),
    ] {
        let refused = trainer.send(method, path, Some(&json!({})));
        assert_eq!(
            (refused.status, refused.body["error"]["permission"].as_str()),
            (403, Some(need)),
            "{method} {path}"
        );
        assert_eq!(refused.body["error"]["code"], "missing_permission");
    }
    // Bulk actions need the action's permission: a trainer deletes no one.
    let delete = trainer.post("/api/v1/users/bulk", &json!({ "action": "delete", "users": [1] }));
    assert_eq!((delete.status, delete.body["error"]["permission"].as_str()), (403, Some("administrator")));
}

#[test]
fn removing_a_profile_keeps_what_is_also_personal() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let trainer = preset_id(&admin, Preset::Trainer);
    let (id, _) = staff_member(&admin, &every_user_and_base(&[trainer], &["see_activities", "import_invitations"]));
    let held = admin.get(&format!("/api/v1/users/{id}/permissions")).body;
    let origin = |held: &Value, code: &str| {
        held["effective"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["permission"] == code)
            .map(|o| (o["profiles"].clone(), o["personal"].clone()))
    };
    assert_eq!(origin(&held, "see_users"), Some((json!([trainer]), json!(false))));
    assert_eq!(origin(&held, "see_activities"), Some((json!([trainer]), json!(true))));
    assert_eq!(origin(&held, "import_invitations"), Some((json!([]), json!(true))));

    let without = admin.send(
        "PUT",
        &format!("/api/v1/users/{id}/permissions"),
        Some(&every_user_and_base(&[], &["see_activities", "import_invitations"])),
    );
    assert_eq!(without.status, 200);
    assert_eq!(origin(&without.body, "see_users"), None, "what only the profile gave is gone");
    assert_eq!(origin(&without.body, "see_activities"), Some((json!([]), json!(true))), "what is also personal stays");
}

#[test]
fn editing_a_profile_changes_its_holders_access_at_once() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let name = unique("Lecteurs ");
    let made = admin.post("/api/v1/profiles", &json!({ "name": name, "permissions": ["see_statistics"] }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    let profile = made.body["id"].as_i64().unwrap();
    let taken = admin.post("/api/v1/profiles", &json!({ "name": name.to_uppercase(), "permissions": [] }));
    assert_eq!(taken.body["fields"]["name"]["code"], "profile_name_taken");

    let (_, email) = staff_member(&admin, &every_user_and_base(&[profile], &[]));
    let reader = Client::sign_in(&email);
    assert_eq!(reader.get("/api/v1/company/dashboard").status, 200);
    assert_eq!(reader.get("/api/v1/activities").status, 403);

    let edited = admin.send(
        "PATCH",
        &format!("/api/v1/profiles/{profile}"),
        Some(&json!({ "permissions": ["see_activities"] })),
    );
    assert_eq!(edited.status, 200, "{:?}", edited.body);
    assert_eq!(edited.body["holders"], 1);
    // The same session, at once.
    assert_eq!(reader.get("/api/v1/company/dashboard").status, 403);
    assert_eq!(reader.get("/api/v1/activities").status, 200);

    // Predefined profiles stay; the company's own go, and with them the holder's only permission.
    let preset = preset_id(&admin, Preset::Manager);
    let kept = admin.post("/api/v1/profiles/delete", &json!({ "profiles": [profile, preset] }));
    assert_eq!((kept.status, kept.body["fields"]["profiles"]["code"].as_str()), (422, Some("preset_kept")));
    let gone = admin.post("/api/v1/profiles/delete", &json!({ "profiles": [profile] }));
    assert_eq!(gone.body["deleted"], 1);
    assert_eq!(reader.get("/api/v1/activities").status, 401, "a user left without permissions is signed out");
}

#[test]
fn profiles_are_given_and_taken_in_bulk_by_administrators_only() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let manager_profile = preset_id(&admin, Preset::Manager);
    let (first, _) = staff_member(&admin, &every_user_and_base(&[], &["see_activities"]));
    let (second, _) = staff_member(&admin, &every_user_and_base(&[], &[]));
    let bulk = |change: &str| {
        admin.post(
            "/api/v1/users/bulk",
            &json!({ "action": "profiles", "change": change, "ids": [manager_profile], "users": [first, second] }),
        )
    };
    let holds = |id: i64, code: &str| {
        let held = admin.get(&format!("/api/v1/users/{id}/permissions")).body;
        held["effective"].as_array().unwrap().iter().any(|o| o["permission"] == code)
    };
    let added = bulk("add");
    assert_eq!((added.status, added.body["result"]["applied"].as_i64()), (200, Some(2)), "{:?}", added.body);
    assert!(holds(first, "export_users") && holds(second, "export_users"));
    let removed = bulk("remove");
    assert_eq!(removed.body["result"]["applied"], 2);
    assert!(!holds(second, "export_users"));
    assert!(holds(first, "see_activities"), "a personal permission stays");

    let unknown = admin.post(
        "/api/v1/users/bulk",
        &json!({ "action": "profiles", "change": "add", "ids": [9_007_199_254_740_991_i64], "users": [first] }),
    );
    assert_eq!(unknown.body["fields"]["ids"]["code"], "unknown_group_or_tag");
    let manager = Client::sign_in(STAFF_MANAGER);
    let refused = manager.post(
        "/api/v1/users/bulk",
        &json!({ "action": "profiles", "change": "add", "ids": [manager_profile], "users": [first] }),
    );
    assert_eq!((refused.status, refused.body["error"]["permission"].as_str()), (403, Some("administrator")));
}

#[test]
fn a_learner_cannot_sign_in_to_the_console() {
    let refused =
        Client::anonymous().post("/api/v1/session", &json!({ "email": STAFF_LEARNER, "password": demo_password() }));
    // The password is right: the answer says the console is not for this account, not that it is wrong.
    assert_eq!(
        (refused.status, refused.body["error"]["permission"].as_str()),
        (403, Some("signed_in")),
        "{:?}",
        refused.body
    );
    let wrong =
        Client::anonymous().post("/api/v1/session", &json!({ "email": STAFF_LEARNER, "password": "not-the-password" }));
    assert_eq!((wrong.status, wrong.body["error"]["code"].as_str()), (401, Some("bad_credentials")));
    // Without advanced permissions (Acme is standard), a member with permissions stays out too.
    let acme = Client::sign_in(crate::ACME_ADMIN);
    assert_eq!(acme.get("/api/v1/profiles").status, 404, "profiles do not exist without advanced permissions");
}

/// The API description the server serves.
const DESCRIPTION: &str = include_str!("../../../../crates/roster-worker/openapi.yaml");

/// The operations of the API description with what each needs.
fn operations() -> Vec<(String, String, String)> {
    let description = DESCRIPTION;
    let (mut path, mut method, mut found) = (String::new(), String::new(), Vec::new());
    for line in description.lines() {
        if let Some(p) = line.strip_prefix("  /").and_then(|p| p.strip_suffix(':')) {
            path = format!("/{p}");
        } else if let Some(m) = line.strip_prefix("    ").and_then(|m| m.strip_suffix(':')).filter(|m| !m.contains(' '))
        {
            method = m.to_uppercase();
        } else if let Some(need) = line.strip_prefix("      x-permission: ") {
            found.push((method.clone(), path.clone(), need.trim().to_owned()));
        }
    }
    found
}

#[test]
fn every_route_answers_each_predefined_profile_as_the_catalogue_says() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let operations = operations();
    assert!(operations.len() > 80, "{} operations", operations.len());
    for (_, _, need) in &operations {
        let known = ["public", "signed_in", "administrator", "company_administrator"].contains(&need.as_str())
            || Permission::parse(need).is_ok();
        assert!(known, "an unknown need in the description: {need}");
    }
    // Ids that exist nowhere: an allowed call finds nothing and changes nothing.
    let absent = |path: &str| {
        path.replace("{id}", "9007199254740991")
            .replace("{tag}", "9007199254740991")
            .replace("{name}", "nothing.csv")
            .replace("{partner}", "9007199254740991")
    };
    for &preset in Preset::ALL {
        let (_, email) = staff_member(&admin, &every_user_and_base(&[preset_id(&admin, preset)], &[]));
        let holder = Client::sign_in(&email);
        let given = preset.permissions();
        let asked = operations.iter().filter(|(method, path, need)| {
            need != "public" && method != "OPTIONS" && !path.contains("{secret}") && !path.contains("{token}")
        });
        for (method, path, need) in asked {
            let body = (method != "GET" && method != "DELETE").then(|| json!({}));
            let answer = holder.send(method, &absent(path), body.as_ref());
            let allowed = match need.as_str() {
                "signed_in" => true,
                "administrator" | "company_administrator" => false,
                code => given.contains(Permission::parse(code).unwrap()),
            };
            let context = format!("{preset} {method} {path} ({need}): {} {:?}", answer.status, answer.body);
            if allowed {
                assert!(answer.status != 403 && answer.status != 401 && answer.status < 500, "{context}");
            } else {
                assert_eq!(answer.status, 403, "{context}");
                assert_eq!(answer.body["error"]["permission"].as_str(), Some(need.as_str()), "{context}");
            }
        }
    }
}
