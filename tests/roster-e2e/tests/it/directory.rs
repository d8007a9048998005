use std::collections::HashSet;

use roster_e2e::{Client, unique, unique_french_mobile};
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
    // A number of its own, so that the test runs again on the same data.
    let (mobile, e164) = unique_french_mobile();
    let created = admin.post(
        "/api/v1/users",
        &json!({
            "last_name": last_name, "first_name": "Élise", "email": email.to_uppercase(),
            "mobile": mobile, "user_type": "externe", "preferred_channel": "sms"
        }),
    );
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.body["status"], "created");
    assert_eq!(created.body["email"], email);
    assert_eq!(created.body["mobile"], e164);
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

/// Every user a query finds, page by page, checking that no one comes twice.
fn walk(admin: &Client, query: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/users?limit=200&{query}&cursor={c}"),
            None => format!("/api/v1/users?limit=200&{query}"),
        };
        let page = admin.get(&path);
        assert_eq!(page.status, 200, "{path}: {:?}", page.body);
        for user in items(&page.body) {
            assert!(seen.insert(user["id"].as_i64().unwrap()), "{query}: a user listed twice");
            all.push(user.clone());
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return all,
        }
    }
}

fn ids(users: &[Value]) -> HashSet<i64> {
    users.iter().map(|u| u["id"].as_i64().unwrap()).collect()
}

/// The ids of `users` among those that existed when `first` was walked:
/// users other tests create and activate meanwhile have larger ids.
fn ids_within(users: &[Value], first: &[Value]) -> HashSet<i64> {
    let last = first.iter().filter_map(|u| u["id"].as_i64()).max().unwrap_or(0);
    ids(users).into_iter().filter(|id| *id <= last).collect()
}

#[test]
fn each_filter_keeps_exactly_the_users_it_names() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let everyone = walk(&admin, "status=active");
    let expect = |query: &str, keep: &dyn Fn(&Value) -> bool| {
        let found = walk(&admin, &format!("status=active&{query}"));
        let wanted: Vec<Value> = everyone.iter().filter(|u| keep(u)).cloned().collect();
        assert_eq!(ids_within(&found, &everyone), ids(&wanted), "{query}");
        found.len()
    };
    assert!(expect("role=team_admin", &|u| u["role"] == "team_admin") > 0);
    assert!(expect("role=admin%20d%27%C3%A9quipe", &|u| u["role"] == "team_admin") > 0, "French labels read too");
    expect("user_type=collaborator", &|u| u["user_type"] == "collaborator");
    expect("licence_level=participant", &|u| u["licence_level"] == "participant");
    assert!(expect("last_access=never", &|u| u["last_access_at"].is_null()) > 0);
    // Demo is in Paris time: 2026-06-01 starts at 2026-05-31T22:00:00Z.
    let since = |u: &Value| u["last_access_at"].as_str().is_some_and(|at| at >= "2026-05-31T22:00:00Z");
    assert!(expect("accessed_since=2026-06-01", &since) > 0);
    assert!(expect("accessed_before=2026-06-01", &|u| !u["last_access_at"].is_null() && !since(u)) > 0);

    // Filters narrow each other: never signed in and signed in since a day is no one.
    assert!(walk(&admin, "last_access=never&accessed_since=2026-01-01").is_empty());

    // A tag: the users carrying it, and no one else.
    let tag = admin.post("/api/v1/tags", &json!({ "name": unique("Filtre") }));
    let tag = tag.body["id"].as_i64().unwrap();
    let tagged: Vec<i64> = everyone.iter().step_by(97).map(|u| u["id"].as_i64().unwrap()).collect();
    for user in &tagged {
        assert_eq!(admin.send("PUT", &format!("/api/v1/users/{user}/tags/{tag}"), None).status, 200);
    }
    assert_eq!(ids(&walk(&admin, &format!("tag={tag}"))), tagged.iter().copied().collect());

    for bad in ["role=pilot", "user_type=", "tag=0", "sort=age", "accessed_since=01/06/2026", "last_access=sometimes"] {
        assert_eq!(admin.get(&format!("/api/v1/users?{bad}")).status, 400, "{bad}");
    }
}

#[test]
fn every_sort_walks_the_same_users_in_its_order() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let by_name = walk(&admin, "status=active");
    let newest = walk(&admin, "status=active&sort=created");
    let recent = walk(&admin, "status=active&sort=last_access");
    assert_eq!(ids_within(&newest, &by_name), ids(&by_name));
    assert_eq!(ids_within(&recent, &by_name), ids(&by_name));
    let id = |u: &Value| u["id"].as_i64().unwrap();
    // Newest first by the creation date shown, not by the order rows were written in.
    let created = |u: &Value| (u["created_at"].as_str().unwrap().to_owned(), id(u));
    assert!(newest.windows(2).all(|w| created(&w[0]) > created(&w[1])), "newest first");
    // A cursor of one order means nothing in another: refused.
    let page = admin.get("/api/v1/users?status=active&limit=2").body;
    let cursor = page["next_cursor"].as_str().unwrap();
    let mixed = admin.get(&format!("/api/v1/users?status=active&limit=2&sort=created&cursor={cursor}"));
    assert_eq!(mixed.status, 400, "{:?}", mixed.body);
    // Most recent first; those who never signed in last, newest first among equals.
    let key = |u: &Value| (u["last_access_at"].as_str().map(str::to_owned), id(u));
    assert!(recent.windows(2).all(|w| key(&w[0]) > key(&w[1])), "most recent access first, never last");
    assert!(recent.last().unwrap()["last_access_at"].is_null());
}

#[test]
fn search_finds_any_part_of_a_name_address_or_number_and_follows_changes() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let last = unique("Quetzalcoatl");
    let made = admin.post(
        "/api/v1/users",
        &json!({ "last_name": last, "first_name": "Ève", "email": format!("{}@plumes.example", last.to_lowercase()) }),
    );
    assert_eq!(made.status, 201, "{:?}", made.body);
    let id = made.body["id"].as_i64().unwrap();
    let finds = |q: &str| items(&admin.get(&format!("/api/v1/users?q={q}")).body).iter().any(|u| u["id"] == id);
    // The middle of a word, a short word with a long one, accents folded, in any order.
    for q in ["etzalcoa", "ev%20quetzal", "EVE", "plumes.exa", "%C3%A8ve%20%40plumes"] {
        assert!(finds(q), "{q}");
    }
    assert!(!finds("quetzal%20zz"), "every word must match");
    // Words the index would read as operators are plain text.
    for q in ["%22quetzal", "quetzal*", "NEAR(quetzal)", "quetzal%20OR%20zzz", "-quetzal", "%5Equetzal"] {
        let answer = admin.get(&format!("/api/v1/users?q={q}"));
        assert_eq!(answer.status, 200, "{q}: {:?}", answer.body);
        assert!(!items(&answer.body).iter().any(|u| u["id"] == id), "{q} matched as an operator");
    }
    // Deleted: their name no longer finds them, even among the deleted.
    let deleted = admin.post("/api/v1/users/bulk", &json!({ "action": "delete", "users": [id], "confirm": 1 }));
    assert_eq!(deleted.status, 200, "{:?}", deleted.body);
    assert!(!finds("etzalcoa"));
    let among_deleted = admin.get("/api/v1/users?status=deleted&q=etzalcoa");
    assert!(items(&among_deleted.body).is_empty());
}
