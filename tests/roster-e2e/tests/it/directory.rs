use std::collections::HashSet;

use roster_e2e::{Client, unique};
use serde_json::{Value, json};

use crate::DEMO_ADMIN;

fn items(answer: &Value) -> &Vec<Value> {
    answer["items"].as_array().expect("a list of items")
}

#[test]
fn a_user_created_with_the_form_is_created_and_found_in_the_list() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let last_name = unique("Zébulon");
    let email = format!("{}@demo.example", last_name.to_lowercase());
    let created = admin.post(
        "/api/v1/users",
        &json!({
            "last_name": last_name, "first_name": "Élise", "email": email.to_uppercase(),
            "mobile": "06 12 34 56 78", "user_type": "externe", "preferred_channel": "sms"
        }),
    );
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.body["status"], "created");
    assert_eq!(created.body["email"], email);
    assert_eq!(created.body["mobile"], "+33612345678");
    assert_eq!(created.body["user_type"], "external");
    assert_eq!(created.body["role"], "member");
    assert_eq!(created.body["language"], "fr", "the admin's language is the default");

    // Search ignores case and accents and matches words in any order.
    let search = admin.get(&format!("/api/v1/users?q=elise%20{}", last_name.to_uppercase()));
    let found = items(&search.body);
    assert_eq!(found.len(), 1, "{:?}", search.body);
    assert_eq!(found[0]["id"], created.body["id"]);

    let id = created.body["id"].as_i64().unwrap();
    let shown = admin.get(&format!("/api/v1/users/{id}"));
    assert_eq!(shown.status, 200);
    assert_eq!(shown.body["groups"], json!([]));
}

#[test]
fn bad_values_are_reported_on_their_fields() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let answer = admin.post(
        "/api/v1/users",
        &json!({ "email": "not an email", "mobile": "12", "user_type": "astronaut", "language": "klingon" }),
    );
    assert_eq!(answer.status, 422);
    let fields = &answer.body["fields"];
    assert_eq!(fields["last_name"]["code"], "required");
    assert_eq!(fields["email"]["code"], "invalid_email");
    assert_eq!(fields["mobile"]["code"], "invalid_mobile");
    assert_eq!(fields["user_type"]["code"], "unknown_value");
    assert_eq!(fields["language"]["code"], "unknown_value");
    assert!(fields["email"]["message"].as_str().unwrap().contains("adresse"), "French admin, French message");
}

#[test]
fn an_address_already_in_the_company_is_refused() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let answer = admin.post("/api/v1/users", &json!({ "last_name": "Twin", "email": "Admin@Demo.Example" }));
    assert_eq!(answer.status, 422);
    assert_eq!(answer.body["fields"]["email"]["code"], "email_taken");
}

#[test]
fn keyset_pages_walk_the_directory_without_gaps_or_repeats() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/users?limit=200&status=active&cursor={c}"),
            None => "/api/v1/users?limit=200&status=active".into(),
        };
        let page = admin.get(&path);
        assert_eq!(page.status, 200);
        for user in items(&page.body) {
            assert_eq!(user["status"], "active");
            assert!(seen.insert(user["id"].as_i64().unwrap()), "user listed twice");
        }
        pages += 1;
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert!(pages >= 3, "about 600 active demo users take several pages of 200");
    assert!(seen.len() > 400, "{}", seen.len());
}

#[test]
fn the_directory_is_sorted_by_last_then_first_name() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let page = admin.get("/api/v1/users?limit=200&q=martin");
    let names: Vec<String> = items(&page.body)
        .iter()
        .filter(|u| u["last_name"] == "Martin")
        .map(|u| u["first_name"].as_str().unwrap_or_default().to_lowercase())
        .collect();
    assert!(names.len() > 3, "{names:?}");
    let plain = |s: &str| s.replace(['é', 'è'], "e").replace('ï', "i").replace('ë', "e");
    assert!(names.windows(2).all(|w| plain(&w[0]) <= plain(&w[1])), "{names:?}");
}

#[test]
fn deleted_users_are_hidden_unless_asked_for() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let everyone = admin.get("/api/v1/users?limit=200");
    assert!(items(&everyone.body).iter().all(|u| u["status"] != "deleted"));
    let deleted = admin.get("/api/v1/users?limit=5&status=deleted");
    assert!(!items(&deleted.body).is_empty());
    assert!(items(&deleted.body).iter().all(|u| u["status"] == "deleted"));
}

#[test]
fn forged_cursors_and_unknown_statuses_are_400() {
    let admin = Client::sign_in(DEMO_ADMIN);
    assert_eq!(admin.get("/api/v1/users?cursor=forged").status, 400);
    assert_eq!(admin.get("/api/v1/users?status=zombie").status, 400);
}
