//! Public activity links (I1–I7): configured by an administrator, answered
//! by anyone, recorded against a user, a contact or a guest.

use roster_e2e::{Client, unique, unique_french_mobile};
use serde_json::{Value, json};

use crate::{ACME_ADMIN, DEMO_ADMIN};

/// A new activity of the admin's company.
fn activity(admin: &Client, kind: &str) -> i64 {
    let made =
        admin.post("/api/v1/activities", &json!({ "type": kind, "title": unique("Public"), "base": "Public tests" }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    made.body["id"].as_i64().unwrap()
}

/// Makes `activity` public with `settings`; gives the link's token.
fn make_public(admin: &Client, activity: i64, settings: &Value) -> String {
    let link = admin.send("PUT", &format!("/api/v1/activities/{activity}/public-link"), Some(settings));
    assert!(matches!(link.status, 200 | 201), "{:?}", link.body);
    token_of(&link.body)
}

fn token_of(link: &Value) -> String {
    link["url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned()
}

/// An anonymous visitor from an address of its own, so that tests running
/// side by side do not share a rate limit.
fn visitor() -> Client {
    let n = unique("").bytes().fold(0u32, |acc, b| acc.wrapping_mul(31).wrapping_add(u32::from(b)));
    Client::anonymous().from_address(&format!("10.{}.{}.{}", n % 250, (n / 250) % 250, (n / 62_500) % 250))
}

fn answer(visitor: &Client, token: &str, answers: &Value) -> roster_e2e::Answer {
    visitor.post(&format!("/api/v1/public/links/{token}/attempts"), answers)
}

fn attempts(admin: &Client, activity: i64) -> Vec<Value> {
    let list = admin.get(&format!("/api/v1/activities/{activity}/public-attempts"));
    assert_eq!(list.status, 200, "{:?}", list.body);
    list.body["items"].as_array().unwrap().clone()
}

fn new_user(admin: &Client, extra: &Value) -> i64 {
    let mut body = json!({ "last_name": unique("Zoé"), "first_name": "Zoé" });
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let made = admin.post("/api/v1/users", &body);
    assert_eq!(made.status, 201, "{:?}", made.body);
    made.body["id"].as_i64().unwrap()
}

#[test]
fn an_answer_goes_to_the_user_it_names_else_a_contact_made_once_else_a_guest() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let quiz = activity(&admin, "questionnaire");
    let settings = json!({ "form": { "fields": [
        { "field": "email_or_mobile", "required": true },
        { "field": "last_name" }, { "field": "first_name" }, { "field": "company" },
    ] } });
    let token = make_public(&admin, quiz, &settings);
    let visitor = visitor();
    let shown = visitor.get(&format!("/api/v1/public/links/{token}"));
    assert_eq!(shown.status, 200, "{:?}", shown.body);
    assert_eq!(shown.body["activity"]["type"], "questionnaire");
    assert_eq!(shown.body["form"]["fields"].as_array().unwrap().len(), 4);

    // A user, named by their mobile in national form.
    let (typed, e164) = unique_french_mobile();
    let user = new_user(&admin, &json!({ "mobile": e164 }));
    let as_user = answer(&visitor, &token, &json!({ "email_or_mobile": typed }));
    assert_eq!(as_user.status, 201, "{:?}", as_user.body);
    // A new person: a contact is made, then found again the second time.
    let email = format!("{}@example.org", unique("visitor").to_lowercase());
    let hostile = "<img src=x onerror=alert(1)>";
    let first = answer(
        &visitor,
        &token,
        &json!({ "email_or_mobile": email.to_uppercase(), "last_name": hostile, "company": "Initech" }),
    );
    let second = answer(&visitor, &token, &json!({ "email_or_mobile": email }));
    assert_eq!(first.status, 201);
    assert_eq!(second.status, 201);
    // The three answers look alike: nothing says who exists.
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&as_user.body), keys(&first.body));
    assert_eq!(keys(&first.body), ["attempt", "player_url"]);
    assert!(as_user.body["attempt"].as_str().unwrap().starts_with("rsa_"));

    let list = attempts(&admin, quiz);
    let parties: Vec<&str> = list.iter().map(|a| a["party"].as_str().unwrap()).collect();
    assert_eq!(parties, ["contact", "contact", "user"], "newest first");
    assert_eq!(list[0]["contact_id"], list[1]["contact_id"], "the contact is reused");
    assert_eq!(list[1]["last_name"], hostile, "kept as text");
    assert_eq!(list[1]["company_name"], "Initech");
    assert_eq!(list[2]["user_id"], user);
    let contacts = admin.get(&format!("/api/v1/contacts?q={email}")).body;
    assert_eq!(contacts["items"].as_array().unwrap().len(), 1, "one contact for two answers: {contacts:?}");

    // The player reports the end; the user's history shows it.
    let secret = as_user.body["attempt"].as_str().unwrap();
    let finish =
        |score: i64| visitor.post(&format!("/api/v1/public/attempts/{secret}/finish"), &json!({ "score": score }));
    let finished = finish(87);
    assert_eq!(finished.status, 200, "{:?}", finished.body);
    assert_eq!(finish(12).body["score"], 87, "the first report counts");
    assert_eq!(visitor.post(&format!("/api/v1/public/attempts/{secret}/finish"), &json!({ "score": 101 })).status, 422);
    assert_eq!(visitor.post("/api/v1/public/attempts/rsa_nothing/finish", &json!({})).status, 404);
    let history = admin.get(&format!("/api/v1/users/{user}")).body;
    let mine = history["public_attempts"].as_array().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0]["activity_id"].as_i64(), mine[0]["score"].as_i64()), (Some(quiz), Some(87)));
}

#[test]
fn authentication_required_lets_only_users_of_the_company_in() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let module = activity(&admin, "module");
    let path = format!("/api/v1/activities/{module}/public-link");
    // Without employee id or e-mail, authentication cannot be required.
    let refused = admin.send(
        "PUT",
        &path,
        Some(&json!({ "form": { "fields": [{ "field": "last_name" }], "authentication_required": true } })),
    );
    assert_eq!(refused.status, 422, "{:?}", refused.body);
    assert_eq!(refused.body["fields"]["authentication_required"]["code"], "authentication_needs_identifier");

    let token = make_public(
        &admin,
        module,
        &json!({ "form": { "fields": [{ "field": "employee_id", "required": true }], "authentication_required": true } }),
    );
    let employee = unique("E");
    let user = new_user(
        &admin,
        &json!({ "employee_id": employee, "email": format!("{}@example.org", employee.to_lowercase()) }),
    );
    let visitor = visitor().with_headers(&[("accept-language", "fr-FR,fr;q=0.9")]);
    let unknown = answer(&visitor, &token, &json!({ "employee_id": unique("nobody") }));
    assert_eq!(unknown.status, 422);
    assert_eq!(unknown.body["fields"]["employee_id"]["code"], "user_not_found");
    assert_eq!(unknown.body["fields"]["employee_id"]["message"], "Utilisateur non trouvé.");
    let blank = answer(&visitor, &token, &json!({}));
    assert_eq!(blank.body["fields"]["employee_id"]["code"], "required");
    assert_eq!(answer(&visitor, &token, &json!({ "employee_id": employee })).status, 201);
    let list = attempts(&admin, module);
    assert_eq!(list.len(), 1, "nobody unknown got an attempt");
    assert_eq!((list[0]["party"].as_str(), list[0]["user_id"].as_i64()), (Some("user"), Some(user)));
}

#[test]
fn the_html_page_reports_each_wrong_value_on_its_field_in_the_visitor_language() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let quiz = activity(&admin, "questionnaire");
    let token = make_public(
        &admin,
        quiz,
        &json!({ "form": { "fields": [{ "field": "email_or_mobile", "required": true }, { "field": "last_name", "required": true }] } }),
    );
    let visitor = visitor();
    let page = visitor.with_headers(&[("accept-language", "fr")]).get(&format!("/p/{token}"));
    assert_eq!(page.status, 200);
    let html = page.body.as_str().unwrap();
    assert!(html.contains("<html lang=\"fr\">") && html.contains("E-mail ou mobile"), "{html}");
    let english = visitor.get(&format!("/p/{token}?lang=en")).body;
    assert!(english.as_str().unwrap().contains("E-mail or mobile"));

    let form = visitor.with_headers(&[("content-type", "application/x-www-form-urlencoded")]);
    let wrong = form.send_raw("POST", &format!("/p/{token}?lang=en"), "email_or_mobile=01+23+45+67+89&last_name=");
    assert_eq!(wrong.status, 422);
    let html = wrong.body.as_str().unwrap();
    assert!(html.contains("id=\"e-email_or_mobile\" data-code=\"not_mobile\""), "{html}");
    assert!(html.contains("id=\"e-last_name\" data-code=\"required\""), "{html}");
    assert!(html.contains("value=\"01 23 45 67 89\""), "what was typed stays");
    let right =
        form.send_raw("POST", &format!("/p/{token}"), "email_or_mobile=guest%40example.org&last_name=%3Cb%3EBold");
    assert_eq!(right.status, 200);
    let html = right.body.as_str().unwrap();
    assert!(html.contains("data-state=\"started\"") && html.contains("data-attempt=\"rsa_"), "{html}");
    assert_eq!(attempts(&admin, quiz)[0]["last_name"], "<b>Bold");
}

#[test]
fn a_form_without_identifying_field_leaves_a_guest_and_creates_nobody() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let quiz = activity(&admin, "questionnaire");
    let none = make_public(&admin, quiz, &json!({}));
    let visitor = visitor();
    assert_eq!(answer(&visitor, &none, &json!({})).status, 201, "no form: start at once");
    make_public(
        &admin,
        quiz,
        &json!({ "form": { "fields": [{ "field": "first_name", "required": true }, { "field": "company" }] } }),
    );
    assert_eq!(
        answer(&visitor, &none, &json!({ "email_or_mobile": "x@y.fr" })).body["fields"]["first_name"]["code"],
        "required"
    );
    assert_eq!(
        answer(&visitor, &none, &json!({ "first_name": "Ana", "email_or_mobile": "ana@example.org" })).status,
        201
    );
    let list = attempts(&admin, quiz);
    assert!(list.iter().all(|a| a["party"] == "guest" && a["contact_id"].is_null()), "{list:?}");
    assert_eq!(list[0]["first_name"], "Ana");
    assert_eq!(list[0]["email"], Value::Null, "a value the form does not ask is dropped");
}

#[test]
fn links_close_regenerate_and_never_reach_another_company() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let quiz = activity(&admin, "questionnaire");
    let path = format!("/api/v1/activities/{quiz}/public-link");
    assert_eq!(admin.get(&path).status, 404, "not public yet");
    let created = admin.send(
        "PUT",
        &path,
        Some(&json!({ "form": { "fields": [{ "field": "email_or_mobile", "required": true }] } })),
    );
    assert_eq!(created.status, 201);
    let token = token_of(&created.body);
    assert_eq!(token.len(), 32);
    let visitor = visitor();
    let page = |token: &str| visitor.get(&format!("/p/{token}")).status;
    assert_eq!(page(&token), 200);

    // Turned off, then past a closing date that cannot be set in the past.
    admin.send("PUT", &path, Some(&json!({ "enabled": false })));
    assert_eq!(page(&token), 410);
    assert_eq!(visitor.get(&format!("/api/v1/public/links/{token}")).status, 410);
    let past = admin.send("PUT", &path, Some(&json!({ "enabled": true, "closes_at": "2020-01-01T10:00" })));
    assert_eq!(past.body["fields"]["closes_at"]["code"], "not_in_future");
    let reopened = admin.send("PUT", &path, Some(&json!({ "enabled": true, "closes_at": "2099-12-31T18:00" })));
    assert_eq!(
        (reopened.body["open"].as_bool(), reopened.body["closes_at"].as_str()),
        (Some(true), Some("2099-12-31T17:00:00Z"))
    );

    // Regenerated: the old address is gone, the new one answers.
    let fresh = admin.post(&format!("{path}/regenerate"), &json!({}));
    let new_token = token_of(&fresh.body);
    assert_ne!(new_token, token);
    assert_eq!(page(&token), 404);
    assert_eq!(page(&new_token), 200);
    assert_eq!(page("not-a-token"), 404);

    // The QR codes encode the current address.
    let (status, kind, svg) = admin.download(&format!("{path}/qr.svg"));
    assert_eq!((status, kind.as_str()), (200, "image/svg+xml"));
    assert!(String::from_utf8(svg).unwrap().starts_with("<svg"));
    let (_, kind, png) = admin.download(&format!("{path}/qr.png"));
    assert_eq!((kind.as_str(), &png[1..4]), ("image/png", &b"PNG"[..]));

    // Another company sees none of it, and its people are not this company's.
    let acme = Client::sign_in(ACME_ADMIN);
    assert_eq!(acme.get(&path).status, 404);
    assert_eq!(acme.send("PUT", &path, Some(&json!({}))).status, 404);
    assert_eq!(acme.get(&format!("/api/v1/activities/{quiz}/public-attempts")).status, 404);
    assert_eq!(answer(&visitor, &new_token, &json!({ "email_or_mobile": ACME_ADMIN })).status, 201);
    let list = attempts(&admin, quiz);
    assert_eq!(list[0]["party"], "contact", "an address of Acme's is a stranger to Demo: {list:?}");

    // Archived with its activity; surveys cannot be public.
    admin.send("PATCH", &format!("/api/v1/activities/{quiz}"), Some(&json!({ "archived": true })));
    assert_eq!(page(&new_token), 410);
    let survey = activity(&admin, "survey");
    let refused = admin.send("PUT", &format!("/api/v1/activities/{survey}/public-link"), Some(&json!({})));
    assert_eq!(refused.body["fields"]["activity"]["code"], "not_public_type");
}

#[test]
fn answers_from_one_address_are_limited_with_retry_after() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let quiz = activity(&admin, "questionnaire");
    let token = make_public(&admin, quiz, &json!({}));
    let visitor = visitor();
    // 20 answers a minute per address and link, counted in fixed windows:
    // 45 answers within a minute put more than 20 in one window.
    let statuses: Vec<(u16, Option<String>)> =
        (0..45).map(|_| answer(&visitor, &token, &json!({}))).map(|a| (a.status, a.retry_after)).collect();
    let refused: Vec<_> = statuses.iter().filter(|(s, _)| *s == 429).collect();
    assert!(!refused.is_empty(), "{statuses:?}");
    assert!(refused.iter().all(|(_, retry)| retry.as_deref() == Some("60")));
    assert!(statuses.iter().all(|(s, _)| matches!(s, 201 | 429)));
    // Another address is not held back by this one.
    assert_eq!(answer(&self::visitor(), &token, &json!({})).status, 201);
}

#[test]
fn a_company_can_ask_for_the_challenge_which_the_server_verifies() {
    let admin = Client::sign_in(ACME_ADMIN);
    let quiz = activity(&admin, "questionnaire");
    let token =
        make_public(&admin, quiz, &json!({ "form": { "fields": [{ "field": "last_name", "required": true }] } }));
    let on = admin.send("PATCH", "/api/v1/company/settings", Some(&json!({ "public_link_challenge": true })));
    assert_eq!(on.body["public_link_challenge"], true, "{:?}", on.body);
    let visitor = visitor();
    let page = visitor.get(&format!("/p/{token}")).body;
    assert!(page.as_str().unwrap().contains("class=\"cf-turnstile\""));
    let missing = answer(&visitor, &token, &json!({ "last_name": "Bot" }));
    assert_eq!(missing.body["fields"]["challenge"]["code"], "challenge_failed");
    let wrong = answer(&visitor, &token, &json!({ "last_name": "Bot", "challenge": "forged" }));
    assert_eq!(wrong.status, 422);
    // The widget's token is checked by an HTTP call to the verification service.
    let passed = answer(&visitor, &token, &json!({ "last_name": "Human", "challenge": "XXXX.DUMMY.TOKEN.XXXX" }));
    admin.send("PATCH", "/api/v1/company/settings", Some(&json!({ "public_link_challenge": false })));
    assert_eq!(passed.status, 201, "{:?}", passed.body);
}

#[test]
fn the_demo_seeds_a_public_questionnaire_with_attempts_by_every_party() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let listed = admin.get("/api/v1/activities");
    let quiz = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Onboarding — questionnaire")
        .and_then(|a| a["id"].as_i64())
        .expect("the demo's questionnaire");
    let link = admin.get(&format!("/api/v1/activities/{quiz}/public-link"));
    assert_eq!(link.status, 200, "{:?}", link.body);
    assert_eq!(link.body["enabled"], true);
    let shown = visitor().get(&format!("/api/v1/public/links/{}", token_of(&link.body)));
    assert_eq!(shown.status, 200, "{:?}", shown.body);
    let seeded = attempts(&admin, quiz);
    let count = |party: &str| seeded.iter().filter(|a| a["party"] == party).count();
    // Other tests may answer it too: the seeded ones are at least there.
    assert!(count("user") >= 3 && count("contact") >= 2 && count("guest") >= 1, "{seeded:?}");
    assert!(seeded.iter().any(|a| a["party"] == "user" && !a["score"].is_null()), "{seeded:?}");
    assert!(seeded.iter().any(|a| a["finished_at"].is_null()), "one left unfinished: {seeded:?}");
}
