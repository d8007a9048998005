//! `cargo xtask bench insights`: Insights at 100,000 users with a year of
//! generated activity, through the API on the local runtime. The figures
//! come from the monthly table; they are timed against the same figures
//! counted from the raw events (what a developer would write first), and
//! the list behind the busiest month is exported as a job.

use std::time::{Duration, Instant};

use crate::bench_directory::{admin_email, d1, generate, percentile, seeded_state};
use crate::local::{self, Server};
use crate::run::say;
use crate::{Result, root};

/// The generated company.
const COMPANY: (&str, u32) = ("Hundred", 100_000);
/// Timed requests of the figures; the raw count is slower and timed less.
const REQUESTS: usize = 40;
const RAW_REQUESTS: usize = 5;

/// The heading of the figures.
pub const TITLE: &str = "Insights (100,000 generated users, a year of sign-ins and participations, same run)";

/// A year of events for the generated users, then the monthly rows they
/// make. Three users in four are active; each of those signs in in about
/// two months of three and takes part in an activity in one of five;
/// events fall mid-month, so no time zone moves them to another month.
fn year_of_events(name: &str) -> String {
    let company = format!("(SELECT id FROM companies WHERE name = '{name}')");
    format!(
        "INSERT INTO activity_events (company_id, user_id, kind, at) \
         WITH RECURSIVE m(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM m WHERE k < 11) \
         SELECT u.company_id, u.id, CASE WHEN (u.id + m.k) % 5 = 0 THEN 'participation' ELSE 'login' END, \
           strftime('%Y-%m-15T12:00:00Z', 'now', 'start of month', '-' || m.k || ' months') \
         FROM users u, m WHERE u.company_id = {company} AND u.id % 4 != 0 AND (u.id + m.k) % 3 != 0; \
         INSERT INTO monthly_activity (company_id, month, user_id, signed_in) \
         SELECT company_id, substr(at, 1, 7), user_id, max(kind = 'login') FROM activity_events \
         WHERE company_id = {company} GROUP BY company_id, substr(at, 1, 7), user_id;"
    )
}

/// Generates the company and its year, times the figures both ways, and
/// exports the busiest month's list.
pub fn run() -> Result<Vec<String>> {
    let root = root();
    let state = seeded_state(&root)?;
    let (name, size) = COMPANY;
    say(&format!("Generating {name}: {size} users and a year of their events"));
    let started = Instant::now();
    d1(&root, &state, &generate(name, size))?;
    d1(&root, &state, &year_of_events(name))?;
    let company = format!("(SELECT id FROM companies WHERE name = '{name}')");
    let counted = d1(
        &root,
        &state,
        &format!(
            "SELECT (SELECT count(*) FROM activity_events WHERE company_id = {company}) AS events, \
             (SELECT count(*) FROM monthly_activity WHERE company_id = {company}) AS monthly;"
        ),
    )?;
    let count = |column: &str| counted[0]["results"][0][column].as_u64().unwrap_or(0);
    let mut lines = vec![format!(
        "generated {size} users, {} events and {} monthly rows in {:.0} s",
        count("events"),
        count("monthly"),
        started.elapsed().as_secs_f64()
    )];
    let server = Server::start(&root, local::free_port()?, Some(&state), true)?;
    server.wait_ready(Duration::from_mins(2))?;
    let cookie = server.sign_in(&admin_email(name), &local::demo_password())?;
    let key = [("x-demo-seed-key", server.seed_key())];
    let (figures, table_times) = timed(&server, &cookie, "/api/v1/insights", &[], REQUESTS)?;
    let (raw, raw_times) = timed(&server, &cookie, "/api/v1/demo/insights/raw", &key, RAW_REQUESTS)?;
    if figures["months"] != raw["months"] {
        return Err(format!("the figures differ from the raw count: {} / {}", figures["months"], raw["months"]));
    }
    let (table, scan) = (percentile(&table_times, 50), percentile(&raw_times, 50));
    lines.push(format!(
        "GET /api/v1/insights (monthly table)      p50 {table:>7.1} ms   p95 {:>7.1} ms   ({REQUESTS} requests)",
        percentile(&table_times, 95)
    ));
    lines.push(format!(
        "the same figures from the raw events      p50 {scan:>7.1} ms   p95 {:>7.1} ms   ({RAW_REQUESTS} requests)",
        percentile(&raw_times, 95)
    ));
    lines.push(format!("raw events / monthly table: {:.0}x, the same twelve months both ways", scan / table));
    lines.push(monthly_list(&server, &cookie, &figures)?);
    drop(server);
    let _ = std::fs::remove_dir_all(&state);
    Ok(lines)
}

/// `count` requests of `path` after one that warms up: the last answer
/// and the durations.
fn timed(
    server: &Server,
    cookie: &str,
    path: &str,
    headers: &[(&str, &str)],
    count: usize,
) -> Result<(serde_json::Value, Vec<Duration>)> {
    let mut times = Vec::with_capacity(count);
    let mut body = String::new();
    for i in 0..=count {
        let started = Instant::now();
        let (code, answer) = server.call(cookie, "GET", path, headers, b"")?;
        if code != 200 {
            return Err(format!("GET {path} answered {code}: {answer}"));
        }
        if i > 0 {
            times.push(started.elapsed());
        }
        body = answer;
    }
    Ok((serde_json::from_str(&body).map_err(|e| e.to_string())?, times))
}

/// Exports the users of the busiest month as a job and waits for it: how
/// long, and how many rows (as many as the figure).
fn monthly_list(server: &Server, cookie: &str, figures: &serde_json::Value) -> Result<String> {
    let months = figures["months"].as_array().ok_or("no months")?;
    let busiest = months.iter().max_by_key(|m| m["active_users"].as_u64()).ok_or("no months")?;
    let month = busiest["month"].as_str().unwrap_or_default();
    let body = format!("{{\"kind\":\"monthly_active\",\"format\":\"csv\",\"month\":\"{month}\",\"measure\":\"mau\"}}");
    let started = Instant::now();
    let (code, answer) =
        server.call(cookie, "POST", "/api/v1/exports", &[("content-type", "application/json")], body.as_bytes())?;
    if code != 202 {
        return Err(format!("the monthly list was refused ({code}): {answer}"));
    }
    let job: serde_json::Value = serde_json::from_str(&answer).map_err(|e| e.to_string())?;
    let path = format!("/api/v1/exports/{}", job["id"].as_str().unwrap_or_default());
    loop {
        if started.elapsed() > Duration::from_mins(10) {
            return Err("the monthly list took over 10 minutes".into());
        }
        std::thread::sleep(Duration::from_millis(500));
        let Some(answer) = server.poll(cookie, &path)? else { continue };
        let job: serde_json::Value = serde_json::from_str(&answer).map_err(|e| e.to_string())?;
        match job["status"].as_str() {
            Some("done") => {
                let rows = job["files"][0]["rows"].as_u64().unwrap_or(0);
                let bytes = job["files"][0]["size"].as_f64().unwrap_or(0.0);
                return Ok(format!(
                    "monthly list of {month} (MAU {}): {rows} rows, {:.1} MB CSV, as a job in {:.1} s, \
                     read 1,000 users at a time and stored in parts",
                    busiest["active_users"],
                    bytes / 1e6,
                    started.elapsed().as_secs_f64()
                ));
            }
            Some("failed") => return Err(format!("the monthly list failed: {answer}")),
            _ => {}
        }
    }
}
