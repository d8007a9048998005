//! `cargo xtask bench directory`: how fast the directory answers a search
//! or a filtered page in companies of 100,000 and 1,000,000 users, through
//! the API on the local runtime, and how its search index compares with the
//! substring scan a developer would write first, on the same database.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::local::{self, Server};
use crate::run::{output, say};
use crate::{Result, build, root, tools};

/// The generated companies: name and number of users.
const COMPANIES: [(&str, u32); 2] = [("Hundred", 100_000), ("Million", 1_000_000)];
/// Timed requests for each query and company.
const REQUESTS: usize = 40;

/// The queries timed, as the console sends them. `{id}` is the employee id
/// of one user in the middle of the company.
const QUERIES: [(&str, &str); 11] = [
    ("first page", ""),
    ("a page deep in the list (from M)", "cursor=n0.6d"),
    ("search a common last name", "q=martin"),
    ("search the middle of a name", "q=artin"),
    ("search two words", "q=lea%20mar"),
    ("search an employee id", "q={id}"),
    ("search matching no one", "q=zzqx"),
    ("search a two-letter word (no index)", "q=le"),
    ("never signed in", "last_access=never"),
    ("a rare role (0.1 %)", "role=team_admin"),
    ("most recent access first", "sort=last_access"),
];

/// The searches compared in SQL alone: the index against a scan.
const COMPARED: [(&str, &[&str]); 4] = [
    ("a common last name", &["martin"]),
    ("two words", &["lea", "mar"]),
    ("an employee id", &["{id}"]),
    ("matching no one", &["zzqx"]),
];

/// Generates both companies in a fresh local database, times the API, then
/// compares the two search plans on the same data.
pub fn run() -> Result<Vec<String>> {
    let root = root();
    let state = seeded_state(&root)?;
    let mut lines = Vec::new();
    for (name, size) in COMPANIES {
        say(&format!("Generating {name}: {size} users, one statement in the local database"));
        let started = Instant::now();
        d1(&root, &state, &generate(name, size))?;
        lines.push(format!(
            "generated {name} ({size} users, search index included) in {:.0} s",
            started.elapsed().as_secs_f64()
        ));
    }
    let server = Server::start(&root, local::free_port()?, Some(&state), true)?;
    server.wait_ready(Duration::from_mins(2))?;
    let mut table = vec![format!(
        "{:<40} {:>14} {:>14} {:>16}",
        "query (through the API)", "100k p50/p95", "1M p50/p95", "rows on the page"
    )];
    let cookies: Vec<String> = COMPANIES
        .iter()
        .map(|(name, _)| server.sign_in(&admin_email(name), &local::demo_password()))
        .collect::<Result<_>>()?;
    for (label, query) in QUERIES {
        let mut cells = Vec::new();
        let mut rows = 0;
        for ((_, size), cookie) in COMPANIES.iter().zip(&cookies) {
            let path = format!("/api/v1/users?{}", query.replace("{id}", &middle_id(*size)));
            let (times, found) = time_requests(&server, cookie, &path)?;
            cells.push(format!("{:>5.1}/{:>5.1} ms", percentile(&times, 50), percentile(&times, 95)));
            rows = found;
        }
        table.push(format!("{label:<40} {:>14} {:>14} {rows:>16}", cells[0], cells[1]));
    }
    drop(server);
    lines.extend(table);
    lines.push(format!(
        "({REQUESTS} requests a query, one at a time, each a fresh connection; rows from the 1M company)"
    ));
    say("Comparing the search index with a substring scan, in SQL alone, on the same database");
    lines.extend(compare(&root, &state)?);
    let _ = std::fs::remove_dir_all(&state);
    Ok(lines)
}

/// Builds everything, then makes a fresh local database with the demo
/// companies (their settings and administrator password are copied into
/// generated companies): the folder it lives in.
pub fn seeded_state(root: &Path) -> Result<std::path::PathBuf> {
    tools::ensure_build_tools(root)?;
    build::all(root)?;
    let state = local::fresh_state_dir(root)?;
    local::migrate(root, Some(&state))?;
    let server = Server::start(root, local::free_port()?, Some(&state), true)?;
    server.wait_ready(Duration::from_mins(2))?;
    server.seed(&local::demo_password())?;
    Ok(state)
}

pub fn admin_email(company: &str) -> String {
    format!("admin@{}.example", company.to_lowercase())
}

/// The employee id of the user in the middle of a generated company.
fn middle_id(size: u32) -> String {
    format!("n{:07}", size / 2 + 42)
}

/// One statement that adds a company of `size` users, as the directory
/// stores them (folded sort key and search text), and its administrator
/// with the demo password: names from two lists, a tenth deactivated, a
/// quarter never signed in, the others over the last year, one in a
/// thousand a team admin.
pub fn generate(name: &str, size: u32) -> String {
    let last = size - 1;
    let admin = admin_email(name);
    format!(
        "INSERT INTO companies (name, plan, settings, created_at) \
           SELECT '{name}', 'gold', settings, created_at FROM companies WHERE name = 'Acme'; \
         INSERT INTO users (company_id, last_name, first_name, email, user_type, role, licence_level, \
           preferred_channel, language, status, sort_key, search_text, created_at, last_access_at, updated_at, \
           password_hash) \
           SELECT (SELECT id FROM companies WHERE name = '{name}'), 'Admin', '{name}', '{admin}', 'collaborator', \
             'company_admin', 'creator', 'email', 'en', 'active', 'admin' || char(1) || '{lower}', \
             'admin {lower} {admin}', created_at, NULL, created_at, password_hash \
           FROM users WHERE email = 'admin@acme.example'; \
         INSERT INTO users (company_id, last_name, first_name, email, employee_id, user_type, role, licence_level, \
           preferred_channel, language, status, sort_key, search_text, created_at, last_access_at, updated_at) \
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last}), \
           people AS (SELECT i, json_extract('{LASTS}', '$[' || (i * 7 % 50) || ']') AS last, \
             json_extract('{FIRSTS}', '$[' || (i % 40) || ']') AS first FROM n) \
         SELECT (SELECT id FROM companies WHERE name = '{name}'), last, first, \
           lower(first || '.' || last || '.' || i || '@{lower}.example'), printf('N%07d', i), 'collaborator', \
           CASE WHEN i % 1000 = 0 THEN 'team_admin' ELSE 'member' END, 'participant', 'email', 'fr', \
           CASE WHEN i % 10 = 0 THEN 'inactive' ELSE 'active' END, lower(last) || char(1) || lower(first), \
           lower(last || ' ' || first || ' ' || first || '.' || last || '.' || i || '@{lower}.example' || ' ' \
             || printf('n%07d', i)), \
           '2026-01-01T00:00:00Z', \
           CASE WHEN i % 4 = 0 THEN NULL \
             ELSE strftime('%Y-%m-%dT%H:%M:%SZ', '2026-11-01', '-' || (i % 365) || ' days') END, \
           '2026-01-01T00:00:00Z' \
         FROM people;",
        lower = name.to_lowercase(),
    )
}

const LASTS: &str = r#"["Martin","Bernard","Dubois","Thomas","Robert","Richard","Petit","Durand","Leroy","Moreau","Simon","Laurent","Lefebvre","Michel","Garcia","David","Bertrand","Roux","Vincent","Fournier","Morel","Girard","Andre","Mercier","Dupont","Lambert","Bonnet","Francois","Martinez","Legrand","Garnier","Faure","Rousseau","Blanc","Guerin","Muller","Henry","Roussel","Nicolas","Perrin","Morin","Mathieu","Clement","Gauthier","Dumont","Lopez","Fontaine","Chevalier","Robin","Masson"]"#;
const FIRSTS: &str = r#"["Lea","Zoe","Hugo","Lucas","Emma","Louis","Jade","Gabriel","Chloe","Arthur","Manon","Jules","Alice","Adam","Ines","Paul","Sarah","Noah","Lina","Nathan","Oliver","Anna","Leo","Rose","Tom","Eva","Max","Julia","Sacha","Nina","Ethan","Clara","Victor","Camille","Theo","Lou","Raphael","Mila","Axel","Iris"]"#;

/// Runs SQL on the local database in `state`; the answer's JSON.
pub fn d1(root: &Path, state: &Path, sql: &str) -> Result<serde_json::Value> {
    let file = state.join("statement.sql");
    std::fs::write(&file, sql).map_err(|e| e.to_string())?;
    let mut cmd = local::wrangler(root);
    cmd.args(["d1", "execute", "DB", "--local", "--json", "--persist-to"]).arg(state).arg("--file").arg(&file);
    let out = output(&mut cmd).ok_or("a statement on the local database failed")?;
    serde_json::from_str(&out).map_err(|e| format!("the local database answered something unreadable: {e}"))
}

/// Times `REQUESTS` requests of `path`, after one that warms up: the
/// durations, and how many users the page held.
fn time_requests(server: &Server, cookie: &str, path: &str) -> Result<(Vec<Duration>, usize)> {
    let mut rows = 0;
    let mut times = Vec::with_capacity(REQUESTS);
    for i in 0..=REQUESTS {
        let started = Instant::now();
        let (code, body) = server.call(cookie, "GET", path, &[], b"")?;
        let took = started.elapsed();
        if code != 200 {
            return Err(format!("GET {path} answered {code}: {body}"));
        }
        if i == 0 {
            let page: serde_json::Value = serde_json::from_str(&body).map_err(|e| e.to_string())?;
            rows = page["items"].as_array().map_or(0, Vec::len);
        } else {
            times.push(took);
        }
    }
    Ok((times, rows))
}

pub fn percentile(times: &[Duration], p: usize) -> f64 {
    let mut sorted = times.to_vec();
    sorted.sort();
    let at = (sorted.len() * p).div_ceil(100).saturating_sub(1);
    sorted[at.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

/// Each compared search three times in each plan, as the database reports
/// its own time: the index (as the directory queries it) and a scan with
/// `instr` on every user of the company, the page sorted the same way.
fn compare(root: &Path, state: &Path) -> Result<Vec<String>> {
    const RUNS: usize = 3;
    let mut lines = vec![format!(
        "{:<24} {:>10} {:>10} {:>8} {:>10} {:>10} {:>8}",
        "search (SQL alone)", "100k index", "100k scan", "ratio", "1M index", "1M scan", "ratio"
    )];
    for (label, words) in COMPARED {
        let mut cells = Vec::new();
        for (name, size) in COMPANIES {
            let words: Vec<String> = words.iter().map(|w| w.replace("{id}", &middle_id(size))).collect();
            let company = format!("(SELECT id FROM companies WHERE name = '{name}')");
            let phrases: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
            let index = format!(
                "SELECT id FROM users WHERE +company_id = {company} AND id IN (SELECT rowid FROM users_search \
                 WHERE users_search MATCH 'search_company : \"~' || {company} || '~\" AND search_text : ({})') \
                 AND status != 'deleted' ORDER BY sort_key, id LIMIT 51",
                phrases.join(" AND ")
            );
            let tests: Vec<String> = words.iter().map(|w| format!(" AND instr(search_text, '{w}') > 0")).collect();
            let scan = format!(
                "SELECT id FROM users WHERE company_id = {company}{} AND status != 'deleted' \
                 ORDER BY sort_key, id LIMIT 51",
                tests.concat()
            );
            let sql = [index.as_str(), scan.as_str()].repeat(RUNS).join(";\n") + ";";
            let answer = d1(root, state, &sql)?;
            let durations: Vec<f64> = answer
                .as_array()
                .ok_or("no statement results")?
                .iter()
                .map(|r| r["meta"]["duration"].as_f64().unwrap_or(f64::NAN))
                .collect();
            let median = |offset: usize| {
                let mut own: Vec<f64> = durations.iter().skip(offset).step_by(2).copied().collect();
                own.sort_by(f64::total_cmp);
                own[own.len() / 2].max(1.0) // the database reports whole milliseconds
            };
            let (index_ms, scan_ms) = (median(0), median(1));
            cells.push(format!("{index_ms:>8.0} ms {scan_ms:>8.0} ms {:>7.0}x", scan_ms / index_ms));
        }
        lines.push(format!("{label:<24} {} {}", cells[0], cells[1]));
    }
    lines.push(format!(
        "(median of {RUNS} runs each; the database counts whole milliseconds, so under 1 ms reads 1 ms)"
    ));
    Ok(lines)
}

/// The heading of the directory's figures.
pub const TITLE: &str = "Directory (companies of 100,000 and 1,000,000 generated users, same run)";
