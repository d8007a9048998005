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

fn new_group(admin: &Client) -> i64 {
    let made = admin.post("/api/v1/groups", &json!({ "name": unique("Matrice ") }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    made.body["id"].as_i64().unwrap()
}

fn new_user(admin: &Client) -> i64 {
    let email = format!("{}@demo.example", unique("matrix."));
    let made = admin.post("/api/v1/users", &json!({ "last_name": unique("Matrice "), "email": email }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    made.body["id"].as_i64().unwrap()
}

/// The ids of a group's members, from the matrix filtered on it.
fn members(admin: &Client, group: i64) -> Vec<i64> {
    let page = admin.get(&format!("/api/v1/groups/matrix?group={group}&limit=200")).body;
    let mut ids: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .inspect(|u| assert!(u["groups"].as_array().unwrap().contains(&json!(group)), "{u}"))
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

#[test]
fn memberships_change_together_or_not_at_all() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let (a, b) = (new_group(&admin), new_group(&admin));
    let (x, y) = (new_user(&admin), new_user(&admin));
    let pair = |user: i64, group: i64| json!({ "user": user, "group": group });
    let save = |body: serde_json::Value| admin.post("/api/v1/groups/memberships", &body);

    let saved = save(json!({ "add": [pair(x, a), pair(y, a), pair(x, b), pair(x, a)] }));
    assert_eq!(saved.status, 200, "{:?}", saved.body);
    assert_eq!((saved.body["added"].as_i64(), saved.body["removed"].as_i64()), (Some(3), Some(0)));
    assert_eq!(members(&admin, a), [x, y]);
    // The matrix lists the company's groups that are not archived, and each user's.
    let matrix = admin.get("/api/v1/groups/matrix?q=matrix.&limit=200").body;
    assert!(matrix["groups"].as_array().unwrap().iter().any(|g| g["id"] == a));
    let row = matrix["items"].as_array().unwrap().iter().find(|u| u["id"] == x).expect("x is listed").clone();
    let mut held: Vec<i64> = row["groups"].as_array().unwrap().iter().map(|g| g.as_i64().unwrap()).collect();
    held.sort_unstable();
    assert_eq!(held, [a.min(b), a.max(b)]);

    // One change both takes off and adds, in one go.
    let swapped = save(json!({ "add": [pair(y, b)], "remove": [pair(x, a), pair(y, a)] }));
    assert_eq!((swapped.body["added"].as_i64(), swapped.body["removed"].as_i64()), (Some(1), Some(2)));
    assert_eq!(members(&admin, a), Vec::<i64>::new());
    assert_eq!(members(&admin, b), [x.min(y), x.max(y)]);

    // A change naming another company's user, or an unknown group, changes nothing at all.
    let acme = Client::sign_in(crate::ACME_ADMIN);
    let foreign = acme.get("/api/v1/users?limit=1").body["items"][0]["id"].as_i64().unwrap();
    assert_eq!(save(json!({ "add": [pair(x, a), pair(foreign, a)] })).status, 404);
    assert_eq!(save(json!({ "add": [pair(x, a)], "remove": [pair(x, 9_007_199_254_740_991)] })).status, 404);
    assert_eq!(members(&admin, a), Vec::<i64>::new(), "nothing of a refused change is kept");
    let foreign_group =
        acme.post("/api/v1/groups", &json!({ "name": unique("Ailleurs ") })).body["id"].as_i64().unwrap();
    assert_eq!(save(json!({ "add": [pair(x, foreign_group)] })).status, 404);

    // Contradictions, empty changes and archived groups are refused with a reason.
    let both = save(json!({ "add": [pair(x, a)], "remove": [pair(x, a)] }));
    assert_eq!((both.status, both.body["fields"]["remove"]["code"].as_str()), (422, Some("added_and_removed")));
    assert_eq!(save(json!({})).body["fields"]["add"]["code"], "nothing_selected");
    let archived = admin.post("/api/v1/groups/archive", &json!({ "groups": [a, b, foreign_group], "archived": true }));
    assert_eq!((archived.status, archived.body["changed"].as_i64()), (200, Some(2)), "{:?}", archived.body);
    let refused = save(json!({ "add": [pair(x, a)] }));
    assert_eq!((refused.status, refused.body["fields"]["add"]["code"].as_str()), (422, Some("unknown_group_or_tag")));
    let columns = admin.get("/api/v1/groups/matrix?limit=1").body["groups"].clone();
    assert!(!columns.as_array().unwrap().iter().any(|g| g["id"] == a || g["id"] == b), "archived groups are no column");
    assert_eq!(acme.get(&format!("/api/v1/groups/{foreign_group}")).body["archived"], false, "never another company's");
    let back = admin.post("/api/v1/groups/archive", &json!({ "groups": [a, b], "archived": false }));
    assert_eq!(back.body["changed"], 2);
    let logged = admin.get("/api/v1/audit?action=group.memberships&limit=5").body;
    assert!(logged["items"].as_array().unwrap().iter().any(|e| e["detail"]["removed"] == 2));
}
