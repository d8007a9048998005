//! Retries never act twice, and parallel actions report only what they
//! changed: `Idempotency-Key` on requests that start work, and bulk counts
//! taken from the guarded writes themselves.

use roster_e2e::{Client, unique};
use serde_json::{Value, json};

use crate::DEMO_ADMIN;

fn new_user(admin: &Client) -> i64 {
    let email = format!("{}@demo.example", unique("retry."));
    let made = admin.post("/api/v1/users", &json!({ "last_name": unique("Reprise"), "email": email }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    made.body["id"].as_i64().unwrap()
}

fn keyed(client: &Client, key: &str) -> Client {
    client.with_headers(&[("idempotency-key", key)])
}

#[test]
fn a_retried_bulk_action_answers_again_without_acting_twice() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let users = [new_user(&admin), new_user(&admin)];
    let key = unique("key-");
    let body = json!({ "action": "activate", "users": users });
    let first = keyed(&admin, &key).post("/api/v1/users/bulk", &body);
    assert_eq!((first.status, first.replayed), (200, false), "{:?}", first.body);
    assert_eq!(first.body["result"]["applied"], 2);
    let again = keyed(&admin, &key).post("/api/v1/users/bulk", &body);
    assert_eq!((again.status, again.replayed), (200, true));
    assert_eq!(again.body, first.body, "the first answer, as it was");
    let jobs = admin.get("/api/v1/audit?action=bulk.activate&limit=50").body;
    let job = first.body["id"].as_str().unwrap();
    let logged = jobs["items"].as_array().unwrap().iter().filter(|e| e["subject"] == job).count();
    assert_eq!(logged, 1, "one action done, once audited");

    // The same key with another body is refused; a new key acts.
    let other = keyed(&admin, &key).post("/api/v1/users/bulk", &json!({ "action": "deactivate", "users": users }));
    assert_eq!((other.status, other.body["error"]["code"].as_str()), (422, Some("idempotency_key_reused")));
    let elsewhere = keyed(&admin, &key).post("/api/v1/exports", &json!({ "kind": "users", "format": "csv" }));
    assert_eq!(elsewhere.status, 422, "a key belongs to one request");
    let fresh =
        keyed(&admin, &unique("key-")).post("/api/v1/users/bulk", &json!({ "action": "deactivate", "users": users }));
    assert_eq!(fresh.body["result"]["applied"], 2);

    // A key must be something.
    let refused = keyed(&admin, "").post("/api/v1/users/bulk", &body);
    assert_eq!(refused.status, 400, "an empty key is no key");
}

#[test]
fn a_retried_upload_and_export_start_one_job_each() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let file = format!("last_name;email\r\n{};{}@demo.example\r\n", unique("Fichier"), unique("retry.file."));
    let key = unique("upload-");
    let first = keyed(&admin, &key).upload("/api/v1/imports/users", "people.csv", file.as_bytes());
    assert_eq!((first.status, first.replayed), (202, false), "{:?}", first.body);
    let again = keyed(&admin, &key).upload("/api/v1/imports/users", "people.csv", file.as_bytes());
    assert!(
        (again.status == 202 && again.replayed && again.body["id"] == first.body["id"])
            || (again.status == 409 && again.body["error"]["code"] == "idempotency_key_in_progress"),
        "{:?}",
        again.body
    );
    let changed = keyed(&admin, &key).upload("/api/v1/imports/users", "people.csv", b"last_name\r\nAutre\r\n");
    assert_eq!((changed.status, changed.body["error"]["code"].as_str()), (422, Some("idempotency_key_reused")));
    admin.wait_for_job(first.body["id"].as_str().unwrap());

    let key = unique("export-");
    let request = json!({ "kind": "users", "format": "csv" });
    let exported = keyed(&admin, &key).post("/api/v1/exports", &request);
    assert_eq!(exported.status, 202, "{:?}", exported.body);
    let retried = keyed(&admin, &key).post("/api/v1/exports", &request);
    assert_eq!((retried.status, retried.replayed, &retried.body["id"]), (202, true, &exported.body["id"]));
}

/// Asks `action` on `users`, retrying a lost answer with the same key.
fn bulk(admin: &Client, action: &str, users: &[i64]) -> Value {
    let key = unique("parallel-");
    let body = json!({ "action": action, "users": users });
    for _ in 0..30 {
        let answer = keyed(admin, &key).post("/api/v1/users/bulk", &body);
        match answer.status {
            200 => return answer.body,
            // The first is still running, or the answer was lost on the way: the same key again.
            409 | 503 => std::thread::sleep(std::time::Duration::from_millis(300)),
            _ => panic!("{action}: {:?}", answer.body),
        }
    }
    panic!("{action} never answered")
}

#[test]
fn parallel_activations_and_deactivations_report_only_what_changed() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let users: Vec<i64> = (0..3).map(|_| new_user(&admin)).collect();
    assert_eq!(bulk(&admin, "activate", &users)["result"]["applied"], 3);
    let answers: Vec<(String, Value)> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..8)
            .map(|i| {
                let (admin, users) = (&admin, &users);
                let action = if i % 2 == 0 { "deactivate" } else { "activate" };
                scope.spawn(move || (action.to_owned(), bulk(admin, action, users)))
            })
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });
    let applied = |action: &str| -> i64 {
        answers.iter().filter(|(a, _)| a == action).map(|(_, job)| job["result"]["applied"].as_i64().unwrap()).sum()
    };
    for (_, job) in &answers {
        let skipped: i64 = job["result"]["skipped"].as_object().unwrap().values().map(|n| n.as_i64().unwrap()).sum();
        assert_eq!(job["result"]["applied"].as_i64().unwrap() + skipped, 3, "{job}");
    }
    let inactive =
        users.iter().filter(|id| admin.get(&format!("/api/v1/users/{id}")).body["status"] == "inactive").count();
    // Each reported change happened: what is inactive now is exactly the
    // deactivations reported less the activations reported.
    assert_eq!(i64::try_from(inactive).unwrap(), applied("deactivate") - applied("activate"), "{answers:?}");
}

#[test]
fn a_number_stored_in_the_settings_reads_back_whole() {
    // Acme: more seats for a moment harm no other test.
    let admin = Client::sign_in(crate::ACME_ADMIN);
    let before = admin.get("/api/v1/company/settings").body["licence_capacity"].as_i64().unwrap();
    let raised = admin.demo("POST", "/api/v1/demo/licences", Some(&json!({ "capacity": 1_000_000 })));
    assert_eq!(raised.status, 200, "{:?}", raised.body);
    let read = admin.get("/api/v1/company/settings");
    admin.demo("POST", "/api/v1/demo/licences", Some(&json!({ "capacity": before })));
    assert_eq!((read.status, read.body["licence_capacity"].as_i64()), (200, Some(1_000_000)), "{:?}", read.body);
}

#[test]
fn parallel_sends_of_one_pasted_list_invite_each_person_once_and_say_so() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let (a, b) = (format!("{}@example.org", unique("paste.a.")), format!("{}@example.org", unique("paste.b.")));
    let text = json!({ "text": format!("{a}, {b}") });
    let answers: Vec<u16> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..3).map(|_| scope.spawn(|| admin.post("/api/v1/invitations", &text).status)).collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });
    // One send invites them; the others find them invited (200) or met the first mid-way (409).
    assert_eq!(answers.iter().filter(|&&s| s == 201).count(), 1, "{answers:?}");
    assert!(answers.iter().all(|s| [200, 201, 409].contains(s)), "{answers:?}");
    let pending = admin.get("/api/v1/invitations").body;
    for address in [&a, &b] {
        let listed = pending["items"].as_array().unwrap().iter().filter(|i| i["address"] == *address).count();
        assert_eq!(listed, 1, "{address} invited once");
    }
    let later = admin.post("/api/v1/invitations", &text);
    assert_eq!((later.status, later.body["counts"]["already_invited"].as_i64()), (200, Some(2)), "{:?}", later.body);
}
