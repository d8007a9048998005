//! Tags (F2): created, renamed and deleted by an administrator, put on
//! users and taken off, never across companies.

use roster_e2e::{Client, unique};
use serde_json::{Value, json};

use crate::{ACME_ADMIN, DEMO_ADMIN};

fn new_tag(admin: &Client, name: &str) -> i64 {
    let made = admin.post("/api/v1/tags", &json!({ "name": name }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    assert_eq!(made.body["users"], 0);
    made.body["id"].as_i64().unwrap()
}

/// A new user of the admin's company, at an address of its `domain`.
fn new_user(admin: &Client, domain: &str) -> i64 {
    let email = format!("{}@{domain}", unique("lea.tagged."));
    let made =
        admin.post("/api/v1/users", &json!({ "last_name": unique("Tagué "), "first_name": "Léa", "email": email }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    made.body["id"].as_i64().unwrap()
}

fn names(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect()
}

fn listed(admin: &Client, id: i64) -> Option<Value> {
    admin.get("/api/v1/tags").body["items"].as_array().unwrap().iter().find(|t| t["id"] == id).cloned()
}

#[test]
fn a_tag_is_put_on_users_taken_off_renamed_and_deleted() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let name = unique("Mentor ");
    let tag = new_tag(&admin, &name);
    let user = new_user(&admin, "demo.example");
    let on = format!("/api/v1/users/{user}/tags/{tag}");

    let put = admin.send("PUT", &on, None);
    assert_eq!(put.status, 200, "{:?}", put.body);
    assert_eq!(names(&put.body["items"]), [name.as_str()]);
    // Twice changes nothing.
    assert_eq!(names(&admin.send("PUT", &on, None).body["items"]), [name.as_str()]);
    assert_eq!(listed(&admin, tag).unwrap()["users"], 1);
    assert_eq!(names(&admin.get(&format!("/api/v1/users/{user}")).body["tags"]), [name.as_str()]);

    let renamed = admin.send("PATCH", &format!("/api/v1/tags/{tag}"), Some(&json!({ "name": format!("{name} bis") })));
    assert_eq!(renamed.status, 200, "{:?}", renamed.body);
    assert_eq!(renamed.body["users"], 1);
    assert_eq!(names(&admin.get(&format!("/api/v1/users/{user}")).body["tags"]), [format!("{name} bis")]);

    let off = admin.send("DELETE", &on, None);
    assert_eq!(off.status, 200);
    assert!(off.body["items"].as_array().unwrap().is_empty());
    assert_eq!(admin.send("DELETE", &on, None).status, 200, "taking it off twice changes nothing");

    // Deleting a tag takes it off everyone who carries it.
    assert_eq!(admin.send("PUT", &on, None).status, 200);
    assert_eq!(admin.send("DELETE", &format!("/api/v1/tags/{tag}"), None).status, 204);
    assert!(listed(&admin, tag).is_none());
    assert!(admin.get(&format!("/api/v1/users/{user}")).body["tags"].as_array().unwrap().is_empty());
    assert_eq!(admin.send("DELETE", &format!("/api/v1/tags/{tag}"), None).status, 404);
    assert_eq!(admin.send("PUT", &on, None).status, 404);

    let renamed_name = format!("{name} bis");
    for (action, subject) in [
        ("tag.create", name.as_str()),
        ("tag.rename", &tag.to_string()),
        ("user.tag", &user.to_string()),
        ("user.untag", &user.to_string()),
        ("tag.delete", &renamed_name),
    ] {
        let logged = admin.get(&format!("/api/v1/audit?action={action}&limit=500"));
        let items = logged.body["items"].as_array().unwrap();
        assert!(items.iter().any(|e| e["subject"] == subject), "{action} of {subject} in {items:?}");
    }
}

#[test]
fn tag_names_are_unique_whatever_their_case_and_accents() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let name = unique("Référent ");
    let tag = new_tag(&admin, &name);
    let clash = admin.post("/api/v1/tags", &json!({ "name": name.to_uppercase().replace('É', "E") }));
    assert_eq!(clash.status, 422);
    assert_eq!(clash.body["fields"]["name"]["code"], "tag_name_taken");
    let other = new_tag(&admin, &unique("Autre "));
    let onto = admin.send("PATCH", &format!("/api/v1/tags/{other}"), Some(&json!({ "name": name })));
    assert_eq!(onto.body["fields"]["name"]["code"], "tag_name_taken");
    // Its own name in another case is not a clash.
    let own = admin.send("PATCH", &format!("/api/v1/tags/{tag}"), Some(&json!({ "name": name.to_lowercase() })));
    assert_eq!(own.status, 200, "{:?}", own.body);
    for bad in ["", "   ", "Paris, Lyon"] {
        let refused = admin.post("/api/v1/tags", &json!({ "name": bad }));
        assert_eq!(refused.status, 422, "{bad:?}: {:?}", refused.body);
        assert!(refused.body["fields"]["name"]["message"].is_string());
    }
}

#[test]
fn tags_and_users_of_another_company_answer_404() {
    let demo = Client::sign_in(DEMO_ADMIN);
    let acme = Client::sign_in(ACME_ADMIN);
    let demo_tag = new_tag(&demo, &unique("Demo only "));
    let demo_user = new_user(&demo, "demo.example");
    let acme_tag = new_tag(&acme, &unique("Acme only "));
    let acme_user = new_user(&acme, "acme.example");
    assert!(listed(&acme, demo_tag).is_none());
    assert_eq!(acme.send("PATCH", &format!("/api/v1/tags/{demo_tag}"), Some(&json!({ "name": "x" }))).status, 404);
    assert_eq!(acme.send("DELETE", &format!("/api/v1/tags/{demo_tag}"), None).status, 404);
    // Neither a foreign tag on one's user, nor one's tag on a foreign user.
    assert_eq!(acme.send("PUT", &format!("/api/v1/users/{acme_user}/tags/{demo_tag}"), None).status, 404);
    assert_eq!(acme.send("PUT", &format!("/api/v1/users/{demo_user}/tags/{acme_tag}"), None).status, 404);
    assert_eq!(listed(&demo, demo_tag).unwrap()["users"], 0);
}
