//! Nobody acts above their rank (H6): a person is changed, deactivated,
//! deleted, reset or given a password only by someone holding at least
//! their powers. The attacks below are the ones a team administrator and a
//! scoped user editor would try.

use roster_e2e::{Client, demo_password, unique};
use serde_json::{Value, json};

use crate::DEMO_ADMIN;

/// A new active user of Demo signing in with `password`, holding `role`
/// and, when given, `holding` (`PUT /users/{id}/permissions`); their id
/// and e-mail.
fn person(admin: &Client, role: &str, password: &str, holding: Option<&Value>) -> (i64, String) {
    let email = format!("{}@demo.example", unique("rank"));
    let made = admin.post(
        "/api/v1/users",
        &json!({ "last_name": unique("Rang"), "email": email, "role": role, "licence_level": "participant" }),
    );
    assert_eq!(made.status, 201, "{:?}", made.body);
    let id = made.body["id"].as_i64().unwrap();
    let activated =
        admin.post("/api/v1/users/bulk", &json!({ "action": "activate", "users": [id], "password": password }));
    assert_eq!(
        (activated.status, activated.body["result"]["applied"].as_i64()),
        (200, Some(1)),
        "{:?}",
        activated.body
    );
    if let Some(holding) = holding {
        let held = admin.send("PUT", &format!("/api/v1/users/{id}/permissions"), Some(holding));
        assert_eq!(held.status, 200, "{:?}", held.body);
    }
    (id, email)
}

/// Whether `email` signs in with `password`: 201, or 401 refused.
fn signs_in(email: &str, password: &str) -> bool {
    let answer = Client::anonymous().post("/api/v1/session", &json!({ "email": email, "password": password }));
    assert!(matches!(answer.status, 201 | 401), "{:?}", answer.body);
    answer.status == 201
}

fn status_of(admin: &Client, id: i64) -> String {
    admin.get(&format!("/api/v1/users/{id}")).body["status"].as_str().unwrap().to_owned()
}

/// Asks a bulk action on one user; the number applied and the one skip reason.
fn bulk_one(client: &Client, action: &Value, id: i64) -> (i64, Option<String>) {
    let mut body = action.clone();
    body["users"] = json!([id]);
    body["confirm"] = json!(1);
    let done = client.post("/api/v1/users/bulk", &body);
    assert_eq!(done.status, 200, "{body}: {:?}", done.body);
    let result = &done.body["result"];
    let skipped = result["skipped"].as_object().and_then(|s| s.keys().next().cloned());
    (result["applied"].as_i64().unwrap(), skipped)
}

fn group_id(admin: &Client, name: &str) -> i64 {
    let groups = admin.get("/api/v1/groups").body;
    groups["items"].as_array().unwrap().iter().find(|g| g["name"] == name).unwrap()["id"].as_i64().unwrap()
}

#[test]
fn a_team_administrator_cannot_take_over_a_company_administrator() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let password = demo_password();
    let (_, team_email) = person(&admin, "team_admin", &password, None);
    let (boss, boss_email) = person(&admin, "company_admin", &password, None);
    let team = Client::sign_in(&team_email);

    // The whole sequence of the attack: each step skipped, nothing changed.
    let chosen = "Chosen-by-the-team-admin-1";
    for action in [
        json!({ "action": "deactivate" }),
        json!({ "action": "activate", "password": chosen }),
        json!({ "action": "reset_password" }),
        json!({ "action": "login_code" }),
        json!({ "action": "delete" }),
    ] {
        assert_eq!(bulk_one(&team, &action, boss), (0, Some("outranked".into())), "{action}");
    }
    assert_eq!(status_of(&admin, boss), "active");
    assert!(!signs_in(&boss_email, chosen), "the chosen password was never set");
    assert!(signs_in(&boss_email, &password), "the company administrator still signs in");

    let demoted = team.send("PATCH", &format!("/api/v1/users/{boss}"), Some(&json!({ "role": "member" })));
    assert_eq!(
        (demoted.status, demoted.body["error"]["code"].as_str()),
        (403, Some("outranked")),
        "{:?}",
        demoted.body
    );
    let renamed = team.send("PATCH", &format!("/api/v1/users/{boss}"), Some(&json!({ "first_name": "Pris" })));
    assert_eq!(renamed.status, 403);
    let tagged = admin.post("/api/v1/tags", &json!({ "name": unique("rang") }));
    let tag = tagged.body["id"].as_i64().unwrap();
    assert_eq!(team.send("PUT", &format!("/api/v1/users/{boss}/tags/{tag}"), None).status, 403);
    let holding = json!({ "profiles": [], "personal": [],
                          "perimeter": { "all_users": true, "groups": [], "all_bases": true, "bases": [] } });
    assert_eq!(team.send("PUT", &format!("/api/v1/users/{boss}/permissions"), Some(&holding)).status, 403);
    let group = group_id(&admin, "Ventes Paris");
    let joined = team.post("/api/v1/groups/memberships", &json!({ "add": [{ "user": boss, "group": group }] }));
    assert_eq!((joined.status, joined.body["error"]["code"].as_str()), (403, Some("outranked")));
    assert_eq!(team.get(&format!("/api/v1/users/{boss}")).status, 200, "seeing is not changing");

    // Between equals the rule lets the change through.
    let (peer, _) = person(&admin, "team_admin", &password, None);
    assert_eq!(bulk_one(&team, &json!({ "action": "deactivate" }), peer), (1, None));
    // And a company administrator changes anyone.
    assert_eq!(bulk_one(&admin, &json!({ "action": "deactivate" }), boss), (1, None));
    assert!(!signs_in(&boss_email, &password));
}

#[test]
fn a_scoped_user_editor_cannot_set_a_password_on_someone_holding_more() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let password = demo_password();
    let paris = group_id(&admin, "Ventes Paris");
    let in_paris = |groups: &[i64]| {
        json!({ "profiles": [], "personal": ["see_users", "edit_users"],
                "perimeter": { "all_users": false, "groups": groups, "all_bases": false, "bases": [] } })
    };
    let (_, editor_email) = person(&admin, "member", &password, Some(&in_paris(&[paris])));
    // A member of Paris who may export every user of the company: more than the editor holds.
    let wider = json!({ "profiles": [], "personal": ["see_users", "export_users"],
                        "perimeter": { "all_users": true, "groups": [], "all_bases": false, "bases": [] } });
    let (victim, victim_email) = person(&admin, "member", &password, Some(&wider));
    // A member of Paris with exactly the editor's rights, and a learner.
    let (equal, _) = person(&admin, "member", &password, Some(&in_paris(&[paris])));
    let (learner, _) = person(&admin, "member", &password, None);
    let pair = |user: i64| json!({ "user": user, "group": paris });
    let joined =
        admin.post("/api/v1/groups/memberships", &json!({ "add": [pair(victim), pair(equal), pair(learner)] }));
    assert_eq!(joined.status, 200, "{:?}", joined.body);
    let editor = Client::sign_in(&editor_email);

    let chosen = "Chosen-by-the-editor-1";
    assert_eq!(bulk_one(&editor, &json!({ "action": "deactivate" }), victim), (0, Some("outranked".into())));
    assert_eq!(
        bulk_one(&editor, &json!({ "action": "activate", "password": chosen }), victim),
        (0, Some("outranked".into()))
    );
    assert_eq!(status_of(&admin, victim), "active");
    assert!(!signs_in(&victim_email, chosen));
    let edited = editor.send("PATCH", &format!("/api/v1/users/{victim}"), Some(&json!({ "first_name": "Pris" })));
    assert_eq!((edited.status, edited.body["error"]["code"].as_str()), (403, Some("outranked")));

    // Someone holding no more than the editor, or nothing at all, is theirs to change.
    for (id, label) in [(equal, "an equal"), (learner, "a learner")] {
        assert_eq!(bulk_one(&editor, &json!({ "action": "deactivate" }), id), (1, None), "{label}");
        assert_eq!(bulk_one(&editor, &json!({ "action": "activate", "password": chosen }), id), (1, None), "{label}");
    }
    // Someone who gains a right the editor lacks is out of their reach from then on.
    let grown = json!({ "profiles": [], "personal": ["see_users", "edit_users", "see_statistics"],
                        "perimeter": { "all_users": false, "groups": [paris], "all_bases": false, "bases": [] } });
    assert_eq!(admin.send("PUT", &format!("/api/v1/users/{equal}/permissions"), Some(&grown)).status, 200);
    assert_eq!(bulk_one(&editor, &json!({ "action": "deactivate" }), equal), (0, Some("outranked".into())));
}

fn ids(items: &Value) -> Vec<i64> {
    items.as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect()
}

#[test]
fn lists_and_counts_keep_only_what_a_scoped_holder_may_see() {
    use roster_core::demo::{STAFF_MANAGER, STAFF_TRAINER};
    let admin = Client::sign_in(DEMO_ADMIN);
    let manager = Client::sign_in(STAFF_MANAGER);
    let (paris, lyon) = (group_id(&admin, "Ventes Paris"), group_id(&admin, "Ventes Lyon"));

    // A tag on one member of Paris and one of Lyon: the Paris manager counts one.
    let tag = admin.post("/api/v1/tags", &json!({ "name": unique("perimetre") })).body["id"].as_i64().unwrap();
    for group in [paris, lyon] {
        let member =
            admin.get(&format!("/api/v1/users?group={group}&limit=1")).body["items"][0]["id"].as_i64().unwrap();
        assert_eq!(admin.send("PUT", &format!("/api/v1/users/{member}/tags/{tag}"), None).status, 200);
    }
    let count = |client: &Client| {
        let tags = client.get("/api/v1/tags").body;
        tags["items"].as_array().unwrap().iter().find(|t| t["id"] == tag).unwrap()["users"].as_i64().unwrap()
    };
    assert_eq!((count(&admin), count(&manager)), (2, 1));

    // A group filter outside the perimeter answers as absent, on every list.
    for path in ["/api/v1/users", "/api/v1/users/export", "/api/v1/contacts"] {
        assert_eq!(manager.get(&format!("{path}?group={lyon}")).status, 404, "{path}");
        assert_eq!(manager.get(&format!("{path}?group={paris}")).status, 200, "{path}");
    }

    // The trainer works in one base: the list of bases shows that one.
    let trainer = Client::sign_in(STAFF_TRAINER);
    let all_bases = admin.get("/api/v1/bases").body["items"].clone();
    let theirs = trainer.get("/api/v1/bases").body["items"].clone();
    assert!(ids(&all_bases).len() > 1);
    let names: Vec<&str> = theirs.as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Sécurité"]);

    // Someone who manages public links but may not see users reads the
    // guests' attempts only, never the company's people.
    let quiz = admin.get("/api/v1/activities").body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Onboarding — questionnaire")
        .and_then(|a| a["id"].as_i64())
        .unwrap();
    let links_only = json!({ "profiles": [], "personal": ["manage_public_links"],
                             "perimeter": { "all_users": true, "groups": [], "all_bases": true, "bases": [] } });
    let (_, email) = person(&admin, "member", &demo_password(), Some(&links_only));
    let reader = Client::sign_in(&email);
    let parties = |client: &Client| -> Vec<String> {
        let got = client.get(&format!("/api/v1/activities/{quiz}/public-attempts"));
        assert_eq!(got.status, 200, "{:?}", got.body);
        got.body["items"].as_array().unwrap().iter().map(|a| a["party"].as_str().unwrap().to_owned()).collect()
    };
    assert!(parties(&admin).iter().any(|p| p == "user"));
    let seen = parties(&reader);
    assert!(!seen.is_empty() && seen.iter().all(|p| p == "guest"), "{seen:?}");
}

#[test]
fn an_import_names_but_never_changes_someone_holding_more_than_the_importer() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let password = demo_password();
    let importer = json!({ "profiles": [], "personal": ["import_users"],
                           "perimeter": { "all_users": false, "groups": [], "all_bases": false, "bases": [] } });
    let (_, importer_email) = person(&admin, "member", &password, Some(&importer));
    let (boss, boss_email) = person(&admin, "company_admin", &password, None);
    let (learner, learner_email) = person(&admin, "member", &password, None);
    let importer = Client::sign_in(&importer_email);
    let import = |csv: String| {
        let queued = importer.upload_users("rang.csv", csv.as_bytes());
        assert_eq!(queued.status, 202, "{:?}", queued.body);
        importer.wait_for_job(queued.body["id"].as_str().unwrap())
    };
    let department = |id: i64| admin.get(&format!("/api/v1/users/{id}")).body["department"].clone();

    let refused =
        import(format!("last_name;email;user_type;department\n;{boss_email};;Pris\n;{learner_email};;Ventes\n"));
    assert_eq!(refused["status"], "failed", "{refused}");
    let blocking = refused["result"]["remarks"].as_array().unwrap().iter().filter(|r| r["severity"] == "blocking");
    let codes: Vec<&str> = blocking.map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["outranked"], "{refused}");
    assert!(department(boss).is_null() && department(learner).is_null(), "nothing was changed");
    // Someone who holds nothing is the importer's to change.
    let done = import(format!("last_name;email;user_type;department\n;{learner_email};;Ventes\n"));
    assert_eq!((done["status"].as_str(), done["result"]["updated"].as_i64()), (Some("done"), Some(1)), "{done}");
    assert_eq!(department(learner), "Ventes");
}
