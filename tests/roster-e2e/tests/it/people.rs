//! The user page's editing (F2), the dashboard and licence capacity (F7),
//! and the mass-action guard in the settings (F3).

use roster_e2e::{Answer, Client, unique};
use serde_json::{Value, json};

use crate::{ACME_ADMIN, DEMO_ADMIN};

/// Initech is the tests' company with one licence seat left; only this
/// file's licence test changes it.
const INITECH_ADMIN: &str = "admin@initech.example";

/// Creates a user of the admin's company with `extra` fields.
fn create(admin: &Client, domain: &str, extra: &Value) -> Answer {
    let mut body = json!({ "last_name": unique("Éditée "), "first_name": "Zoé", "email": format!("{}@{domain}", unique("edit.")) });
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    admin.post("/api/v1/users", &body)
}

fn id(made: &Answer) -> i64 {
    assert_eq!(made.status, 201, "{:?}", made.body);
    made.body["id"].as_i64().unwrap()
}

fn patch(admin: &Client, id: i64, body: &Value) -> Answer {
    admin.send("PATCH", &format!("/api/v1/users/{id}"), Some(body))
}

fn field_code(answer: &Answer, field: &str) -> String {
    answer.body["fields"][field]["code"].as_str().unwrap_or_default().to_owned()
}

fn licences(admin: &Client) -> (i64, i64, i64) {
    let d = admin.get("/api/v1/company/dashboard").body;
    let l = &d["licences"];
    (l["capacity"].as_i64().unwrap(), l["used"].as_i64().unwrap(), l["available"].as_i64().unwrap())
}

/// Does a bulk action on ticked users, typing the count: the finished job.
fn bulk(admin: &Client, action: &str, users: &[i64]) -> Value {
    let body = json!({ "action": action, "users": users, "confirm": users.len() });
    let done = admin.post("/api/v1/users/bulk", &body);
    assert_eq!(done.status, 200, "{body} → {:?}", done.body);
    done.body
}

#[test]
fn an_edit_changes_clears_and_is_checked_like_creation() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let mobile = format!("+3361{:07}", std::process::id() % 10_000_000);
    let made = create(&admin, "demo.example", &json!({ "mobile": mobile }));
    let user = id(&made);
    let other_made = create(&admin, "demo.example", &json!({}));
    let other = id(&other_made);

    let new_name = unique("Renommée ");
    let saved = patch(&admin, user, &json!({ "last_name": new_name, "mobile": "", "department": "Ventes" }));
    assert_eq!(saved.status, 200, "{:?}", saved.body);
    assert_eq!(saved.body["last_name"], new_name.as_str());
    assert_eq!((saved.body["mobile"].as_str(), saved.body["department"].as_str()), (None, Some("Ventes")));
    assert_eq!(saved.body["first_name"], "Zoé", "fields left out stay");
    // The directory's search follows the new name.
    let found = admin.get(&format!("/api/v1/users?q={}", new_name.replace(' ', "+"))).body;
    let ids: Vec<i64> = found["items"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [user]);
    let logged = admin.get("/api/v1/audit?action=user.update&limit=20").body;
    let entry = logged["items"].as_array().unwrap().iter().find(|e| e["detail"]["user_id"] == user).expect("audited");
    assert_eq!(entry["detail"]["fields"], json!(["last_name", "mobile", "department"]));

    // The same field errors as creation, all at once, and nothing saved.
    let taken = patch(&admin, user, &json!({ "email": other_made.body["email"] }));
    assert_eq!((taken.status, field_code(&taken, "email")), (422, "email_taken".into()), "{:?}", taken.body);
    let wrong = patch(&admin, user, &json!({ "email": "", "language": "klingon", "role": "chief" }));
    assert_eq!(wrong.status, 422, "{:?}", wrong.body);
    assert_eq!(field_code(&wrong, "email"), "email_or_mobile_required");
    assert_eq!(
        (field_code(&wrong, "language"), field_code(&wrong, "role")),
        ("unknown_value".into(), "unknown_value".into())
    );
    assert_eq!(admin.get(&format!("/api/v1/users/{user}")).body["email"], made.body["email"]);
    // Its own address is no clash.
    assert_eq!(patch(&admin, user, &json!({ "email": made.body["email"] })).status, 200);

    // Administrators keep their own role.
    let me = admin.get("/api/v1/session").body["user"]["id"].as_i64().unwrap();
    let own = patch(&admin, me, &json!({ "role": "member" }));
    assert_eq!((own.status, field_code(&own, "role")), (422, "own_role".into()));
    assert_eq!(patch(&admin, me, &json!({ "role": "company_admin" })).status, 200, "the same role is no change");

    // A deleted user's details are gone for good.
    bulk(&admin, "delete", &[other]);
    let gone = patch(&admin, other, &json!({ "last_name": "Revenant" }));
    assert_eq!((gone.status, field_code(&gone, "last_name")), (422, "user_deleted".into()));

    // Another company's user does not exist here.
    let acme = Client::sign_in(ACME_ADMIN);
    let foreign = acme.get("/api/v1/users?limit=1").body["items"][0]["id"].as_i64().unwrap();
    assert_eq!(patch(&admin, foreign, &json!({ "last_name": "Intrus" })).status, 404);
    assert_ne!(acme.get(&format!("/api/v1/users/{foreign}")).body["last_name"], "Intrus");
    assert_eq!(patch(&admin, i64::MAX, &json!({})).status, 404);
}

#[test]
fn the_licence_capacity_holds_on_creation_edits_imports_and_activation() {
    let admin = Client::sign_in(INITECH_ADMIN);
    // What an interrupted earlier run left is deleted first, freeing its seats.
    let left: Vec<i64> = admin.get("/api/v1/users?q=editee&limit=200").body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    if !left.is_empty() {
        bulk(&admin, "delete", &left);
    }
    the_dashboard_counts_what_the_directory_lists(&admin);
    let (capacity, used, available) = licences(&admin);
    assert_eq!((available, capacity - used), (1, 1), "Initech starts with one seat left");

    // Participants take no seat.
    let player = id(&create(&admin, "initech.example", &json!({ "licence_level": "participant" })));
    assert_eq!(licences(&admin).2, 1);
    // The last seat goes to a creator; the next creator is refused on their licence level.
    let first = id(&create(&admin, "initech.example", &json!({})));
    assert_eq!(licences(&admin), (capacity, used + 1, 0));
    let second = create(&admin, "initech.example", &json!({}));
    assert_eq!((second.status, field_code(&second, "licence_level")), (422, "no_licence_left".into()));
    // Raising a participant to creator needs a seat too.
    let raise = patch(&admin, player, &json!({ "licence_level": "creator" }));
    assert_eq!((raise.status, field_code(&raise, "licence_level")), (422, "no_licence_left".into()));
    // An import that brings a creator is refused whole, saying why.
    let csv = format!("last_name;email;user_type\nImportée;{}@initech.example;\n", unique("import."));
    let (files, bytes) = storage(&admin);
    let job = admin.wait_for_job(admin.upload_users("seats.csv", csv.as_bytes()).body["id"].as_str().unwrap());
    // The uploaded file is kept (for its report) and counted in the storage used.
    let (files_after, bytes_after) = storage(&admin);
    assert_eq!(files_after, files + 1);
    assert!(bytes_after >= bytes + i64::try_from(csv.len()).unwrap(), "{bytes} → {bytes_after}");
    assert_eq!(job["status"], "failed", "{job}");
    let remarks = job["result"]["remarks"].as_array().unwrap();
    let remark = remarks.iter().find(|r| r["severity"] == "blocking").expect("a blocking remark");
    assert_eq!(
        (remark["code"].as_str(), remark["column"].as_str(), remark["row"].as_i64()),
        (Some("no_licence_left"), Some("licence_level"), Some(2))
    );

    // A created user keeps their seat (they cannot be deactivated); an
    // active one frees it when deactivated, and needs one to come back.
    bulk(&admin, "deactivate", &[first]);
    assert_eq!(licences(&admin).2, 0);
    bulk(&admin, "activate", &[first]);
    bulk(&admin, "deactivate", &[first]);
    assert_eq!(licences(&admin).2, 1);
    let third = id(&create(&admin, "initech.example", &json!({})));
    let back = bulk(&admin, "activate", &[first]);
    assert_eq!(back["result"]["skipped"]["no_licence"], 1, "{back}");

    // Deleting them frees every seat they took: the company is as it was.
    bulk(&admin, "delete", &[player, first, third]);
    assert_eq!(licences(&admin), (capacity, used, 1));
}

/// The dashboard's users per status are those a walk of the directory
/// finds (in a company no other test changes meanwhile).
fn the_dashboard_counts_what_the_directory_lists(admin: &Client) {
    let d = admin.get("/api/v1/company/dashboard");
    assert_eq!(d.status, 200, "{:?}", d.body);
    for status in ["created", "invited", "active", "inactive", "deleted"] {
        let (mut walked, mut cursor) = (0, String::new());
        loop {
            let page = admin.get(&format!("/api/v1/users?status={status}&limit=200{cursor}")).body;
            walked += page["items"].as_array().unwrap().len();
            match page["next_cursor"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => break,
            }
        }
        assert_eq!(d.body["users"][status].as_u64(), u64::try_from(walked).ok(), "{status}");
    }
    let activities = admin.get("/api/v1/activities?archived=true").body["items"].as_array().unwrap().len();
    assert_eq!(d.body["activities"]["total"].as_u64(), u64::try_from(activities).ok(), "{:?}", d.body);
}

fn storage(admin: &Client) -> (i64, i64) {
    let s = &admin.get("/api/v1/company/dashboard").body["storage"];
    (s["files"].as_i64().unwrap(), s["bytes"].as_i64().unwrap())
}

#[test]
fn the_mass_action_guard_is_a_company_setting() {
    let admin = Client::sign_in(INITECH_ADMIN);
    let settings = "/api/v1/company/settings";
    let before = admin.get(settings).body;
    assert_eq!(
        (before["mass_action_guard_users"].as_i64(), before["mass_action_guard_percent"].as_i64()),
        (Some(1000), Some(10))
    );
    let everyone: Vec<i64> = admin.get("/api/v1/users?limit=200").body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    let preview = |admin: &Client| {
        admin.post("/api/v1/users/bulk/preview", &json!({ "action": "deactivate", "users": everyone })).body["confirmation"].clone()
    };
    assert_eq!(preview(&admin), "typed", "over 10 % of a small company");
    let relaxed = admin.send("PATCH", settings, Some(&json!({ "mass_action_guard_percent": 100 })));
    assert_eq!(relaxed.status, 200, "{:?}", relaxed.body);
    assert_ne!(preview(&admin), "typed");
    let bad =
        admin.send("PATCH", settings, Some(&json!({ "mass_action_guard_users": 0, "mass_action_guard_percent": 101 })));
    assert_eq!(bad.status, 422);
    assert_eq!(
        (field_code(&bad, "mass_action_guard_users"), field_code(&bad, "mass_action_guard_percent")),
        ("out_of_range".into(), "out_of_range".into())
    );
    assert_eq!(admin.send("PATCH", settings, Some(&json!({ "mass_action_guard_percent": 10 }))).status, 200);
    assert_eq!(preview(&admin), "typed");
}

#[test]
fn activities_are_handed_over_to_a_creator_of_the_company() {
    let admin = Client::sign_in(ACME_ADMIN);
    let me = admin.get("/api/v1/session").body["user"]["id"].as_i64().unwrap();
    let created = |user: i64| admin.get(&format!("/api/v1/users/{user}")).body["activities_created"].as_i64().unwrap();
    let transfer = |from: i64, to: Value| admin.post(&format!("/api/v1/users/{from}/transfer"), &json!({ "to": to }));
    let mine = created(me);
    assert!(mine > 0, "Acme's administrator created its activities");
    let heir = id(&create(&admin, "acme.example", &json!({})));
    let player = id(&create(&admin, "acme.example", &json!({ "licence_level": "participant" })));

    let refused = transfer(me, json!(player));
    assert_eq!((refused.status, field_code(&refused, "to")), (422, "transfer_needs_creator".into()));
    assert_eq!(field_code(&transfer(me, json!(me)), "to"), "transfer_to_self");
    let demo = Client::sign_in(DEMO_ADMIN);
    let foreign = demo.get("/api/v1/users?limit=1").body["items"][0]["id"].as_i64().unwrap();
    assert_eq!(transfer(me, json!(foreign)).status, 404, "never to another company's user");
    assert_eq!(transfer(foreign, json!(heir)).status, 404, "nor from one");
    assert_eq!(created(me), mine, "nothing moved");

    let done = transfer(me, json!(f64::from(u32::try_from(heir).unwrap())));
    assert_eq!(done.status, 200, "{:?}", done.body);
    assert_eq!(done.body["transferred"].as_i64(), Some(mine));
    assert_eq!((created(me), created(heir)), (0, mine));
    let logged = admin.get("/api/v1/audit?action=user.transfer&limit=5").body;
    let entry = logged["items"].as_array().unwrap().iter().find(|e| e["detail"]["to"] == heir).expect("audited");
    assert_eq!(entry["detail"]["activities"].as_i64(), Some(mine));

    // Handed back, and the heir leaves.
    assert_eq!(transfer(heir, json!(me)).body["transferred"].as_i64(), Some(mine));
    assert_eq!(created(me), mine);
    bulk(&admin, "delete", &[heir, player]);
}

#[test]
fn an_activation_may_give_a_password_which_only_its_hash_keeps() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let made = create(&admin, "demo.example", &json!({ "role": "team_admin" }));
    let user = id(&made);
    let email = made.body["email"].as_str().unwrap().to_owned();
    let ask = |body: Value| admin.post("/api/v1/users/bulk", &body);

    let short = ask(json!({ "action": "activate", "users": [user], "password": "short" }));
    assert_eq!((short.status, field_code(&short, "password")), (422, "password_too_short".into()));
    let elsewhere = ask(json!({ "action": "deactivate", "users": [user], "password": "kiosque-2026!" }));
    assert_eq!((elsewhere.status, field_code(&elsewhere, "password")), (422, "unknown_value".into()));

    let done = ask(json!({ "action": "activate", "users": [user], "password": "kiosque-2026!" }));
    assert_eq!(done.status, 200, "{:?}", done.body);
    assert_eq!(done.body["result"]["applied"], 1);
    // The job and the audit log say a password was given, never what it hashes to.
    let job = admin.get(&format!("/api/v1/bulk-actions/{}", done.body["id"].as_str().unwrap())).body;
    assert_eq!(job["params"]["action"]["password"], true, "{job}");
    assert!(!job.to_string().contains("pbkdf2") && !job.to_string().contains("kiosque"), "{job}");
    let logged = admin.get("/api/v1/audit?action=bulk.request&limit=20").body.to_string();
    assert!(!logged.contains("pbkdf2") && !logged.contains("kiosque"));

    // The activated administrator signs in with it.
    let signed = Client::anonymous().post("/api/v1/session", &json!({ "email": email, "password": "kiosque-2026!" }));
    assert_eq!(signed.status, 201, "{:?}", signed.body);
    let wrong = Client::anonymous().post("/api/v1/session", &json!({ "email": email, "password": "roster-demo" }));
    assert_eq!(wrong.status, 401);
}

/// The password link of the last message to `recipient` in the outbox.
fn password_link(admin: &Client, recipient: &str) -> String {
    let outbox = admin.get(&format!("/api/v1/outbox?recipient={recipient}"));
    let body = outbox.body["items"][0]["body"].as_str().unwrap_or_else(|| panic!("no message to {recipient}"));
    let at = body.find("#/password/").expect("a password link") + "#/password/".len();
    body[at..].split_whitespace().next().unwrap().to_owned()
}

#[test]
fn a_password_reset_sends_a_link_that_sets_a_new_password_once() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let made = create(&admin, "demo.example", &json!({ "role": "team_admin", "language": "en" }));
    let user = id(&made);
    let email = made.body["email"].as_str().unwrap().to_owned();
    let sign_in =
        |password: &str| Client::anonymous().post("/api/v1/session", &json!({ "email": email, "password": password }));
    let activated = admin
        .post("/api/v1/users/bulk", &json!({ "action": "activate", "users": [user], "password": "first-pass-2026" }));
    assert_eq!(activated.status, 200, "{:?}", activated.body);
    assert_eq!(sign_in("first-pass-2026").status, 201);

    // A reset names its count first, then stops the password at once.
    let unconfirmed = admin.post("/api/v1/users/bulk", &json!({ "action": "reset_password", "users": [user] }));
    assert_eq!(field_code(&unconfirmed, "confirm"), "confirmation_required");
    let me = admin.get("/api/v1/session").body["user"]["id"].as_i64().unwrap();
    let created = id(&create(&admin, "demo.example", &json!({})));
    let reset = bulk(&admin, "reset_password", &[user, me, created]);
    assert_eq!(reset["result"]["applied"], 1, "{reset}");
    assert_eq!(
        (reset["result"]["skipped"]["yourself"].as_i64(), reset["result"]["skipped"]["not_active"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(sign_in("first-pass-2026").status, 401, "the old password stopped working");

    // The link, in the user's language, opens a page of its own.
    let link = password_link(&admin, &email);
    let visitor = Client::anonymous();
    let page = visitor.get(&format!("/api/v1/password/{link}"));
    assert_eq!(page.status, 200, "{:?}", page.body);
    assert_eq!((page.body["company"].as_str(), page.body["address"].as_str()), (Some("Demo"), Some(email.as_str())));
    let short = visitor.post(&format!("/api/v1/password/{link}"), &json!({ "password": "short" }));
    assert_eq!((short.status, field_code(&short, "password")), (422, "password_too_short".into()));
    let set = visitor.post(&format!("/api/v1/password/{link}"), &json!({ "password": "second-pass-2026" }));
    assert_eq!(set.status, 200, "{:?}", set.body);
    assert_eq!(sign_in("second-pass-2026").status, 201);
    // Once only; unknown links are not found.
    assert_eq!(
        visitor.post(&format!("/api/v1/password/{link}"), &json!({ "password": "third-pass-2026" })).status,
        410
    );
    let gone = visitor.get(&format!("/api/v1/password/{link}"));
    assert_eq!(gone.status, 410);
    let said = gone.body["error"]["message"].as_str().unwrap_or_default().to_owned();
    assert!(said.contains("password") || said.contains("mot de passe"), "a password link, not a sign-up: {said}");
    assert_eq!(visitor.get("/api/v1/password/rsp_unknown").status, 404);
    let logged = admin.get("/api/v1/audit?action=user.password&limit=5").body;
    assert!(logged["items"].as_array().unwrap().iter().any(|e| e["subject"] == email.as_str()));
}

/// The personal login code in the last message to `recipient`.
fn sent_code(admin: &Client, recipient: &str) -> String {
    let outbox = admin.get(&format!("/api/v1/outbox?recipient={recipient}"));
    let body = outbox.body["items"][0]["body"].as_str().unwrap_or_else(|| panic!("no message to {recipient}"));
    let at = body.find(": ").expect("the code follows a colon") + 2;
    body[at..at + 6].to_owned()
}

#[test]
fn login_codes_are_six_letters_sent_to_active_users_and_unique() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let mut people = Vec::new();
    for _ in 0..6 {
        let made = create(&admin, "demo.example", &json!({ "language": "en" }));
        people.push((id(&made), made.body["email"].as_str().unwrap().to_owned()));
    }
    let ids: Vec<i64> = people.iter().map(|(id, _)| *id).collect();
    bulk(&admin, "activate", &ids[..5]);
    let done = bulk(&admin, "login_code", &ids);
    assert_eq!(done["result"]["applied"], 5, "{done}");
    assert_eq!(done["result"]["skipped"]["not_active"], 1, "the created user is skipped");

    let mut codes: Vec<String> = people[..5].iter().map(|(_, email)| sent_code(&admin, email)).collect();
    for code in &codes {
        assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_uppercase() && !b"ILO".contains(&b)), "{code}");
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 5, "unique in the company");
    let outbox = admin.get(&format!("/api/v1/outbox?recipient={}", people[5].1)).body;
    assert!(outbox["items"].as_array().unwrap().iter().all(|m| !m["body"].as_str().unwrap().contains("login code")));
    let shown = admin.get(&format!("/api/v1/users/{}", ids[0])).body;
    assert!(shown["login_code_at"].is_string(), "{shown}");

    // A new code replaces the old one.
    let before = sent_code(&admin, &people[0].1);
    bulk(&admin, "login_code", &ids[..1]);
    assert_ne!(sent_code(&admin, &people[0].1), before);
    // The job never shows a code.
    assert!(!done.to_string().contains(&before));
}
