//! Group exports shared with every manager of their groups (J4), and groups
//! shared with partner companies (J6): each company sees its own members,
//! and never another company's addresses or departments.

use roster_core::sheet::{self, Limits, Value as Cell};
use roster_e2e::{Client, demo_password, unique};
use serde_json::{Value, json};

use crate::{ACME_ADMIN, DEMO_ADMIN};

fn group_id(client: &Client, name: &str) -> i64 {
    group(client, name)["id"].as_i64().unwrap()
}

fn group(client: &Client, name: &str) -> Value {
    let groups = client.get("/api/v1/groups").body;
    groups["items"].as_array().unwrap().iter().find(|g| g["name"] == name).cloned().unwrap_or(Value::Null)
}

/// The group named `name` that `owner` shares with `client` (the partner
/// may have a group of its own by the same name).
fn shared_group(client: &Client, name: &str, owner: &str) -> Value {
    let groups = client.get("/api/v1/groups").body;
    let found = groups["items"].as_array().unwrap().iter().find(|g| g["name"] == name && g["shared_by"] == owner);
    found.cloned().unwrap_or(Value::Null)
}

/// A new Demo member holding `manage_groups` for `groups` only.
fn group_keeper(admin: &Client, groups: &[i64]) -> (i64, String) {
    let email = format!("{}@demo.example", unique("keeper"));
    let made = admin.post(
        "/api/v1/users",
        &json!({ "last_name": unique("Gardien"), "email": email, "licence_level": "participant", "language": "fr" }),
    );
    assert_eq!(made.status, 201, "{:?}", made.body);
    let id = made.body["id"].as_i64().unwrap();
    let activated =
        admin.post("/api/v1/users/bulk", &json!({ "action": "activate", "users": [id], "password": demo_password() }));
    assert_eq!(activated.status, 200, "{:?}", activated.body);
    let holding = json!({ "profiles": [], "personal": ["manage_groups"],
        "perimeter": { "all_users": false, "groups": groups, "all_bases": true, "bases": [] } });
    let held = admin.send("PUT", &format!("/api/v1/users/{id}/permissions"), Some(&holding));
    assert_eq!(held.status, 200, "{:?}", held.body);
    (id, email)
}

/// Exports the members of `groups` as `client`: the finished job.
fn export_members(client: &Client, groups: &[i64], format: &str) -> Value {
    let queued = client.post(
        "/api/v1/exports",
        &json!({ "kind": "group_members", "format": format, "groups": groups, "language": "en" }),
    );
    assert_eq!(queued.status, 202, "{:?}", queued.body);
    let job = client.wait_for_job(queued.body["id"].as_str().unwrap());
    assert_eq!(job["status"], "done", "{job}");
    job
}

/// The rows of the job's one file, as text, headers first.
fn rows(client: &Client, job: &Value) -> Vec<Vec<String>> {
    let (status, _, bytes) = client.download(job["files"][0]["url"].as_str().unwrap());
    assert_eq!(status, 200);
    let mut rows = Vec::new();
    sheet::read(&bytes, Limits::PRODUCT, &mut |row| {
        rows.push(row.cells.iter().map(|c: &Cell| c.text().unwrap_or_default()).collect());
    })
    .unwrap();
    rows
}

#[test]
fn a_group_export_is_read_and_announced_to_whoever_manages_its_groups_for_four_days() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let (paris, lyon) = (group_id(&admin, "Ventes Paris"), group_id(&admin, "Ventes Lyon"));
    let (_, keeper_email) = group_keeper(&admin, &[paris]);
    let (_, outsider_email) = group_keeper(&admin, &[lyon]);
    let job = export_members(&admin, &[paris], "csv");
    let id = job["id"].as_str().unwrap();
    let url = job["files"][0]["url"].as_str().unwrap().to_owned();

    // Whoever manages the Paris team follows and downloads it; a keeper of Lyon does not see it.
    let keeper = Client::sign_in(&keeper_email);
    assert_eq!(keeper.get(&format!("/api/v1/exports/{id}")).status, 200);
    assert_eq!(keeper.download(&url).0, 200);
    let listed = keeper.get("/api/v1/jobs").body;
    assert!(listed["items"].as_array().unwrap().iter().any(|j| j["id"] == id), "on their dashboard");
    let outsider = Client::sign_in(&outsider_email);
    assert_eq!(outsider.get(&format!("/api/v1/exports/{id}")).status, 404);
    assert_eq!(outsider.download(&url).0, 404);
    assert!(outsider.get("/api/v1/jobs").body["items"].as_array().unwrap().iter().all(|j| j["id"] != id));

    // Each is told, in their own language; the outsider is not.
    let notices = |to: &str| -> Vec<Value> {
        let outbox = admin.get(&format!("/api/v1/outbox?recipient={to}")).body;
        outbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["body"].as_str().unwrap().contains(id))
            .cloned()
            .collect()
    };
    let told = notices(&keeper_email);
    assert_eq!(told.len(), 1, "one notice each");
    assert_eq!(told[0]["subject"], "Un export des membres de groupes est prêt");
    assert!(told[0]["body"].as_str().unwrap().contains("« Ventes Paris »"), "{}", told[0]["body"]);
    assert_eq!(notices(DEMO_ADMIN).len(), 1, "the requester too");
    assert!(notices(&outsider_email).is_empty());

    // Four days later the file is gone for everyone.
    admin.demo("POST", &format!("/api/v1/demo/jobs/{id}/age"), Some(&json!({ "days": 4 })));
    assert_eq!(keeper.download(&url).0, 410);
    assert_eq!(admin.download(&url).0, 410);
}

#[test]
fn a_shared_group_shows_each_company_its_own_members_and_never_the_others_addresses() {
    let share = roster_core::demo::SHARED_GROUP;
    let demo = Client::sign_in(DEMO_ADMIN);
    let acme = Client::sign_in(ACME_ADMIN);
    let owned = group(&demo, share.group);
    let shared = shared_group(&acme, share.group, share.owner);
    assert_eq!(owned["id"], shared["id"], "one group, seen by both");
    let id = owned["id"].as_i64().unwrap();
    assert_eq!(owned["partners"][0]["name"], share.partner);
    let partner_members = owned["partners"][0]["users"].as_i64().unwrap();
    assert!(partner_members >= i64::from(share.partner_members), "{owned}");
    assert_eq!(shared["shared_by"], share.owner);
    assert_eq!(shared["users"].as_i64(), Some(partner_members), "Acme counts its own members only");
    assert_eq!(shared["partners"], json!([]), "nor does it learn who else shares it");

    // The partner exports its own members only.
    let theirs = rows(&acme, &export_members(&acme, &[id], "csv"));
    assert_eq!(theirs.len() - 1, usize::try_from(partner_members).unwrap());
    let flat = |rows: &[Vec<String>]| rows.iter().flatten().cloned().collect::<Vec<_>>().join("|");
    assert!(!flat(&theirs).contains("@demo.example"), "no Demo member in Acme's file");

    // The owner's file lists them too, without address nor department, and says why.
    let ours = rows(&demo, &export_members(&demo, &[id], "xlsx"));
    let header = &ours[0];
    let column = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name} in {header:?}"));
    let (email, department, note) = (column("E-mail"), column("Department"), column("Note"));
    // A row ends at its last value: the reader leaves off blank cells after it.
    let cell = |r: &[String], i: usize| r.get(i).cloned().unwrap_or_default();
    let partners: Vec<&Vec<String>> = ours[1..].iter().filter(|r| !cell(r, note).is_empty()).collect();
    assert_eq!(partners.len(), usize::try_from(partner_members).unwrap(), "{ours:?}");
    let figures = ["Logins (12 months)", "Participations (12 months)", "Activities created"].map(column);
    for row in &partners {
        assert_eq!((cell(row, email), cell(row, department)), (String::new(), String::new()), "{row:?}");
        assert!(figures.iter().all(|&i| cell(row, i).is_empty()), "no false zero: {row:?}");
        assert_eq!(cell(row, note), "Member of Acme: e-mail address, department and activity not shown");
    }
    assert!(!flat(&ours).contains("@acme.example"), "no Acme address in Demo's file");
    let own: Vec<&Vec<String>> = ours[1..].iter().filter(|r| cell(r, note).is_empty()).collect();
    assert!(own.len() >= 5 && own.iter().all(|r| cell(r, email).ends_with("@demo.example")), "{own:?}");

    // Only the owner renames, archives or deletes it; the partner places its own users.
    assert_eq!(acme.send("PATCH", &format!("/api/v1/groups/{id}"), Some(&json!({ "name": "Pris" }))).status, 404);
    assert_eq!(acme.send("DELETE", &format!("/api/v1/groups/{id}"), None).status, 404);
    let someone = acme.get("/api/v1/users?limit=50&status=active").body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["role"] == "member")
        .unwrap()["id"]
        .clone();
    let change = |action: &str| {
        acme.post("/api/v1/groups/memberships", &json!({ action: [{ "user": someone, "group": id }] })).status
    };
    assert_eq!(change("add"), 200);
    assert_eq!(change("remove"), 200);
    // Nor does the partner stop the sharing.
    let acme_id = acme.get("/api/v1/session").body["company"]["id"].as_i64().unwrap();
    assert_eq!(acme.send("DELETE", &format!("/api/v1/groups/{id}/partners/{acme_id}"), None).status, 404);
}

#[test]
fn a_group_is_shared_by_the_partner_s_code_and_stops_being_shared() {
    let demo = Client::sign_in(DEMO_ADMIN);
    let acme = Client::sign_in(ACME_ADMIN);
    let name = unique("Projet commun");
    let made = demo.post("/api/v1/groups", &json!({ "name": name }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    let id = made.body["id"].as_i64().unwrap();
    let code = acme.get("/api/v1/company/partner-code").body["code"].as_str().unwrap().to_owned();
    assert_eq!(acme.get("/api/v1/company/partner-code").body["code"], code, "the same code every time");
    let own = demo.get("/api/v1/company/partner-code").body["code"].as_str().unwrap().to_owned();

    let share = |code: &str| demo.post(&format!("/api/v1/groups/{id}/partners"), &json!({ "code": code }));
    assert_eq!(share("0000-0000-0000").body["fields"]["code"]["code"], "unknown_partner_code");
    assert_eq!(share(&own).body["fields"]["code"]["code"], "own_partner_code");
    let shared = share(&code.to_uppercase().replace('-', " "));
    assert_eq!(shared.status, 200, "{:?}", shared.body);
    assert_eq!(shared.body["partners"][0]["name"], "Acme");
    let partner = shared.body["partners"][0]["id"].as_i64().unwrap();
    assert_eq!(shared_group(&acme, &name, "Demo")["id"], id);
    // The partner cannot share what it does not own.
    assert_eq!(acme.post(&format!("/api/v1/groups/{id}/partners"), &json!({ "code": own })).status, 404);

    let gone = demo.send("DELETE", &format!("/api/v1/groups/{id}/partners/{partner}"), None);
    assert_eq!(gone.status, 204);
    assert_eq!(shared_group(&acme, &name, "Demo"), Value::Null, "no longer shared");
    assert_eq!(demo.send("DELETE", &format!("/api/v1/groups/{id}/partners/{partner}"), None).status, 404);
}
