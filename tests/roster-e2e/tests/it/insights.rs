//! Insights (A7, J5): monthly active users and accounts, checked against
//! an independent count of the raw events and against the lists behind
//! them.

use roster_core::sheet::{self, Limits};
use roster_e2e::{Client, demo_password, unique};
use serde_json::{Value, json};

use crate::DEMO_ADMIN;

/// `read` and `between` once two reads around `between` agree: other
/// tests sign in meanwhile.
fn steady<T>(read: impl Fn() -> Value, between: impl Fn() -> T) -> (Value, T) {
    for _ in 0..5 {
        let before = read();
        let other = between();
        if read() == before {
            return (before, other);
        }
    }
    panic!("the figures never held still");
}

#[test]
fn the_figures_equal_a_count_of_the_raw_events_month_by_month() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let (figures, raw) = steady(
        || admin.get("/api/v1/insights").body["months"].clone(),
        || admin.demo("GET", "/api/v1/demo/insights/raw", None).body["months"].clone(),
    );
    assert_eq!(figures.as_array().map(Vec::len), Some(12));
    assert_eq!(figures, raw, "the monthly table agrees with the raw events");
    let total: u64 = figures.as_array().unwrap().iter().map(|m| m["active_users"].as_u64().unwrap()).sum();
    assert!(total > 100, "a year of seeded sign-ins: {figures}");
    for month in figures.as_array().unwrap() {
        assert!(month["active_accounts"].as_u64() <= month["active_users"].as_u64(), "{month}");
    }
    let definitions = admin.get("/api/v1/insights").body["definitions"].clone();
    assert!(definitions["maa"].as_str().is_some_and(|d| d.contains("connect")), "in the admin's French: {definitions}");
}

#[test]
fn a_sign_in_counts_in_this_month_and_the_month_s_list_holds_as_many_users() {
    let admin = Client::sign_in(DEMO_ADMIN);
    let email = format!("{}@demo.example", unique("actif"));
    let made =
        admin.post("/api/v1/users", &json!({ "last_name": unique("Actif"), "email": email, "role": "team_admin" }));
    assert_eq!(made.status, 201, "{:?}", made.body);
    let id = made.body["id"].as_i64().unwrap();
    let activated =
        admin.post("/api/v1/users/bulk", &json!({ "action": "activate", "users": [id], "password": demo_password() }));
    assert_eq!(activated.status, 200);
    Client::sign_in(&email);

    let this_month = || {
        let months = admin.get("/api/v1/insights").body["months"].clone();
        months.as_array().unwrap().last().unwrap().clone()
    };
    let (figure, rows) = steady(this_month, || {
        let month = this_month()["month"].as_str().unwrap().to_owned();
        let asked = admin.post(
            "/api/v1/exports",
            &json!({ "kind": "monthly_active", "format": "csv", "month": month, "measure": "maa", "language": "en" }),
        );
        assert_eq!(asked.status, 202, "{:?}", asked.body);
        let job = admin.wait_for_job(asked.body["id"].as_str().unwrap());
        let file = &job["files"][0];
        assert_eq!(file["name"], "monthly-active.csv");
        let (_, _, bytes) = admin.download(file["url"].as_str().unwrap());
        let mut rows = Vec::new();
        sheet::read(&bytes, Limits::PRODUCT, &mut |row| rows.push(row.cells)).unwrap();
        let emails: Vec<String> = rows
            .iter()
            .flat_map(|r| r.iter().filter_map(roster_core::sheet::Value::text))
            .filter(|t| t.contains('@'))
            .collect();
        json!({ "count": rows.len() - 1, "has_new_user": emails.contains(&email) })
    });
    assert_eq!(rows["has_new_user"], true, "the account signed in this month");
    assert_eq!(rows["count"].as_u64(), figure["active_accounts"].as_u64(), "the list holds as many as the figure");

    let wrong = admin.post(
        "/api/v1/exports",
        &json!({ "kind": "monthly_active", "format": "csv", "month": "1999-01", "measure": "mau" }),
    );
    assert_eq!(wrong.body["fields"]["month"]["code"], "unknown_value");
    let manager = Client::sign_in(roster_core::demo::STAFF_MANAGER);
    assert_eq!(manager.get("/api/v1/insights").status, 403, "statistics need their permission");
}

#[test]
fn each_chart_is_a_png_the_same_bytes_as_the_core_draws_natively() {
    use roster_core::insights::{Measure, MonthFigures, PNG_SCALE, chart};
    let admin = Client::sign_in(DEMO_ADMIN);
    for &measure in Measure::ALL {
        let code = measure.code();
        let (answer, (status, kind, png)) = steady(
            || admin.get("/api/v1/insights").body,
            || admin.download(&format!("/api/v1/insights/{code}.png?language=en")),
        );
        assert_eq!((status, kind.as_str()), (200, "image/png"), "{code}");
        let figures: Vec<MonthFigures> = serde_json::from_value(answer["months"].clone()).unwrap();
        let zone = answer["time_zone"].as_str().unwrap();
        let native = chart(&figures, measure, zone, roster_core::Language::En).layout().png(PNG_SCALE);
        assert!(png == native, "{code}: the server's PNG is the one the core draws here");
        assert_eq!(&png[12..24], b"IHDR\0\0\x05\xa0\0\0\x02\xd0", "1,440 × 720 pixels");
    }
    assert_eq!(admin.download("/api/v1/insights/dau.png").0, 404);
    assert_eq!(admin.download("/api/v1/insights/mau.png?language=xx").0, 400);
    assert_eq!(admin.download("/api/v1/insights/mau.png?language=de").0, 400, "not answered in English");
    let manager = Client::sign_in(roster_core::demo::STAFF_MANAGER);
    assert_eq!(manager.download("/api/v1/insights/mau.png").0, 403);
}
