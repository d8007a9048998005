use roster_e2e::{Client, unique};
use serde_json::json;

use crate::DEMO_ADMIN;

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
    let created = admin.post("/api/v1/tokens", &json!({ "name": "nightly sync" }));
    assert_eq!(created.status, 201, "{:?}", created.body);
    let token = created.body["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("rst_"));
    let listed = admin.get("/api/v1/tokens");
    assert!(listed.body["items"].as_array().unwrap().iter().all(|t| t.get("token").is_none()));

    let robot = Client::with_token(&token);
    assert_eq!(robot.get("/api/v1/users?limit=1").status, 200);
    assert_eq!(robot.post("/api/v1/groups", &json!({ "name": unique("Robot ") })).status, 201);

    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(admin.send("DELETE", &format!("/api/v1/tokens/{id}"), None).status, 204);
    assert_eq!(robot.get("/api/v1/users?limit=1").status, 401);
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

#[test]
fn repeated_failed_sign_ins_pause_that_address() {
    let anon = Client::anonymous();
    let address = format!("{}@demo.example", unique("ghost"));
    for _ in 0..10 {
        let answer = anon.post("/api/v1/session", &json!({ "email": address, "password": "guess-guess-guess" }));
        assert_eq!(answer.status, 401);
    }
    let paused = anon.post("/api/v1/session", &json!({ "email": address, "password": "guess-guess-guess" }));
    assert_eq!(paused.status, 429);
    assert_eq!(paused.body["error"]["code"], "too_many_attempts");
    // Other addresses are not affected.
    assert_eq!(Client::sign_in(DEMO_ADMIN).get("/api/v1/session").status, 200);
}
