//! What fuzzers, races and hostile clients found, kept fixed: each class of
//! input answers a clear 4xx, never a 500.

use roster_e2e::{Client, unique};
use serde_json::json;

use crate::{ACME_ADMIN, DEMO_ADMIN};

#[test]
fn a_dashboard_with_hundreds_of_jobs_answers() {
    let admin = Client::sign_in(ACME_ADMIN);
    let filled = admin.demo("POST", "/api/v1/demo/jobs/fill", Some(&json!({ "jobs": 260 })));
    assert_eq!(filled.status, 201, "{:?}", filled.body);
    let listed = admin.get("/api/v1/jobs");
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    let items = listed.body["items"].as_array().unwrap();
    assert!(items.len() >= 260, "{}", items.len());
    assert!(
        items.iter().filter(|j| j["id"].as_str().unwrap().starts_with("filled-")).all(|j| j["files"]
            .as_array()
            .unwrap()
            .len()
            == 1)
    );
}

#[test]
fn long_and_odd_search_words_are_literal() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let email = format!("{}.with.a.very.long.local.part.for.searching@subdomain.demo.example", unique("long"));
    assert_eq!(admin.post("/api/v1/users", &json!({ "last_name": "Long", "email": email })).status, 201);
    let found = admin.get(&format!("/api/v1/users?q={email}"));
    assert_eq!(found.status, 200, "{:?}", found.body);
    assert_eq!(found.body["items"].as_array().unwrap().len(), 1);
    let emoji = "😀".repeat(40);
    // Pattern characters match only themselves: whoever is found holds them.
    for (q, literal) in
        [(emoji.as_str(), emoji.as_str()), ("%25", "%"), ("_", "_"), ("%5C", "\\"), ("100%25_off", "100%_off")]
    {
        let answer = admin.get(&format!("/api/v1/users?q={q}"));
        assert_eq!(answer.status, 200, "{q}: {:?}", answer.body);
        for user in answer.body["items"].as_array().unwrap() {
            let text = ["last_name", "first_name", "email", "mobile", "employee_id"]
                .map(|f| user[f].as_str().unwrap_or_default().to_lowercase())
                .join(" ");
            assert!(text.contains(literal), "{q} matched {user}");
        }
    }
    for q in ["%00", "a%00b", "%0A"] {
        let answer = admin.get(&format!("/api/v1/users?q={q}"));
        assert_eq!(answer.status, 400, "{q}: {:?}", answer.body);
    }
}

#[test]
fn undescribed_queries_are_refused() {
    let admin = Client::sign_in(DEMO_ADMIN);
    for path in [
        "/api/v1/users?limit=-1",
        "/api/v1/users?limit=0",
        "/api/v1/users?limit=201",
        "/api/v1/users?status=",
        "/api/v1/users?group=",
        "/api/v1/users?group=-2",
        "/api/v1/users?cursor=",
        "/api/v1/users/export?limit=1001",
        "/api/v1/audit?limit=-1",
        "/api/v1/audit?limit=501",
        "/api/v1/audit?action=",
    ] {
        let answer = admin.get(path);
        assert_eq!(answer.status, 400, "{path}: {:?}", answer.body);
    }
}

#[test]
fn bodies_must_be_the_object_described() {
    let admin = Client::sign_in(DEMO_ADMIN);
    for (path, body) in [
        ("/api/v1/groups", r#"["name"]"#),
        ("/api/v1/groups", r#""Sales""#),
        ("/api/v1/groups", r#"{"name": "x", "extra": 1}"#),
        ("/api/v1/users", r#"[{"last_name": "A", "email": "a@b.example"}]"#),
        ("/api/v1/users", r#"{"last_name": "A", "emial": "a@b.example"}"#),
        ("/api/v1/session", r#"["admin@demo.example", "x"]"#),
        ("/api/v1/exports", r#"{"kind": "users", "format": "csv", "language": "xx"}"#),
        ("/api/v1/groups", ""),
    ] {
        let answer = admin.send_raw("POST", path, body);
        assert_eq!(answer.status, 400, "{path} {body}: {:?}", answer.body);
    }
}

#[test]
fn a_known_address_with_another_method_answers_405() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let answer = admin.send("PUT", "/api/v1/users", None);
    assert_eq!(answer.status, 405);
    assert_eq!(answer.body["error"]["code"], "method_not_allowed");
    assert_eq!(admin.send("DELETE", "/api/v1/jobs", None).status, 405);
}

#[test]
fn parallel_renames_to_one_name_give_one_success_and_the_same_refusal() {
    let admin = Client::sign_in(ACME_ADMIN);
    let ids: Vec<i64> = (0..8)
        .map(|_| admin.post("/api/v1/groups", &json!({ "name": unique("Race ") })).body["id"].as_i64().unwrap())
        .collect();
    let target = unique("Same name ");
    let statuses: Vec<(u16, String)> = std::thread::scope(|scope| {
        let renames: Vec<_> = ids
            .iter()
            .map(|id| {
                let (admin, target) = (&admin, &target);
                scope.spawn(move || {
                    let answer = admin.send("PATCH", &format!("/api/v1/groups/{id}"), Some(&json!({ "name": target })));
                    (answer.status, answer.body["fields"]["name"]["code"].as_str().unwrap_or_default().to_owned())
                })
            })
            .collect();
        renames.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(statuses.iter().filter(|(s, _)| *s == 200).count(), 1, "{statuses:?}");
    assert!(
        statuses.iter().filter(|(s, _)| *s != 200).all(|(s, code)| *s == 422 && code == "group_name_taken"),
        "{statuses:?}"
    );
}

#[test]
fn a_chunked_body_past_the_limit_is_refused_without_being_held() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let json_body = std::io::Read::take(std::io::repeat(b' '), 300 * 1024);
    match admin.post_stream("/api/v1/groups", &[("content-type", "application/json")], json_body) {
        Ok(answer) => assert_eq!(answer.status, 413, "{:?}", answer.body),
        Err(e) => assert!(!e.is_empty()),
    }
    let before = admin.get("/api/v1/jobs").body["items"].as_array().unwrap().len();
    let upload = std::io::Read::take(std::io::repeat(b'a'), 60 * 1024 * 1024);
    match admin.post_stream("/api/v1/imports/users", &[("x-file-name", "huge.csv")], upload) {
        Ok(answer) => assert_eq!(answer.status, 413, "{:?}", answer.body),
        Err(e) => assert!(!e.is_empty()),
    }
    // Nothing was recorded, and the server still answers.
    assert_eq!(admin.get("/api/v1/jobs").body["items"].as_array().unwrap().len(), before);
}

#[test]
fn file_names_lose_what_cannot_be_seen() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let csv = b"Nom;Adresse mail;Type\nZ;z.name@demo.example;collaborateur\n";
    let nul = admin.upload_users("%00", csv);
    assert_eq!(nul.status, 202, "{:?}", nul.body);
    assert_eq!(nul.body["files"][0]["name"], "users");
    assert!(nul.body["files"][0]["url"].as_str().unwrap().ends_with("/files/users"));
    let bidi = admin.upload_users("cv%E2%80%AEvsc.exe", csv);
    assert_eq!(bidi.body["files"][0]["name"], "cvvsc.exe");
    let url = bidi.body["files"][0]["url"].as_str().unwrap().to_owned();
    let headers = admin.headers(&url);
    let disposition = &headers.iter().find(|(k, _)| k == "content-disposition").unwrap().1;
    assert_eq!(disposition, "attachment; filename=\"cvvsc.exe\"; filename*=UTF-8''cvvsc.exe");
}

#[test]
fn answers_carry_a_content_security_policy() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let api = admin.headers("/api/v1/session");
    let csp = &api.iter().find(|(k, _)| k == "content-security-policy").expect("a CSP on the API").1;
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let console = Client::anonymous().headers("/");
    let csp = &console.iter().find(|(k, _)| k == "content-security-policy").expect("a CSP on the console").1;
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"), "{csp}");
    assert!(console.iter().any(|(k, v)| k == "x-content-type-options" && v == "nosniff"));
}

#[test]
fn an_import_and_an_export_id_are_not_interchangeable() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let export = admin.post("/api/v1/exports", &json!({ "kind": "users", "format": "csv" }));
    let id = export.body["id"].as_str().unwrap();
    assert_eq!(admin.get(&format!("/api/v1/imports/{id}")).status, 404);
    assert_eq!(admin.get(&format!("/api/v1/exports/{id}")).status, 200);
}

#[test]
fn an_empty_file_is_a_job_that_says_so() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let queued = admin.upload_users("vide.csv", b"");
    assert_eq!(queued.status, 202, "{:?}", queued.body);
    let job = admin.wait_for_job(queued.body["id"].as_str().unwrap());
    assert_eq!(job["status"], "failed");
    assert_eq!(job["result"]["error"]["code"], "empty");
    // A request with no body at all is no file.
    assert_eq!(admin.send("POST", "/api/v1/imports/users", None).status, 400);
}
