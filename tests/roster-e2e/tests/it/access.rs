use roster_e2e::{Client, unique};
use serde_json::json;

use crate::{ACME_ADMIN, DEMO_ADMIN};

#[test]
fn anonymous_callers_get_401_everywhere() {
    let anon = Client::anonymous();
    for path in ["/api/v1/users", "/api/v1/users/1", "/api/v1/groups", "/api/v1/session", "/api/v1/tokens"] {
        assert_eq!(anon.get(path).status, 401, "{path}");
    }
    assert_eq!(anon.post("/api/v1/users", &json!({"last_name": "X", "email": "x@y.fr"})).status, 401);
    assert_eq!(anon.post("/api/v1/groups", &json!({"name": "X"})).status, 401);
}

#[test]
fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let anon = Client::anonymous();
    let wrong = anon.post("/api/v1/session", &json!({"email": DEMO_ADMIN, "password": "not-the-password"}));
    let unknown = anon.post("/api/v1/session", &json!({"email": "nobody@demo.example", "password": "whatever-1234"}));
    assert_eq!((wrong.status, unknown.status), (401, 401));
    assert_eq!(wrong.body, unknown.body);
    assert!(wrong.set_cookie.is_none());
}

#[test]
fn the_session_cookie_is_http_only_and_same_site() {
    let answer = Client::anonymous()
        .post("/api/v1/session", &json!({"email": DEMO_ADMIN, "password": roster_e2e::demo_password()}));
    assert_eq!(answer.status, 201);
    let cookie = answer.set_cookie.unwrap();
    assert!(cookie.starts_with("roster_session=rss_"), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert_eq!(answer.body["company"]["name"], "Demo");
    assert_eq!(answer.body["role"], "company_admin");
}

#[test]
fn signing_out_ends_the_session() {
    let admin = Client::sign_in(DEMO_ADMIN);
    assert_eq!(admin.get("/api/v1/session").status, 200);
    let out = admin.send("DELETE", "/api/v1/session", None);
    assert_eq!(out.status, 204);
    assert!(out.set_cookie.unwrap().contains("Max-Age=0"));
    assert_eq!(admin.get("/api/v1/users").status, 401);
}

#[test]
fn a_forged_session_cookie_is_refused() {
    let forged = Client::with_cookie(&format!("roster_session=rss_{}", "0".repeat(64)));
    assert_eq!(forged.get("/api/v1/users").status, 401);
}

#[test]
fn cookie_requests_from_another_site_cannot_change_anything() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let name = unique("Cross-site ");
    let evil = admin.from_origin("https://evil.example");
    let refused = evil.post("/api/v1/groups", &json!({ "name": name }));
    assert_eq!(refused.status, 403);
    assert_eq!(refused.body["error"]["code"], "cross_site");
    // Reading is harmless and allowed; the same request from the console's own origin works.
    assert_eq!(evil.get("/api/v1/groups").status, 200);
    let own = admin.from_origin(&roster_e2e::base_url());
    assert_eq!(own.post("/api/v1/groups", &json!({ "name": name })).status, 201);
}

#[test]
fn api_tokens_work_until_revoked() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let created = admin.post("/api/v1/tokens", &json!({ "name": "nightly sync", "scope": "write" }));
    assert_eq!(created.status, 201, "{:?}", created.body);
    let token = created.body["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("rst_"));
    assert_eq!(created.body["scope"], "write");
    let listed = admin.get("/api/v1/tokens");
    assert!(listed.body["items"].as_array().unwrap().iter().all(|t| t.get("token").is_none()));
    assert!(listed.body["items"].as_array().unwrap().iter().all(|t| t["expires_at"].is_string()));

    let robot = Client::with_token(&token);
    assert_eq!(robot.get("/api/v1/users?limit=1").status, 200);
    assert_eq!(robot.post("/api/v1/groups", &json!({ "name": unique("Robot ") })).status, 201);
    // A token never mints or revokes tokens, whatever its scope: that takes a session.
    assert_eq!(robot.post("/api/v1/tokens", &json!({ "name": "child", "scope": "write" })).status, 403);
    assert_eq!(robot.get("/api/v1/tokens").status, 403);

    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(admin.send("DELETE", &format!("/api/v1/tokens/{id}"), None).status, 204);
    assert_eq!(robot.get("/api/v1/users?limit=1").status, 401);
}

#[test]
fn a_read_token_reads_and_changes_nothing() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let created = admin.post("/api/v1/tokens", &json!({ "name": "report", "expires_in_days": 1 }));
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.body["scope"], "read", "read is the default");
    let reader = Client::with_token(created.body["token"].as_str().unwrap());
    assert_eq!(reader.get("/api/v1/groups").status, 200);
    let refused = reader.post("/api/v1/groups", &json!({ "name": unique("Reader ") }));
    assert_eq!(refused.status, 403);
    assert_eq!(refused.body["error"]["code"], "forbidden");
}

#[test]
fn tokens_end_within_a_year() {
    let admin = Client::sign_in(DEMO_ADMIN);
    for days in [0, -1, 366] {
        let answer = admin.post("/api/v1/tokens", &json!({ "name": "too long", "expires_in_days": days }));
        assert_eq!(answer.status, 422, "{days}: {:?}", answer.body);
        assert_eq!(answer.body["fields"]["expires_in_days"]["code"], "out_of_range");
    }
    let yearly = admin.post("/api/v1/tokens", &json!({ "name": "yearly", "expires_in_days": 365 }));
    assert_eq!(yearly.status, 201);
}

#[test]
fn a_malformed_body_is_a_400_not_a_500() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let answer = admin.send_raw("POST", "/api/v1/users", "{not json");
    assert_eq!(answer.status, 400);
    assert_eq!(answer.body["error"]["code"], "bad_request");
}

#[test]
fn the_api_description_is_served() {
    let answer = Client::anonymous().get("/api/v1/openapi.yaml");
    assert_eq!(answer.status, 200);
    assert!(answer.body.as_str().unwrap().contains("/api/v1/users"));
}

fn guess(client: &Client, email: &str) -> u16 {
    client.post("/api/v1/session", &json!({ "email": email, "password": "guess-guess-guess" })).status
}

#[test]
fn repeated_failed_sign_ins_pause_that_address_for_that_account() {
    let attacker = Client::anonymous().from_address("203.0.113.10");
    let address = format!("{}@demo.example", unique("ghost"));
    for _ in 0..10 {
        assert_eq!(guess(&attacker, &address), 401);
    }
    let paused = attacker.post("/api/v1/session", &json!({ "email": address, "password": "guess-guess-guess" }));
    assert_eq!(paused.status, 429);
    assert_eq!(paused.body["error"]["code"], "too_many_attempts");
    // Other accounts from the same address, and the same account from elsewhere, are not affected.
    assert_eq!(guess(&attacker, &format!("{}@demo.example", unique("other"))), 401);
    assert_eq!(guess(&Client::anonymous().from_address("203.0.113.11"), &address), 401);
}

#[test]
fn parallel_guesses_are_counted_before_any_is_checked() {
    let address = format!("{}@demo.example", unique("racer"));
    let attacker = Client::anonymous().from_address("203.0.113.20");
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let guesses: Vec<_> = (0..40).map(|_| scope.spawn(|| guess(&attacker, &address))).collect();
        guesses.into_iter().map(|g| g.join().unwrap()).collect()
    });
    let tried = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(tried + refused, 40, "{statuses:?}");
    assert!(tried <= 10, "{tried} guesses were checked: {statuses:?}");
}

#[test]
fn a_stranger_cannot_lock_an_administrator_out() {
    // The administrator signs in from their browser, which the account then trusts.
    let first = Client::anonymous()
        .from_address("198.51.100.5")
        .post("/api/v1/session", &json!({ "email": ACME_ADMIN, "password": roster_e2e::demo_password() }));
    assert_eq!(first.status, 201);
    let device = first.set_cookies.iter().find(|c| c.starts_with("roster_device=")).expect("a device cookie");
    let device = device.split(';').next().unwrap().to_owned();
    assert!(device.len() > "roster_device=".len() + 60);

    // A stranger guesses until refused.
    let attacker = Client::anonymous().from_address("203.0.113.30");
    let statuses: Vec<u16> = (0..12).map(|_| guess(&attacker, ACME_ADMIN)).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 2, "{statuses:?}");

    // The administrator still gets in: from their own address, and from
    // the attacker's address with their trusted browser.
    let login = json!({ "email": ACME_ADMIN, "password": roster_e2e::demo_password() });
    assert_eq!(Client::anonymous().from_address("198.51.100.5").post("/api/v1/session", &login).status, 201);
    let trusted = Client::anonymous().from_address("203.0.113.30").with_device(&device);
    assert_eq!(trusted.post("/api/v1/session", &login).status, 201);
    // Without the trusted browser, that address stays paused for that account.
    assert_eq!(Client::anonymous().from_address("203.0.113.30").post("/api/v1/session", &login).status, 429);
}

#[test]
fn an_address_administering_two_companies_signs_in_to_the_first_and_may_choose() {
    let login = |company: Option<i64>| {
        let mut body = json!({ "email": DEMO_ADMIN, "password": roster_e2e::demo_password() });
        if let Some(id) = company {
            body["company_id"] = json!(id);
        }
        Client::anonymous().post("/api/v1/session", &body)
    };
    let first = login(None);
    assert_eq!(first.status, 201);
    assert_eq!(first.body["company"]["name"], "Demo", "the first by name");
    let names: Vec<&str> =
        first.body["companies"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Demo", "Globex"]);
    let globex = first.body["companies"][1]["id"].as_i64().unwrap();
    let chosen = login(Some(globex));
    assert_eq!(chosen.status, 201);
    assert_eq!(chosen.body["company"]["name"], "Globex");
    // A company the address does not administer is refused like a wrong password.
    let acme = Client::sign_in(ACME_ADMIN).get("/api/v1/session").body["company"]["id"].as_i64().unwrap();
    assert_eq!(login(Some(acme)).status, 401);
}
