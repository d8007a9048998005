//! The production sender (K3): messages handed to an HTTP e-mail/SMS
//! provider, failures retried after 1, 4, 16, 64 and 256 minutes, given up
//! after the sixth attempt. The provider here is a small HTTP server of the
//! test's own; the scheduler runs at simulated times.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use roster_core::time::Timestamp;
use roster_e2e::{Client, unique};
use serde_json::{Value, json};

use crate::ACME_ADMIN;

/// How the provider answers a request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mood {
    /// Takes each message, except those it was told to refuse or to ignore
    /// the first time.
    Working,
    /// Answers 503 to the whole request.
    Down,
}

/// What the provider was sent, and how it behaves.
#[derive(Default)]
struct Mailbox {
    /// Every request: its `Authorization` header and its messages.
    requests: Vec<(String, Vec<Value>)>,
    /// Addresses it refuses with a reason.
    refused: HashMap<String, String>,
    /// Addresses it leaves out of its first answer about them.
    ignored_once: Vec<String>,
    down: bool,
}

/// A provider listening on a port of its own, answering until the test ends.
struct Provider {
    url: String,
    mailbox: Arc<Mutex<Mailbox>>,
}

impl Provider {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}/send", listener.local_addr().unwrap().port());
        let mailbox = Arc::new(Mutex::new(Mailbox::default()));
        let shared = Arc::clone(&mailbox);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream);
                let (authorization, body) = read_request(&mut reader);
                let (status, answer) = answer(&shared, authorization, &body);
                let text = answer.to_string();
                let mut stream = reader.into_inner();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{text}",
                    text.len()
                );
            }
        });
        Self { url, mailbox }
    }

    fn set(&self, mood: Mood) {
        self.mailbox.lock().unwrap().down = mood == Mood::Down;
    }

    /// The attempts the provider saw for `address`: each message as posted.
    fn seen(&self, address: &str) -> Vec<Value> {
        let mailbox = self.mailbox.lock().unwrap();
        mailbox.requests.iter().flat_map(|(_, messages)| messages).filter(|m| m["to"] == address).cloned().collect()
    }
}

/// The `Authorization` header and JSON body of one HTTP/1.1 request.
fn read_request(reader: &mut impl BufRead) -> (String, Value) {
    let (mut authorization, mut length, mut chunked) = (String::new(), 0, false);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((&line, ""));
        match name.trim().to_ascii_lowercase().as_str() {
            "authorization" => value.trim().clone_into(&mut authorization),
            "content-length" => length = value.trim().parse().unwrap_or(0),
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).unwrap();
            let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).unwrap();
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        body.resize(length, 0);
        reader.read_exact(&mut body).unwrap();
    }
    (authorization, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn answer(mailbox: &Mutex<Mailbox>, authorization: String, body: &Value) -> (u16, Value) {
    let mut mailbox = mailbox.lock().unwrap();
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    mailbox.requests.push((authorization, messages.clone()));
    if mailbox.down {
        return (503, json!({ "error": "maintenance" }));
    }
    let (mut accepted, mut failed) = (Vec::new(), Vec::new());
    for message in &messages {
        let to = message["to"].as_str().unwrap_or_default().to_owned();
        if let Some(reason) = mailbox.refused.get(&to) {
            failed.push(json!({ "id": message["id"], "error": reason }));
        } else if let Some(at) = mailbox.ignored_once.iter().position(|a| *a == to) {
            mailbox.ignored_once.remove(at);
        } else {
            accepted.push(message["id"].clone());
        }
    }
    (200, json!({ "accepted": accepted, "failed": failed }))
}

fn now() -> Timestamp {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    Timestamp::from_unix_seconds(i64::try_from(seconds).unwrap())
}

/// The latest message to `address` as the outbox shows it.
fn message(admin: &Client, address: &str) -> Value {
    let outbox = admin.get(&format!("/api/v1/outbox?recipient={address}"));
    assert_eq!(outbox.status, 200, "{:?}", outbox.body);
    outbox.body["items"][0].clone()
}

/// Runs the scheduler for Acme at `at`, handing messages to `url`.
fn send_at(admin: &Client, at: Timestamp, url: &str) -> Value {
    let body = json!({ "at": at.to_string(), "provider": { "url": url, "key": "provider-key" } });
    let run = admin.demo("POST", "/api/v1/demo/scheduler", Some(&body));
    assert_eq!(run.status, 200, "{:?}", run.body);
    run.body
}

/// One test, two stories in turn: a scheduler run acts on the whole
/// company's outbox, so two stories in parallel would send each other's
/// messages.
#[test]
fn the_sender_hands_messages_to_a_provider_and_loses_none() {
    messages_go_to_the_provider_are_retried_on_schedule_and_given_up_after_six_attempts();
    a_provider_down_or_unreachable_loses_nothing();
}

fn messages_go_to_the_provider_are_retried_on_schedule_and_given_up_after_six_attempts() {
    let admin = Client::sign_in(ACME_ADMIN);
    let provider = Provider::start();
    // Acme's own domain: another test checks that Acme lists only its people.
    let [taken, ignored, refused] = ["taken.", "ignored.", "refused."].map(|p| unique(p) + "@acme.example");
    {
        let mut mailbox = provider.mailbox.lock().unwrap();
        mailbox.refused.insert(refused.clone(), "mailbox full".into());
        mailbox.ignored_once.push(ignored.clone());
    }
    let invited = admin.post("/api/v1/invitations", &json!({ "text": format!("{taken}, {ignored}, {refused}") }));
    assert_eq!(invited.status, 201, "{:?}", invited.body);

    let t0 = now().plus_seconds(5);
    let minutes = |m: i64| t0.plus_seconds(m * 60);
    let run = send_at(&admin, t0, &provider.url);
    assert!(run["sent"].as_i64().unwrap() >= 1 && run["failed"].as_i64().unwrap() >= 2, "{run:?}");

    let posted = provider.seen(&taken);
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0]["channel"], "email");
    assert!(posted[0]["subject"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(posted[0]["body"].as_str().unwrap().contains("#/signup/"), "the personal link travels");
    assert_eq!(posted[0]["id"], message(&admin, &taken)["id"]);
    let authorizations: Vec<String> =
        provider.mailbox.lock().unwrap().requests.iter().map(|(a, _)| a.clone()).collect();
    assert!(authorizations.iter().all(|a| a == "Bearer provider-key"), "{authorizations:?}");

    let sent = message(&admin, &taken);
    assert_eq!((sent["status"].as_str(), sent["attempts"].as_i64()), (Some("sent"), Some(1)), "{sent:?}");
    let left_out = message(&admin, &ignored);
    assert_eq!(left_out["status"], "pending");
    assert_eq!(left_out["last_error"], "not taken by the provider");
    assert_eq!(left_out["next_attempt_at"], minutes(1).to_string());
    let failing = message(&admin, &refused);
    assert_eq!((failing["status"].as_str(), failing["attempts"].as_i64()), (Some("pending"), Some(1)));
    assert_eq!(failing["last_error"], "mailbox full");

    // Not due yet: nothing of ours is posted again.
    send_at(&admin, minutes(1).plus_seconds(-30), &provider.url);
    assert_eq!(provider.seen(&refused).len(), 1);

    send_at(&admin, minutes(1), &provider.url);
    assert_eq!(message(&admin, &ignored)["status"], "sent", "taken on its second attempt");
    assert_eq!(provider.seen(&taken).len(), 1, "a sent message is not posted again");

    // The refused one: attempts 2 to 6 at +1, +5, +21, +85 and +341 minutes.
    let mut expected_next = vec![Some(5), Some(21), Some(85), Some(341), None].into_iter();
    for (attempt, at) in [(2, 1), (3, 5), (4, 21), (5, 85), (6, 341)] {
        if attempt > 2 {
            send_at(&admin, minutes(at), &provider.url);
        }
        let failing = message(&admin, &refused);
        assert_eq!(failing["attempts"], attempt, "{failing:?}");
        let next = expected_next.next().unwrap();
        assert_eq!(failing["next_attempt_at"], next.map_or(Value::Null, |m| json!(minutes(m).to_string())));
        assert_eq!(failing["status"], if next.is_some() { "pending" } else { "dead" });
    }
    assert_eq!(provider.seen(&refused).len(), 6);
    send_at(&admin, minutes(10_000), &provider.url);
    assert_eq!(provider.seen(&refused).len(), 6, "a dead message is never posted again");
    assert_eq!(message(&admin, &refused)["last_error"], "mailbox full");
}

fn a_provider_down_or_unreachable_loses_nothing() {
    let admin = Client::sign_in(ACME_ADMIN);
    let provider = Provider::start();
    let address = unique("outage.") + "@acme.example";
    assert_eq!(admin.post("/api/v1/invitations", &json!({ "text": address })).status, 201);
    let t0 = now().plus_seconds(5);

    provider.set(Mood::Down);
    send_at(&admin, t0, &provider.url);
    let waiting = message(&admin, &address);
    assert_eq!((waiting["status"].as_str(), waiting["attempts"].as_i64()), (Some("pending"), Some(1)));
    assert_eq!(waiting["last_error"], "provider answered 503");

    // Nobody listens on this port any more.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    send_at(&admin, t0.plus_seconds(60), &format!("http://127.0.0.1:{closed}/send"));
    let waiting = message(&admin, &address);
    assert_eq!(waiting["attempts"], 2);
    assert!(waiting["last_error"].as_str().unwrap().starts_with("provider unreachable"), "{waiting:?}");

    provider.set(Mood::Working);
    send_at(&admin, t0.plus_seconds(5 * 60), &provider.url);
    let sent = message(&admin, &address);
    assert_eq!((sent["status"].as_str(), sent["attempts"].as_i64()), (Some("sent"), Some(3)), "{sent:?}");
    assert_eq!(sent["last_error"], Value::Null);
    assert_eq!(provider.seen(&address).len(), 2, "posted while down, then once it worked");
}
