//! Activities, contacts and invitations (A3, A6, B2, E1–E3, F5, K3).

use std::fmt::Write;

use roster_e2e::{Client, unique};
use serde_json::{Value, json};

use crate::{ACME_ADMIN, DEMO_ADMIN};

/// A time in the company's zone (Europe/Paris), `days` from now, at 09:00.
fn local_day(days: i64) -> String {
    let now = roster_core::time::Timestamp::from_unix_seconds(
        i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()).unwrap(),
    );
    format!("{}T09:00", &now.plus_days(days).to_string()[..10])
}

/// The sign-up link of the last message to `recipient` in the outbox.
fn last_link(admin: &Client, recipient: &str) -> String {
    let outbox = admin.get(&format!("/api/v1/outbox?recipient={}", recipient.replace('+', "%2B")));
    assert_eq!(outbox.status, 200, "{:?}", outbox.body);
    let body = outbox.body["items"][0]["body"].as_str().unwrap_or_else(|| panic!("no message to {recipient}"));
    let at = body.find("#/signup/").expect("a sign-up link") + "#/signup/".len();
    body[at..].split_whitespace().next().unwrap().to_owned()
}

fn verdicts(plan: &Value) -> Vec<(String, String)> {
    plan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["text"].as_str().unwrap().to_owned(), l["verdict"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn a_pasted_list_is_previewed_then_each_new_person_signs_up_once_through_their_link() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let existing =
        admin.get("/api/v1/users?status=active&limit=1").body["items"][0]["email"].as_str().unwrap().to_owned();
    let (a, b) = (unique("zoe.a.") + "@example.org", unique("li.b.") + "@example.org");
    let text = format!("Martin, Zoé <{a}>; \"Li Bo\" <{b}>\n{existing}, {}\noops@\n", a.to_uppercase());
    let preview = admin.post("/api/v1/invitations/preview", &json!({ "text": text }));
    assert_eq!(preview.status, 200, "{:?}", preview.body);
    assert_eq!(
        preview.body["counts"],
        json!({ "invite": 2, "already_user": 1, "already_invited": 0, "duplicate": 1, "invalid": 1 })
    );
    assert_eq!(preview.body["lines"][4]["problem"], "invalid_email");
    assert!(!preview.body["lines"][4]["message"].as_str().unwrap().is_empty(), "explained in the admin's language");

    let sent = admin.post("/api/v1/invitations", &json!({ "text": text, "user_type": "collaborator" }));
    assert_eq!(sent.status, 201, "{:?}", sent.body);
    assert_eq!(sent.body["counts"]["invite"], 2);
    let pending = admin.get("/api/v1/invitations").body;
    let mine = pending["items"].as_array().unwrap().iter().find(|i| i["address"] == a).expect("listed as pending");
    assert_eq!(mine["last_name"], "Martin");
    assert_eq!(mine["expired"], false);

    let again = admin.post("/api/v1/invitations/preview", &json!({ "text": a }));
    assert_eq!(verdicts(&again.body), [(a.clone(), "already_invited".to_owned())]);

    let link = last_link(&admin, &a);
    let visitor = Client::anonymous();
    let page = visitor.get(&format!("/api/v1/signup/{link}"));
    assert_eq!(page.status, 200, "{:?}", page.body);
    assert_eq!((page.body["address"].as_str(), page.body["company"].as_str()), (Some(a.as_str()), Some("Demo")));
    let short = visitor.post(
        &format!("/api/v1/signup/{link}"),
        &json!({ "last_name": "Martin", "first_name": "Zoé", "password": "short" }),
    );
    assert_eq!(short.status, 422);
    assert_eq!(short.body["fields"]["password"]["code"], "password_too_short");
    let form = json!({ "last_name": "Martin", "first_name": "Zoé", "password": "a long enough secret" });
    let done = visitor.post(&format!("/api/v1/signup/{link}"), &form);
    assert_eq!(done.status, 200, "{:?}", done.body);
    assert_eq!(visitor.post(&format!("/api/v1/signup/{link}"), &form).status, 410, "a link works once");
    assert_eq!(visitor.get(&format!("/api/v1/signup/{link}")).status, 410);
    assert_eq!(
        visitor.get("/api/v1/signup/rsu_0000000000000000000000000000000000000000000000000000000000000000").status,
        404
    );

    let found = admin.get(&format!("/api/v1/users?q={}", a.replace('@', "%40"))).body;
    assert_eq!(found["items"][0]["status"], "active");
    assert_eq!(found["items"][0]["first_name"], "Zoé");
    let pending = admin.get("/api/v1/invitations").body;
    assert!(pending["items"].as_array().unwrap().iter().all(|i| i["address"] != a), "no longer pending");
}

#[test]
fn a_pending_invitation_is_resent_with_a_new_link_destroyed_or_expires() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let (a, b) = (unique("resent.") + "@example.org", unique("expired.") + "@example.org");
    assert_eq!(admin.post("/api/v1/invitations", &json!({ "text": format!("{a} {b}") })).status, 201);
    let pending = admin.get("/api/v1/invitations").body;
    let id_of = |address: &str| {
        pending["items"].as_array().unwrap().iter().find(|i| i["address"] == address).unwrap()["id"].as_i64().unwrap()
    };
    let (id, expiring) = (id_of(&a), id_of(&b));
    let first = last_link(&admin, &a);
    let resent = admin.post(&format!("/api/v1/invitations/{id}/resend"), &json!({}));
    assert_eq!(resent.status, 200, "{:?}", resent.body);
    let second = last_link(&admin, &a);
    assert_ne!(first, second);
    let visitor = Client::anonymous();
    assert_eq!(visitor.get(&format!("/api/v1/signup/{first}")).status, 404, "the old link stopped working");
    assert_eq!(visitor.get(&format!("/api/v1/signup/{second}")).status, 200);
    assert_eq!(admin.send("DELETE", &format!("/api/v1/invitations/{id}"), None).status, 204);
    assert_eq!(visitor.get(&format!("/api/v1/signup/{second}")).status, 404);
    assert_eq!(admin.send("DELETE", &format!("/api/v1/invitations/{id}"), None).status, 404);

    let link = last_link(&admin, &b);
    let aged = admin.demo("POST", &format!("/api/v1/demo/invitations/{expiring}/age"), Some(&json!({ "days": 15 })));
    assert_eq!(aged.status, 200, "{:?}", aged.body);
    let gone = visitor.get(&format!("/api/v1/signup/{link}"));
    assert_eq!(gone.status, 410);
    assert_eq!(gone.body["error"]["code"], "gone");
    assert!(!gone.body["error"]["message"].as_str().unwrap().is_empty(), "says what to do");
    let listed = admin.get("/api/v1/invitations").body;
    let row = listed["items"].as_array().unwrap().iter().find(|i| i["id"] == expiring).unwrap().clone();
    assert_eq!(row["expired"], true, "shown as expired: resend it");
}

/// Imports `count` new users whose last names start with the given
/// prefixes in turn, members of the groups `groups(i)` names.
fn import_people(
    admin: &Client,
    run: &str,
    count: usize,
    last_name: impl Fn(usize) -> String,
    groups: impl Fn(usize) -> String,
) {
    let mut csv = String::from("last_name;first_name;email;user_type;groups\n");
    for i in 0..count {
        let _ = writeln!(csv, "{};P{i};{run}.{i}@example.org;collaborator;{}", last_name(i), groups(i));
    }
    let job = admin.upload_users(&format!("{run}.csv"), csv.as_bytes());
    assert_eq!(job.status, 202, "{:?}", job.body);
    let done = admin.wait_for_job(job.body["id"].as_str().unwrap());
    assert_eq!(done["result"]["outcome"], "succeeded", "{done:?}");
}

fn group_id(admin: &Client, name: &str) -> i64 {
    let groups = admin.get("/api/v1/groups").body;
    groups["items"].as_array().unwrap().iter().find(|g| g["name"] == name).unwrap()["id"].as_i64().unwrap()
}

fn wait_for_invitation(admin: &Client, id: &str) -> Value {
    for _ in 0..300 {
        let job = admin.get(&format!("/api/v1/activity-invitations/{id}")).body;
        if job["status"] == "done" || job["status"] == "failed" {
            return job;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    panic!("invitation job {id} did not finish");
}

fn scheduler(admin: &Client, at: &str) -> Value {
    let run = admin.demo("POST", "/api/v1/demo/scheduler", Some(&json!({ "at": at })));
    assert_eq!(run.status, 200, "{:?}", run.body);
    run.body
}

#[test]
fn overlapping_groups_are_counted_once_split_by_two_hundred_and_sent_on_schedule() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let run = unique("inv");
    let (g1, g2) = (format!("{run} A"), format!("{run} B"));
    // 230 people: 0..150 in A, 80..230 in B (70 in both). Last names sort Ab…, Mo…, Xy….
    let surname = |i: usize| {
        format!(
            "{}{i:03}",
            if i < 100 {
                "Ab"
            } else if i < 200 {
                "Mo"
            } else {
                "Xy"
            }
        )
    };
    import_people(&admin, &run, 230, surname, |i| match i {
        0..80 => g1.clone(),
        80..150 => format!("{g1}, {g2}"),
        _ => g2.clone(),
    });
    let (a, b) = (group_id(&admin, &g1), group_id(&admin, &g2));
    let contact = admin.post(
        "/api/v1/contacts",
        &json!({ "email": format!("{run}.guest@example.org"), "last_name": "Zz Guest", "groups": [a] }),
    );
    assert_eq!(contact.status, 201, "{:?}", contact.body);
    let inactive = admin.get("/api/v1/users?status=inactive&limit=1").body["items"][0]["id"].as_i64().unwrap();
    let activity = admin
        .post("/api/v1/activities", &json!({ "type": "module", "title": format!("{run} safety"), "base": "Sécurité" }));
    assert_eq!(activity.status, 201, "{:?}", activity.body);
    let activity = activity.body["id"].as_i64().unwrap();

    let (start, until) = (local_day(2), local_day(12));
    let request = json!({
        "groups": [a, b], "users": [inactive], "start": start, "start_until": until,
        "resend_every_days": 3, "remind_after_days": 2,
    });
    let preview = admin.post(&format!("/api/v1/activities/{activity}/invitations/preview"), &request);
    assert_eq!(preview.status, 200, "{:?}", preview.body);
    let p = &preview.body;
    let members: Vec<i64> = p["groups"].as_array().unwrap().iter().map(|g| g["members"].as_i64().unwrap()).collect();
    assert_eq!(members, [151, 150], "each group's members (A has the contact too)");
    assert_eq!(p["group_members_sum"], 301);
    assert_eq!(
        p["totals"],
        json!({ "people": 232, "recipients": 231, "inactive": 1, "deleted": 0, "already_invited": 0 })
    );
    let batches: Vec<(i64, &str)> = p["batches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["recipients"].as_i64().unwrap(), b["label"].as_str().unwrap()))
        .collect();
    assert_eq!(batches, [(200, "AB–MO"), (31, "XY–ZZ")]);
    assert_eq!(p["schedule"]["start_local"], start);

    let job = admin.post(&format!("/api/v1/activities/{activity}/invitations"), &request);
    assert_eq!(job.status, 202, "{:?}", job.body);
    let done = wait_for_invitation(&admin, job.body["id"].as_str().unwrap());
    assert_eq!(done["result"]["recipients"], 231, "{done:?}");
    assert_eq!(done["result"]["skipped"]["inactive"], 1);
    let list = admin.get(&format!("/api/v1/activities/{activity}/invitations")).body;
    let made: Vec<(i64, &str, &str)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["recipients"].as_i64().unwrap(), i["label"].as_str().unwrap(), i["state"].as_str().unwrap()))
        .collect();
    assert_eq!(made, [(200, "AB–MO", "scheduled"), (31, "XY–ZZ", "scheduled")]);

    // Simulated time: nothing before the start; each round once, however often the scheduler runs.
    let start_utc = list["items"][0]["schedule"]["start"].as_str().unwrap().to_owned();
    let at = |days: i64, minutes: i64| {
        let t = roster_core::time::Timestamp::parse(&start_utc).unwrap();
        t.plus_days(days).plus_seconds(minutes * 60).to_string()
    };
    // Other tests' invitations may fall due too: look at one person's messages.
    let someone = format!("{run}.5@example.org");
    let kinds = |admin: &Client| -> Vec<String> {
        let outbox = admin.get(&format!("/api/v1/outbox?recipient={someone}")).body;
        outbox["items"].as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap().to_owned()).collect()
    };
    scheduler(&admin, &at(0, -60));
    assert_eq!(kinds(&admin), Vec::<String>::new(), "nothing before the start");
    // Another company's simulated run, however late, leaves this company's invitations alone.
    scheduler(&Client::sign_in(crate::ACME_ADMIN), &at(5, 1));
    assert_eq!(kinds(&admin), Vec::<String>::new(), "another company's run sends none of ours");
    let sent = scheduler(&admin, &at(0, 1));
    assert!(sent["queued"].as_i64().unwrap() >= 231, "{sent:?}");
    scheduler(&admin, &at(0, 2));
    assert_eq!(kinds(&admin), ["invitation"], "a second run sends nothing");
    scheduler(&admin, &at(2, 1));
    scheduler(&admin, &at(2, 1));
    scheduler(&admin, &at(3, 1));
    assert_eq!(kinds(&admin), ["resend", "reminder", "invitation"]);

    let user =
        admin.get(&format!("/api/v1/users?q={}", someone.replace('@', "%40"))).body["items"][0]["id"].as_i64().unwrap();
    let page = admin.get(&format!("/api/v1/users/{user}")).body;
    assert_eq!(page["invitations"][0]["label"], "AB–MO");
    assert!(page["invitations"][0]["sent_at"].is_string());
    assert!(page["invited_at"].is_string());

    // Inviting the same groups again reaches nobody twice.
    let again = admin.post(&format!("/api/v1/activities/{activity}/invitations/preview"), &request);
    assert_eq!(again.body["totals"]["already_invited"], 231);
    assert_eq!(again.body["totals"]["recipients"], 0);
}

#[test]
fn two_admins_inviting_overlapping_groups_at_once_invite_nobody_twice() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let run = unique("race");
    let (g1, g2) = (format!("{run} A"), format!("{run} B"));
    import_people(
        &admin,
        &run,
        120,
        |i| format!("Race{i:03}"),
        |i| if i < 80 { format!("{g1}, {g2}") } else { g2.clone() },
    );
    let (a, b) = (group_id(&admin, &g1), group_id(&admin, &g2));
    let activity = admin.post("/api/v1/activities", &json!({ "type": "survey", "title": run, "base": "Enquêtes" }));
    let activity = activity.body["id"].as_i64().unwrap();
    let schedule = json!({ "start": local_day(1), "start_until": local_day(5) });
    let jobs: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = [a, b]
            .into_iter()
            .map(|group| {
                let (admin, mut body) = (&admin, schedule.clone());
                body["groups"] = json!([group]);
                s.spawn(move || {
                    let path = format!("/api/v1/activities/{activity}/invitations");
                    let mut answer = admin.post(&path, &body);
                    if answer.status == 503 {
                        // The local runtime restarted its worker mid-request; it asks to send again.
                        answer = admin.post(&path, &body);
                    }
                    assert_eq!(answer.status, 202, "{:?}", answer.body);
                    answer.body["id"].as_str().unwrap().to_owned()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let reached: i64 =
        jobs.iter().map(|id| wait_for_invitation(&admin, id)["result"]["recipients"].as_i64().unwrap()).sum();
    assert_eq!(reached, 120, "80 people are in both groups and are invited once");
    let invited = admin.get(&format!("/api/v1/activities/{activity}")).body;
    assert_eq!(invited["invited"], 120);
}

#[test]
fn invitation_schedules_and_picks_are_checked() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let cycle =
        admin.post("/api/v1/activities", &json!({ "type": "cycle", "title": unique("Cycle "), "base": "Parcours" }));
    let cycle = cycle.body["id"].as_i64().unwrap();
    let bad = admin.post(
        &format!("/api/v1/activities/{cycle}/invitations/preview"),
        &json!({ "groups": [], "start": "2020-01-01T09:00", "start_until": "soon", "resend_every_days": 3, "remind_after_days": 1 }),
    );
    assert_eq!(bad.status, 422, "{:?}", bad.body);
    let fields = &bad.body["fields"];
    assert_eq!(fields["groups"]["code"], "required");
    assert_eq!(fields["start"]["code"], "not_in_future");
    assert_eq!(fields["start_until"]["code"], "not_a_date_time");
    assert_eq!(fields["resend_every_days"]["code"], "no_resend_for_cycles");
    assert_eq!(fields["remind_after_days"]["code"], "remind_only_modules");
    let order = admin.post(
        &format!("/api/v1/activities/{cycle}/invitations/preview"),
        &json!({ "users": [1], "start": local_day(3), "start_until": local_day(2) }),
    );
    assert_eq!(order.body["fields"]["start_until"]["code"], "end_before_start");
    let unknown = admin.post(
        &format!("/api/v1/activities/{cycle}/invitations/preview"),
        &json!({ "groups": [9_007_199_254_740_991_i64], "start": local_day(1), "start_until": local_day(2) }),
    );
    assert_eq!(unknown.body["fields"]["groups"]["code"], "unknown_group");
    let archived = admin.send("PATCH", &format!("/api/v1/activities/{cycle}"), Some(&json!({ "archived": true })));
    assert_eq!(archived.body["archived"], true);
    let listed = admin.get("/api/v1/activities").body;
    assert!(
        listed["items"].as_array().unwrap().iter().all(|a| a["id"] != cycle),
        "archived activities are not offered"
    );
    let refused = admin.post(
        &format!("/api/v1/activities/{cycle}/invitations/preview"),
        &json!({ "users": [1], "start": local_day(1), "start_until": local_day(2) }),
    );
    assert_eq!(refused.body["fields"]["activity"]["code"], "archived");
}

#[test]
fn a_bounce_is_taken_only_signed_fresh_and_once() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let address = unique("bounce.") + "@example.org";
    assert_eq!(admin.post("/api/v1/invitations", &json!({ "text": address })).status, 201);
    let message = admin.get(&format!("/api/v1/outbox?recipient={address}")).body["items"][0]["id"].as_i64().unwrap();
    let body = json!({ "message_id": message, "event": "bounced", "reason": "mailbox unknown" }).to_string();
    let key = std::env::var("ROSTER_DEMO_SEED_KEY").unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let now = i64::try_from(now).unwrap();
    let provider = Client::anonymous();
    let report = |timestamp: i64, signature: &str| {
        provider
            .with_headers(&[("x-roster-timestamp", &timestamp.to_string()), ("x-roster-signature", signature)])
            .send_raw("POST", "/api/v1/delivery-reports", &body)
    };
    let unsigned = provider.send_raw("POST", "/api/v1/delivery-reports", &body);
    assert_eq!((unsigned.status, unsigned.body["error"]["code"].as_str()), (401, Some("bad_signature")), "unsigned");
    let forged = report(now, "v1=00");
    assert_eq!(forged.status, 401, "forged");
    assert_eq!(forged.body["error"]["message"], "Refused: the signature does not match.", "not a sign-in matter");
    let stale = roster_core::delivery::sign_report(&key, now - 3_600, body.as_bytes());
    assert_eq!(report(now - 3_600, &stale).status, 401, "stale");
    let good = roster_core::delivery::sign_report(&key, now, body.as_bytes());
    assert_eq!(report(now, &good).status, 200);
    assert_eq!(report(now, &good).status, 409, "replayed");

    let pending = admin.get("/api/v1/invitations").body;
    let row = pending["items"].as_array().unwrap().iter().find(|i| i["address"] == address).unwrap().clone();
    assert!(row["bounced_at"].is_string(), "{row:?}");
    let outbox = admin.get(&format!("/api/v1/outbox?recipient={address}")).body;
    assert_eq!(outbox["items"][0]["status"], "bounced");
}

#[test]
fn contacts_are_listed_searched_and_become_users_with_their_groups() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let group = admin.post("/api/v1/groups", &json!({ "name": unique("Guests ") })).body["id"].as_i64().unwrap();
    let email = unique("contact.") + "@example.org";
    let created = admin.post("/api/v1/contacts", &json!({ "email": email, "first_name": "Ada", "groups": [group] }));
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    let twice = admin.post("/api/v1/contacts", &json!({ "email": email }));
    assert_eq!(twice.body["fields"]["email"]["code"], "address_taken");
    assert_eq!(admin.post("/api/v1/contacts", &json!({ "last_name": "Nobody" })).status, 422);
    let found = admin.get(&format!("/api/v1/contacts?q={}", email.replace('@', "%40"))).body;
    assert_eq!(found["items"][0]["id"], id);

    let missing = admin.post(&format!("/api/v1/contacts/{id}/user"), &json!({}));
    assert_eq!(missing.body["fields"]["last_name"]["code"], "required", "a user needs a last name");
    let user = admin.post(&format!("/api/v1/contacts/{id}/user"), &json!({ "last_name": "Lovelace" }));
    assert_eq!(user.status, 201, "{:?}", user.body);
    assert_eq!(user.body["status"], "created");
    let page = admin.get(&format!("/api/v1/users/{}", user.body["id"])).body;
    assert_eq!(page["groups"][0]["id"], group, "the contact's groups follow");
    assert_eq!(admin.get(&format!("/api/v1/contacts/{id}")).status, 404, "no longer a contact");
}

#[test]
fn another_company_sees_none_of_it() {
    let demo = Client::sign_in(DEMO_ADMIN);
    let acme = Client::sign_in(ACME_ADMIN);
    let activity =
        demo.post("/api/v1/activities", &json!({ "type": "questionnaire", "title": unique("Quiz "), "base": "Quiz" }));
    let activity = activity.body["id"].as_i64().unwrap();
    assert_eq!(acme.get(&format!("/api/v1/activities/{activity}")).status, 404);
    assert_eq!(acme.get(&format!("/api/v1/activities/{activity}/invitations")).status, 404);
    let pick = json!({ "users": [1], "start": local_day(1), "start_until": local_day(2) });
    assert_eq!(acme.post(&format!("/api/v1/activities/{activity}/invitations/preview"), &pick).status, 404);
    let address = unique("tenant.") + "@example.org";
    demo.post("/api/v1/invitations", &json!({ "text": address }));
    let pending = demo.get("/api/v1/invitations").body;
    let id =
        pending["items"].as_array().unwrap().iter().find(|i| i["address"] == address).unwrap()["id"].as_i64().unwrap();
    assert_eq!(acme.post(&format!("/api/v1/invitations/{id}/resend"), &json!({})).status, 404);
    assert_eq!(acme.send("DELETE", &format!("/api/v1/invitations/{id}"), None).status, 404);
    let theirs = acme.get("/api/v1/invitations").body;
    assert!(theirs["items"].as_array().unwrap().iter().all(|i| i["address"] != address));
    let outbox = acme.get(&format!("/api/v1/outbox?recipient={address}")).body;
    assert_eq!(outbox["items"], json!([]));
    let demo_user = demo.get("/api/v1/users?limit=1").body["items"][0]["id"].as_i64().unwrap();
    let own = acme.post("/api/v1/activities", &json!({ "type": "survey", "title": unique("Survey "), "base": "Quiz" }));
    let own = own.body["id"].as_i64().unwrap();
    let foreign = acme.post(
        &format!("/api/v1/activities/{own}/invitations/preview"),
        &json!({ "users": [demo_user], "start": local_day(1), "start_until": local_day(2) }),
    );
    assert_eq!(foreign.body["fields"]["users"]["code"], "unknown_value", "another company's user is unknown here");
}
