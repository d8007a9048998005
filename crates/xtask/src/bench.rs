//! `cargo xtask bench`: how fast user files are checked and imported, and
//! users exports built, each figure measured in this run on this machine,
//! with ratios that matter.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::local::{self, Server};
use crate::run::{cargo, in_dir, output, say, status};
use crate::{Result, build, root, tools};

const ROWS: usize = 100_000;
const RUNS: usize = 3;

/// Runs every measurement, or the server's alone, and prints a summary.
pub fn all(server_only: bool) -> Result {
    let root = root();
    tools::ensure_build_tools(&root)?;
    build::all(&root)?;
    say("Building the command line (release)");
    status(cargo().current_dir(&root).args(["build", "--release", "--quiet", "--package", "roster-cli"]))?;
    let roster = root.join("target/release/roster");
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut lines = Vec::new();
    for format in ["xlsx", "csv"].into_iter().filter(|_| !server_only) {
        let file = dir.join(format!("users-{ROWS}.{format}"));
        generate(&roster, &file, format)?;
        say(&format!("Checking {} ({} MB), native then WebAssembly and SheetJS", file.display(), size_mb(&file)));
        let native = native_check(&roster, &["users".as_ref(), file.as_os_str()])?;
        let node = output(in_dir("node", &root).arg("bench/imports.mjs").arg(&file).arg(RUNS.to_string()))
            .ok_or("the WebAssembly/SheetJS run failed")?;
        let wasm = field(&node, "wasm_ms")?;
        let sheetjs = field(&node, "sheetjs_ms")?;
        let memory = field(&node, "wasm_peak_memory_mb")?;
        // CSV files are also read by Papa Parse, the JavaScript CSV baseline.
        let papaparse = field(&node, "papaparse_ms")
            .map(|papa| format!("   Papa Parse {papa:>6} ms   Papa Parse/wasm {:.1}x", papa / wasm))
            .unwrap_or_default();
        lines.push(format!(
            "{format:4}  native {:>6} ms   wasm {wasm:>6} ms   SheetJS {sheetjs:>6} ms   \
             SheetJS/wasm {:.1}x{papaparse}   wasm/native {:.1}x   wasm peak memory {memory} MB",
            native.as_millis(),
            sheetjs / wasm,
            wasm / native.as_secs_f64() / 1000.0,
        ));
    }
    let invitation_files = if server_only { Vec::new() } else { invitation_files(&root, &roster, &dir)? };
    let exports = if server_only { Vec::new() } else { exports(&root, &roster)? };
    let everyone = dir.join(format!("users-{ROWS}-everyone.csv"));
    generate_in_group(&roster, &everyone)?;
    say(&format!("Importing {ROWS} rows through the local runtime into D1, exporting them, inviting them"));
    let server = server_runs(&root, &everyone)?;
    if !server_only {
        report(&format!("Imports ({ROWS} rows x 12 columns, median of {RUNS} runs, same machine, same run)"), &lines);
        report(
            &format!("Invitation files ({ROWS} rows x 8 columns, median of {RUNS} runs, same machine, same run)"),
            &invitation_files,
        );
        report(
            &format!("Exports ({ROWS} users x 21 columns, median of {RUNS} runs, same machine, same run)"),
            &exports,
        );
    }
    report(&format!("Server path ({ROWS} users, local runtime: D1, storage, queues)"), &server.imports_and_exports);
    report(&format!("Invitations ({ROWS} people in one group, same run)"), &server.invitations);
    report("Public links (50 concurrent clients, 10 s a run, same run)", &server.public_links);
    if !server_only {
        report(crate::bench_directory::TITLE, &crate::bench_directory::run()?);
        report(crate::bench_insights::TITLE, &crate::bench_insights::run()?);
    }
    Ok(())
}

/// Checks a generated invitation file of `ROWS` rows against its company
/// natively, as WebAssembly and with the `SheetJS` baseline.
fn invitation_files(root: &Path, roster: &Path, dir: &Path) -> Result<Vec<String>> {
    let company = dir.join("invitations-company.json");
    let mut lines = Vec::new();
    for format in ["xlsx", "csv"] {
        let file = dir.join(format!("invitations-{ROWS}.{format}"));
        let out = std::fs::File::create(&file).map_err(|e| e.to_string())?;
        status(
            Command::new(roster)
                .args(["generate", "invitations", "--rows", &ROWS.to_string(), "--format", format, "--snapshot-out"])
                .arg(&company)
                .stdout(out),
        )?;
        say(&format!("Checking {} ({} MB), native then WebAssembly and SheetJS", file.display(), size_mb(&file)));
        let native = native_check(
            roster,
            &["invitations".as_ref(), file.as_os_str(), "--snapshot".as_ref(), company.as_os_str()],
        )?;
        let node = output(
            in_dir("node", root).arg("bench/invitation-imports.mjs").arg(&file).arg(&company).arg(RUNS.to_string()),
        )
        .ok_or("the WebAssembly/SheetJS run of the invitation file failed")?;
        let (wasm, sheetjs) = (field(&node, "wasm_ms")?, field(&node, "sheetjs_ms")?);
        lines.push(format!(
            "{format:4}  native {:>6} ms   wasm {wasm:>6} ms   SheetJS {sheetjs:>6} ms   SheetJS/wasm {:.1}x   \
             wasm/native {:.1}x   invitations {}   people {}   wasm peak memory {} MB",
            native.as_millis(),
            sheetjs / wasm,
            wasm / native.as_secs_f64() / 1000.0,
            field(&node, "invitations")?,
            field(&node, "recipients")?,
            field(&node, "wasm_peak_memory_mb")?,
        ));
    }
    Ok(lines)
}

/// The median time of `roster validate ARGS --format json`, output discarded.
fn native_check(roster: &Path, args: &[&std::ffi::OsStr]) -> Result<Duration> {
    median(RUNS, || {
        let started = Instant::now();
        let ok = Command::new(roster)
            .arg("validate")
            .args(args)
            .args(["--format", "json"])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| started.elapsed()).ok_or_else(|| "the native check failed".to_owned())
    })
}

pub fn report(title: &str, lines: &[String]) {
    println!("\n==> {title}");
    for line in lines {
        println!("    {line}");
    }
}

/// Builds a users export of `ROWS` users natively (with peak memory), then
/// as WebAssembly and with `SheetJS` under Node.
fn exports(root: &Path, roster: &Path) -> Result<Vec<String>> {
    let node = output(in_dir("node", root).arg("bench/exports.mjs").arg(ROWS.to_string()).arg(RUNS.to_string()))
        .ok_or("the WebAssembly/SheetJS export run failed")?;
    let mut lines = Vec::new();
    for format in ["xlsx", "csv"] {
        say(&format!("Exporting {ROWS} users as {format}, native then WebAssembly and SheetJS"));
        let mut peak = String::new();
        let native = median(RUNS, || {
            let started = Instant::now();
            let run = Command::new(roster)
                .args(["generate", "export", "--rows", &ROWS.to_string(), "--format", format, "--peak-memory"])
                .stdout(Stdio::null())
                .output()
                .map_err(|e| e.to_string())?;
            let took = started.elapsed();
            if !run.status.success() {
                return Err("the native export failed".to_owned());
            }
            String::from_utf8_lossy(&run.stderr).trim().trim_start_matches("peak memory: ").clone_into(&mut peak);
            Ok(took)
        })?;
        let wasm = field(&node, &format!("{format}_wasm_ms"))?;
        let sheetjs = field(&node, &format!("{format}_sheetjs_ms"))?;
        lines.push(format!(
            "{format:4}  native {:>6} ms (peak {peak})   wasm {wasm:>6} ms ({} MB)   SheetJS {sheetjs:>6} ms ({} MB)   \
             SheetJS/wasm {:.1}x",
            native.as_millis(),
            field(&node, &format!("{format}_wasm_mb"))?,
            field(&node, &format!("{format}_sheetjs_mb"))?,
            sheetjs / wasm,
        ));
    }
    lines.push(format!("wasm peak memory over every export above: {} MB", field(&node, "wasm_peak_memory_mb")?));
    Ok(lines)
}

fn generate(roster: &Path, file: &PathBuf, format: &str) -> Result {
    if file.exists() {
        return Ok(());
    }
    say(&format!("Generating {}", file.display()));
    let out = std::fs::File::create(file).map_err(|e| e.to_string())?;
    status(
        Command::new(roster).args(["generate", "users", "--rows", &ROWS.to_string(), "--format", format]).stdout(out),
    )
}

/// The group every row of the server's file also joins: the one invited.
const EVERYONE: &str = "Everyone";

fn generate_in_group(roster: &Path, file: &PathBuf) -> Result {
    if file.exists() {
        return Ok(());
    }
    say(&format!("Generating {}", file.display()));
    let out = std::fs::File::create(file).map_err(|e| e.to_string())?;
    status(
        Command::new(roster)
            .args(["generate", "users", "--rows", &ROWS.to_string(), "--format", "csv"])
            .args(["--group", EVERYONE])
            .stdout(out),
    )
}

fn size_mb(file: &Path) -> String {
    #[allow(clippy::cast_precision_loss)]
    file.metadata().map_or_else(|_| "?".into(), |m| format!("{:.1}", m.len() as f64 / 1_048_576.0))
}

fn median(runs: usize, mut once: impl FnMut() -> Result<Duration>) -> Result<Duration> {
    let mut times = (0..runs).map(|_| once()).collect::<Result<Vec<_>>>()?;
    times.sort();
    Ok(times[times.len() / 2])
}

/// A number from the benchmark script's JSON line.
fn field(json: &str, name: &str) -> Result<f64> {
    let at = json.find(&format!("\"{name}\":")).ok_or(format!("no {name} in {json}"))?;
    json[at + name.len() + 3..]
        .split([',', '}'])
        .next()
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("bad {name} in {json}"))
}

/// What the local runtime did with the file: imports and exports, then
/// invitations.
struct ServerRuns {
    imports_and_exports: Vec<String>,
    invitations: Vec<String>,
    public_links: Vec<String>,
}

fn server_runs(root: &Path, file: &Path) -> Result<ServerRuns> {
    let state = local::fresh_state_dir(root)?;
    local::migrate(root, Some(&state))?;
    let config = bench_config(root)?;
    let server = Server::start_configured(root, local::free_port()?, Some(&state), true, Some(&config))?;
    server.wait_ready(Duration::from_mins(2))?;
    server.seed(&local::demo_password())?;
    let cookie = server.sign_in("admin@acme.example", &local::demo_password())?;
    // Acme buys seats for everyone the file brings.
    let headers = [("x-demo-seed-key", server.seed_key()), ("content-type", "application/json")];
    let (code, answer) = server.call(&cookie, "POST", "/api/v1/demo/licences", &headers, b"{\"capacity\":1000000}")?;
    if code != 200 {
        return Err(format!("raising the licence capacity failed with HTTP {code}: {answer}"));
    }
    let bytes = std::fs::read(file).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let (code, job) = server.call(&cookie, "POST", "/api/v1/imports/users", &[("x-file-name", "bench.csv")], &bytes)?;
    if code != 202 {
        return Err(format!("the upload failed with HTTP {code}: {job}"));
    }
    let import = wait_for_job(&server, &cookie, "imports", &job_id(&job)?, started)?;
    let mut imports_and_exports = vec![format!(
        "server import (upload, check again, stage, one final batch): {:.1} s, {:.0} rows/s",
        import.as_secs_f64(),
        per_second(ROWS, import)
    )];
    for format in ["csv", "xlsx"] {
        settle_queue();
        let started = Instant::now();
        let body = format!("{{\"kind\":\"users\",\"format\":\"{format}\"}}");
        let (code, job) = server.call(&cookie, "POST", "/api/v1/exports", &JSON, body.as_bytes())?;
        if code != 202 {
            return Err(format!("the export request failed with HTTP {code}: {job}"));
        }
        let took = wait_for_job(&server, &cookie, "exports", &job_id(&job)?, started)?;
        imports_and_exports.push(format!(
            "server export {format:4} (D1 pages, three files, parts to storage): {:.1} s, {:.0} users/s",
            took.as_secs_f64(),
            per_second(ROWS, took)
        ));
    }
    let mut invitations = invite_everyone(&server, &cookie, import)?;
    if let Some(mb) = server.runtime_peak_memory_mb() {
        invitations.push(format!(
            "local runtime peak resident memory over the import, exports and invitations (whole workerd \
             process: Worker, database, storage): {mb} MB"
        ));
    }
    say("Loading public links: the page and the identification answer, 50 clients at once");
    let public_links = public_links(root, &server, &cookie)?;
    drop(server);
    let _ = std::fs::remove_dir_all(&state);
    Ok(ServerRuns { imports_and_exports, invitations, public_links })
}

/// `wrangler.toml` for the benchmark's runtime, in `target/bench`: paths
/// made absolute, and the ceiling on answers per link raised, so that the
/// load measures an answer's work rather than its refusal. The limits per
/// client address stay as in production: every request of the load comes
/// from an address of its own.
fn bench_config(root: &Path) -> Result<PathBuf> {
    let text = std::fs::read_to_string(root.join("wrangler.toml")).map_err(|e| e.to_string())?;
    let (mut out, mut in_link_answers, mut raised) = (String::new(), false, false);
    for line in text.lines() {
        let line = match line.split_once(" = \"") {
            Some((key @ ("main" | "directory" | "migrations_dir"), rest)) => {
                format!("{key} = \"{}/{rest}", root.display())
            }
            _ if in_link_answers && line.starts_with("simple = ") => {
                (in_link_answers, raised) = (false, true);
                "simple = { limit = 1000000, period = 60 }".to_owned()
            }
            _ => {
                in_link_answers |= line == "name = \"PUBLIC_LINK_ANSWERS\"";
                line.to_owned()
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    if !raised {
        return Err("wrangler.toml has no PUBLIC_LINK_ANSWERS limit for the benchmark to raise".into());
    }
    let file = root.join("target/bench/wrangler.toml");
    std::fs::write(&file, out).map_err(|e| e.to_string())?;
    Ok(file)
}

/// The runs of `bench/public-links.mjs`, each on a link of its own so that
/// what each recorded can be checked afterwards.
const PUBLIC_RUNS: [&str; 6] = ["page", "user", "nobody", "contact", "small", "refused"];

/// Loads public links (I7) on the server that holds the 100,000 imported
/// users: Acme's links for every run but `small`, which answers a link of
/// Demo (about 1,000 users). Checks what the answers recorded, then gives
/// each run's figures and the ratios that show no scan and no timing tell.
fn public_links(root: &Path, server: &Server, acme: &str) -> Result<Vec<String>> {
    let demo = server.sign_in("admin@demo.example", &local::demo_password())?;
    let form = serde_json::json!({ "form": { "fields": [
        { "field": "employee_id" }, { "field": "email_or_mobile" }, { "field": "last_name" }, { "field": "first_name" },
    ] } });
    let mut tokens = serde_json::Map::new();
    let mut activities = Vec::new();
    for run in PUBLIC_RUNS.into_iter().filter(|run| *run != "refused") {
        let cookie = if run == "small" { &demo } else { acme };
        let call = |method: &str, path: &str, body: &serde_json::Value| call_json(server, cookie, method, path, body);
        let base = call("GET", "/api/v1/bases", &serde_json::Value::Null)?["items"][0]["name"].clone();
        let body = serde_json::json!({ "type": "questionnaire", "title": format!("Public link: {run}"), "base": base });
        let activity = call("POST", "/api/v1/activities", &body)?["id"].as_i64().ok_or("no activity id")?;
        let link = call("PUT", &format!("/api/v1/activities/{activity}/public-link"), &form)?;
        let token = link["url"].as_str().and_then(|u| u.rsplit('/').next()).ok_or("no link address")?;
        tokens.insert(run.to_owned(), token.into());
        activities.push((run, cookie, activity));
    }
    let tokens_file = root.join("target/bench/public-links.json");
    std::fs::write(&tokens_file, serde_json::Value::Object(tokens).to_string()).map_err(|e| e.to_string())?;
    let out = output(in_dir("node", root).arg("bench/public-links.mjs").arg(server.url()).arg(&tokens_file).arg("10"))
        .ok_or("the public links load run failed")?;
    let load: serde_json::Value = serde_json::from_str(out.trim()).map_err(|e| format!("{e}: {out}"))?;
    let mut lines = Vec::new();
    for run in PUBLIC_RUNS {
        let r = &load[run];
        lines.push(format!(
            "{run:8} {:>5} req/s   p50 {:>4} ms   p90 {:>4} ms   p99 {:>4} ms   {} requests   statuses {}   errors {}",
            r["rps"], r["p50_ms"], r["p90_ms"], r["p99_ms"], r["requests"], r["statuses"], r["errors"],
        ));
    }
    // What was recorded: the latest attempts of each link, by party.
    for (run, cookie, activity) in activities.into_iter().filter(|(run, ..)| *run != "page") {
        let path = format!("/api/v1/activities/{activity}/public-attempts");
        let list = call_json(server, cookie, "GET", &path, &serde_json::Value::Null)?;
        let items = list["items"].as_array().ok_or("no attempts")?;
        let count = |party: &str| items.iter().filter(|a| a["party"] == party).count();
        let expected = match run {
            "nobody" => "guest",
            "contact" => "contact",
            _ => "user",
        };
        // Demo has anonymised (deleted) users: their employee ids are free.
        let enough = if run == "small" { items.len() * 9 / 10 } else { items.len() };
        if items.is_empty() || count(expected) < enough {
            return Err(format!("the {run} link recorded {} attempts, not all by a {expected}: {list}", items.len()));
        }
        lines.push(format!(
            "{run:8} latest {} attempts recorded: {} by users, {} by contacts, {} by guests",
            items.len(),
            count("user"),
            count("contact"),
            count("guest")
        ));
    }
    let p50 = |run: &str| load[run]["p50_ms"].as_f64().unwrap_or(f64::NAN);
    lines.push(format!(
        "answer naming a user, p50: company of 100,000 users / company of 1,000 users = {:.2}x (no scan)",
        p50("user") / p50("small")
    ));
    lines.push(format!(
        "answer naming nobody / naming a user, p50 = {:.2}x (comparable timing: nothing tells who exists)",
        p50("nobody") / p50("user")
    ));
    Ok(lines)
}

const JSON: [(&str, &str); 1] = [("content-type", "application/json")];

/// Sends `body` as JSON with the session `cookie`: the answer's JSON, or an
/// error naming the request unless it succeeded.
fn call_json(
    server: &Server,
    cookie: &str,
    method: &str,
    path: &str,
    body: &serde_json::Value,
) -> Result<serde_json::Value> {
    let (code, answer) = server.call(cookie, method, path, &JSON, body.to_string().as_bytes())?;
    if !(200..300).contains(&code) {
        return Err(format!("{method} {path} answered {code}: {answer}"));
    }
    serde_json::from_str(&answer).map_err(|e| format!("{path}: {e}"))
}

/// Invites the group of every imported person to an activity: the preview,
/// the job that claims and splits them, then the scheduler's runs at the
/// start until every round is sent.
fn invite_everyone(server: &Server, cookie: &str, import: Duration) -> Result<Vec<String>> {
    let call = |method: &str, path: &str, body: &serde_json::Value| call_json(server, cookie, method, path, body);
    let groups = call("GET", "/api/v1/groups", &serde_json::Value::Null)?;
    let group = groups["items"]
        .as_array()
        .and_then(|all| all.iter().find(|g| g["name"] == EVERYONE))
        .and_then(|g| g["id"].as_i64())
        .ok_or("the imported group is missing")?;
    let base = call("GET", "/api/v1/bases", &serde_json::Value::Null)?["items"][0]["name"].clone();
    let activity = call(
        "POST",
        "/api/v1/activities",
        &serde_json::json!({ "type": "module", "title": "Benchmark module", "base": base }),
    )?["id"]
        .as_i64()
        .ok_or("no activity id")?;
    // Mid-January next year, 09:00 in the company's zone (08:00 UTC).
    let year = 1971 + SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) / 31_556_952;
    let request = serde_json::json!({
        "groups": [group], "start": format!("{year}-01-15T09:00"), "start_until": format!("{year}-01-25T09:00"),
    });
    let path = format!("/api/v1/activities/{activity}/invitations");
    let started = Instant::now();
    let preview = call("POST", &format!("{path}/preview"), &request)?;
    let preview_took = started.elapsed();
    let recipients = preview["totals"]["recipients"].as_u64().unwrap_or(0);
    if recipients < ROWS as u64 {
        return Err(format!("the preview counts {recipients} recipients, not {ROWS}"));
    }
    settle_queue();
    let started = Instant::now();
    let job = call("POST", &path, &request)?["id"].as_str().ok_or("no job id")?.to_owned();
    let claimed = wait_for_job(server, cookie, "activity-invitations", &job, started)?;
    let listed = call("GET", &format!("/api/v1/activity-invitations/{job}"), &serde_json::Value::Null)?;
    let batches = listed["result"]["invitations"].as_u64().unwrap_or(0);
    // The scheduler at the start, run after run, as the minute's trigger
    // would, until nothing is left to send.
    let (mut runs, mut queued) = (0, 0);
    let started = Instant::now();
    loop {
        let at = serde_json::json!({ "at": format!("{year}-01-15T09:00:00Z") });
        let (code, answer) = server.call(
            cookie,
            "POST",
            "/api/v1/demo/scheduler",
            &[("content-type", "application/json"), ("x-demo-seed-key", server.seed_key())],
            at.to_string().as_bytes(),
        )?;
        let report: serde_json::Value = serde_json::from_str(&answer).map_err(|e| format!("{code} {answer}: {e}"))?;
        if code != 200 {
            return Err(format!("the scheduler answered {code}: {answer}"));
        }
        let this_run = report["queued"].as_u64().unwrap_or(0);
        if report["invitations"] == 0 {
            break;
        }
        queued += this_run;
        runs += 1;
    }
    let sent = started.elapsed();
    Ok(vec![
        format!(
            "preview of {recipients} recipients (group count, totals, batch labels): {} ms",
            preview_took.as_millis()
        ),
        format!(
            "invitation job (claim everyone, number, split into {batches} batches of 200): {:.1} s, {:.0} people/s \
             ({:.1}x the import's rate)",
            claimed.as_secs_f64(),
            per_second(ROWS, claimed),
            import.as_secs_f64() / claimed.as_secs_f64(),
        ),
        format!(
            "first round at the start: {queued} messages queued and delivered in {runs} scheduler runs, {:.1} s, \
             {:.0} messages/s",
            sent.as_secs_f64(),
            per_second(usize::try_from(queued).unwrap_or(0), sent)
        ),
    ])
}

#[allow(clippy::cast_precision_loss)]
fn per_second(count: usize, took: Duration) -> f64 {
    count as f64 / took.as_secs_f64()
}

fn job_id(job: &str) -> Result<String> {
    Ok(job.split("\"id\":\"").nth(1).and_then(|r| r.split('"').next()).ok_or("no job id")?.to_owned())
}

/// Waits before asking for the next background job. The local runtime's
/// queue may never deliver a message sent within a few seconds of the end
/// of a long delivery (seen after the 100,000-row import, with or without
/// polls in between); a pause, not counted in any figure, avoids it.
fn settle_queue() {
    std::thread::sleep(Duration::from_secs(6));
}

/// Polls a job until it is done; gives the time since `started`.
/// `kind` is where the job lives: `imports`, `exports` or
/// `activity-invitations`.
fn wait_for_job(server: &Server, cookie: &str, kind: &str, id: &str, started: Instant) -> Result<Duration> {
    loop {
        std::thread::sleep(Duration::from_millis(250));
        let Some(job) = server.poll(cookie, &format!("/api/v1/{kind}/{id}"))? else { continue };
        if job.contains("\"status\":\"done\"") {
            return Ok(started.elapsed());
        }
        if job.contains("\"status\":\"failed\"") || started.elapsed() > Duration::from_mins(20) {
            return Err(format!("job {id} did not finish: {}", &job[..job.len().min(400)]));
        }
    }
}
