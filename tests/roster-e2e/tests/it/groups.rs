use roster_e2e::{Client, unique};
use serde_json::json;

use crate::DEMO_ADMIN;

#[test]
fn a_group_is_created_renamed_archived_and_deleted() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let name = unique("Équipe ");
    let created = admin.post("/api/v1/groups", &json!({ "name": name }));
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.body["users"], 0);
    let id = created.body["id"].as_i64().unwrap();
    let path = format!("/api/v1/groups/{id}");

    let renamed = admin.send("PATCH", &path, Some(&json!({ "name": format!("{name} bis") })));
    assert_eq!(renamed.status, 200);
    assert_eq!(renamed.body["name"], format!("{name} bis"));

    let archived = admin.send("PATCH", &path, Some(&json!({ "archived": true })));
    assert_eq!(archived.body["archived"], true);
    let restored = admin.send("PATCH", &path, Some(&json!({ "archived": false })));
    assert_eq!(restored.body["archived"], false);

    assert_eq!(admin.send("DELETE", &path, None).status, 204);
    assert_eq!(admin.get(&path).status, 404);
    assert_eq!(admin.send("DELETE", &path, None).status, 404);
}

#[test]
fn group_names_are_unique_whatever_their_case_and_accents() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let name = unique("Ventes ");
    assert_eq!(admin.post("/api/v1/groups", &json!({ "name": name })).status, 201);
    let clash = admin.post("/api/v1/groups", &json!({ "name": name.to_uppercase().replace('E', "É") }));
    assert_eq!(clash.status, 422);
    assert_eq!(clash.body["fields"]["name"]["code"], "group_name_taken");
    let comma = admin.post("/api/v1/groups", &json!({ "name": "Paris, Lyon" }));
    assert_eq!(comma.body["fields"]["name"]["code"], "no_comma");
}

#[test]
fn renaming_onto_another_group_name_is_refused() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let first = admin.post("/api/v1/groups", &json!({ "name": unique("First ") }));
    let second = admin.post("/api/v1/groups", &json!({ "name": unique("Second ") }));
    let path = format!("/api/v1/groups/{}", second.body["id"]);
    let clash = admin.send("PATCH", &path, Some(&json!({ "name": first.body["name"] })));
    assert_eq!(clash.status, 422);
    // Renaming a group to its own name (another case) is not a clash.
    let own = second.body["name"].as_str().unwrap().to_lowercase();
    assert_eq!(admin.send("PATCH", &path, Some(&json!({ "name": own }))).status, 200);
}

#[test]
fn deleting_a_group_keeps_its_members() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let groups = admin.get("/api/v1/groups");
    let list = groups.body["items"].as_array().unwrap();
    let archived = list.iter().find(|g| g["name"] == "Promotion 2019").expect("the archived demo group");
    assert_eq!(archived["archived"], true);
    let marketing = list.iter().find(|g| g["name"] == "Marketing").expect("a demo group").clone();
    let id = marketing["id"].as_i64().unwrap();

    let members = admin.get(&format!("/api/v1/users?group={id}&limit=200"));
    let members: Vec<i64> =
        members.body["items"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect();
    assert!(!members.is_empty());
    assert!(
        members.len() <= usize::try_from(marketing["users"].as_i64().unwrap()).unwrap(),
        "deleted members are hidden"
    );
    let first = admin.get(&format!("/api/v1/users/{}", members[0]));
    assert!(first.body["groups"].as_array().unwrap().iter().any(|g| g["id"] == id));

    assert_eq!(admin.send("DELETE", &format!("/api/v1/groups/{id}"), None).status, 204);
    for member in members {
        let user = admin.get(&format!("/api/v1/users/{member}"));
        assert_eq!(user.status, 200, "member {member} is still in the directory");
        assert!(user.body["groups"].as_array().unwrap().iter().all(|g| g["id"] != id));
    }
}
