//! `cargo xtask bench`: how fast user files are checked and imported, and
//! users exports built, each figure measured in this run on this machine,
//! with ratios that matter.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::local::{self, Server};
use crate::run::{cargo, in_dir, output, say, status};
use crate::{Result, build, root, tools};

const ROWS: usize = 100_000;
const RUNS: usize = 3;

/// Runs every measurement and prints a summary.
pub fn all() -> Result {
    let root = root();
    tools::ensure_build_tools(&root)?;
    build::all(&root)?;
    say("Building the command line (release)");
    status(cargo().current_dir(&root).args(["build", "--release", "--quiet", "--package", "roster-cli"]))?;
    let roster = root.join("target/release/roster");
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut lines = Vec::new();
    for format in ["xlsx", "csv"] {
        let file = dir.join(format!("users-{ROWS}.{format}"));
        generate(&roster, &file, format)?;
        say(&format!("Checking {} ({} MB), native then WebAssembly and SheetJS", file.display(), size_mb(&file)));
        let native = median(RUNS, || {
            let started = Instant::now();
            let ok = Command::new(&roster)
                .args(["validate", "users"])
                .arg(&file)
                .args(["--format", "json"])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            ok.then(|| started.elapsed()).ok_or_else(|| "the native check failed".to_owned())
        })?;
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
    let exports = exports(&root, &roster)?;
    say(&format!("Importing {ROWS} rows through the local runtime into D1, then exporting them"));
    let server = server_import_and_export(&root, &dir.join(format!("users-{ROWS}.csv")))?;
    println!("\n==> Imports ({ROWS} rows x 12 columns, median of {RUNS} runs, same machine, same run)");
    for line in &lines {
        println!("    {line}");
    }
    println!("\n==> Exports ({ROWS} users x 21 columns, median of {RUNS} runs, same machine, same run)");
    for line in exports.iter().chain(&server) {
        println!("    {line}");
    }
    Ok(())
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

fn server_import_and_export(root: &Path, file: &Path) -> Result<Vec<String>> {
    let state = local::fresh_state_dir(root)?;
    local::migrate(root, Some(&state))?;
    let server = Server::start(root, local::free_port()?, Some(&state), true)?;
    server.wait_ready(Duration::from_mins(2))?;
    server.seed(&local::demo_password())?;
    let cookie = server.sign_in("admin@acme.example", &local::demo_password())?;
    let bytes = std::fs::read(file).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let (code, job) = server.call(&cookie, "POST", "/api/v1/imports/users", &[("x-file-name", "bench.csv")], &bytes)?;
    if code != 202 {
        return Err(format!("the upload failed with HTTP {code}: {job}"));
    }
    let took = wait_for_job(&server, &cookie, "imports", &job_id(&job)?, started)?;
    #[allow(clippy::cast_precision_loss)]
    let rate = ROWS as f64 / took.as_secs_f64();
    let mut lines = vec![format!(
        "server import (upload, check again, stage, one final batch): {:.1} s, {rate:.0} rows/s",
        took.as_secs_f64()
    )];
    for format in ["csv", "xlsx"] {
        let started = Instant::now();
        let body = format!("{{\"kind\":\"users\",\"format\":\"{format}\"}}");
        let (code, job) = server.call(
            &cookie,
            "POST",
            "/api/v1/exports",
            &[("content-type", "application/json")],
            body.as_bytes(),
        )?;
        if code != 202 {
            return Err(format!("the export request failed with HTTP {code}: {job}"));
        }
        let took = wait_for_job(&server, &cookie, "imports", &job_id(&job)?, started)?;
        #[allow(clippy::cast_precision_loss)]
        let rate = ROWS as f64 / took.as_secs_f64();
        lines.push(format!(
            "server export {format:4} (D1 pages, three files, parts to storage): {:.1} s, {rate:.0} users/s",
            took.as_secs_f64()
        ));
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&state);
    Ok(lines)
}

fn job_id(job: &str) -> Result<String> {
    Ok(job.split("\"id\":\"").nth(1).and_then(|r| r.split('"').next()).ok_or("no job id")?.to_owned())
}

/// Polls a job until it is done; gives the time since `started`.
/// `kind` is where the job lives: `imports` or `exports`.
fn wait_for_job(server: &Server, cookie: &str, kind: &str, id: &str, started: Instant) -> Result<Duration> {
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let (_, job) = server.call(cookie, "GET", &format!("/api/v1/{kind}/{id}"), &[], b"")?;
        if job.contains("\"status\":\"done\"") {
            return Ok(started.elapsed());
        }
        if job.contains("\"status\":\"failed\"") || started.elapsed() > Duration::from_mins(20) {
            return Err(format!("job {id} did not finish: {}", &job[..job.len().min(400)]));
        }
    }
}
