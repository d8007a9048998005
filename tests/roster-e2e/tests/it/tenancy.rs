use roster_e2e::{Client, unique};
use serde_json::json;

use crate::{ACME_ADMIN, DEMO_ADMIN};

#[test]
fn a_user_of_demo_is_invisible_to_acme() {
    let demo = Client::sign_in(DEMO_ADMIN);
    let acme = Client::sign_in(ACME_ADMIN);
    let last_name = unique("Secret");
    let created = demo.post(
        "/api/v1/users",
        &json!({ "last_name": last_name, "email": format!("{}@demo.example", last_name.to_lowercase()) }),
    );
    assert_eq!(created.status, 201);
    let id = created.body["id"].as_i64().unwrap();

    assert_eq!(acme.get(&format!("/api/v1/users/{id}")).status, 404);
    let search = acme.get(&format!("/api/v1/users?q={last_name}"));
    assert_eq!(search.status, 200);
    assert_eq!(search.body["items"], json!([]));
    assert_eq!(demo.get(&format!("/api/v1/users/{id}")).status, 200);
}

#[test]
fn acme_cannot_touch_demo_groups() {
    let demo = Client::sign_in(DEMO_ADMIN);
    let acme = Client::sign_in(ACME_ADMIN);
    let created = demo.post("/api/v1/groups", &json!({ "name": unique("Private ") }));
    let id = created.body["id"].as_i64().unwrap();
    let path = format!("/api/v1/groups/{id}");
    assert_eq!(acme.get(&path).status, 404);
    assert_eq!(acme.send("PATCH", &path, Some(&json!({ "name": "Hijacked" }))).status, 404);
    assert_eq!(acme.send("DELETE", &path, None).status, 404);
    assert_eq!(demo.get(&path).body["name"], created.body["name"]);
}

#[test]
fn each_company_lists_only_its_own_people() {
    let acme = Client::sign_in(ACME_ADMIN);
    let page = acme.get("/api/v1/users?limit=200");
    let emails: Vec<&str> = page.body["items"].as_array().unwrap().iter().filter_map(|u| u["email"].as_str()).collect();
    assert!(!emails.is_empty());
    assert!(emails.iter().all(|e| e.ends_with("@acme.example") || e.ends_with("@both.example")), "{emails:?}");
}

#[test]
fn the_same_address_may_exist_in_two_companies() {
    let demo = Client::sign_in(DEMO_ADMIN);
    let acme = Client::sign_in(ACME_ADMIN);
    let email = format!("{}@both.example", unique("shared"));
    assert_eq!(demo.post("/api/v1/users", &json!({ "last_name": "Both", "email": email })).status, 201);
    assert_eq!(acme.post("/api/v1/users", &json!({ "last_name": "Both", "email": email })).status, 201);
}
