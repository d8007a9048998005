//! The local runtime: D1 migrations, `wrangler dev`, and demo seeding.

use std::fmt::Write as _;
use std::io::{BufRead, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::run::{in_dir, say, status};
use crate::{Result, build, root, tools};

/// The demo administrators' password, unless `ROSTER_DEMO_PASSWORD` says otherwise.
pub const DEFAULT_DEMO_PASSWORD: &str = "roster-demo";

/// The demo password in force.
pub fn demo_password() -> String {
    std::env::var("ROSTER_DEMO_PASSWORD").unwrap_or_else(|_| DEFAULT_DEMO_PASSWORD.into())
}

/// `cargo xtask dev`: everything from a fresh machine to a served console.
pub fn dev(port: u16) -> Result {
    let root = root();
    tools::ensure_build_tools(&root)?;
    build::all(&root)?;
    migrate(&root, None)?;
    say(&format!("Starting the local runtime on http://127.0.0.1:{port}"));
    let server = Server::start(&root, port, None, false)?;
    server.wait_ready(Duration::from_secs(90))?;
    let password = demo_password();
    let seeded = server.seed(&password)?;
    println!(
        "\n  Roster is running: http://127.0.0.1:{port}\n\n  Demo (gold)      admin@demo.example\n  Acme (standard)  admin@acme.example\n  Globex (standard) admin@demo.example (choose at sign-in)\n  \
         password         {password}   (local only; set ROSTER_DEMO_PASSWORD to change)\n\n  seeding: {seeded}\n  Press Ctrl-C to stop.\n"
    );
    server.tick_every_minute();
    server.wait()
}

pub fn wrangler(root: &Path) -> Command {
    let mut cmd = in_dir("node", root);
    cmd.arg(root.join("node_modules/wrangler/bin/wrangler.js")).env("WRANGLER_SEND_METRICS", "false");
    cmd
}

/// Applies `migrations/` to the local D1 database (kept in `persist`, or
/// `.wrangler/state` by default). Applying twice changes nothing.
pub fn migrate(root: &Path, persist: Option<&Path>) -> Result {
    say("Applying D1 migrations to the local database");
    let mut cmd = wrangler(root);
    cmd.args(["d1", "migrations", "apply", "DB", "--local"]);
    if let Some(dir) = persist {
        cmd.arg("--persist-to").arg(dir);
    }
    status(&mut cmd)
}

/// The file, in the local state's folder (`.wrangler/` for `cargo xtask
/// dev`), that holds the key of the running server's local-only routes.
pub const LOCAL_KEY_FILE: &str = "local-key";

/// A running `wrangler dev`, stopped when dropped.
pub struct Server {
    child: Child,
    port: u16,
    seed_key: String,
    own_group: bool,
}

impl Server {
    /// Starts `wrangler dev` on 127.0.0.1:`port`. With `persist`, the local
    /// state lives there (tests use a fresh folder) and the server runs in
    /// its own process group, quiet, so that it can be stopped as a whole.
    pub fn start(root: &Path, port: u16, persist: Option<&Path>, quiet: bool) -> Result<Self> {
        Self::start_configured(root, port, persist, quiet, None)
    }

    /// [`Server::start`] with another configuration file than `wrangler.toml`.
    pub fn start_configured(
        root: &Path,
        port: u16,
        persist: Option<&Path>,
        quiet: bool,
        config: Option<&Path>,
    ) -> Result<Self> {
        let seed_key = random_hex(16)?;
        // Scripts and testers read the run's key here: it opens the local-only routes.
        let key_file = persist.map_or_else(|| root.join(".wrangler"), Path::to_path_buf).join(LOCAL_KEY_FILE);
        std::fs::create_dir_all(key_file.parent().unwrap_or(root)).map_err(|e| e.to_string())?;
        std::fs::write(&key_file, &seed_key).map_err(|e| format!("cannot write {}: {e}", key_file.display()))?;
        let mut cmd = wrangler(root);
        cmd.args(["dev", "--local", "--ip", "127.0.0.1", "--port", &port.to_string()])
            .args(["--var", &format!("DEMO_SEED_KEY:{seed_key}")])
            // Delivery reports of a local run are signed with the run's key too.
            .args(["--var", &format!("DELIVERY_REPORT_SECRET:{seed_key}")])
            // Cloudflare's test keys for the public forms' challenge, checked
            // by the local stand-in of the verification service.
            .args(["--var", "TURNSTILE_SITE_KEY:1x00000000000000000000AA"])
            .args(["--var", "TURNSTILE_SECRET_KEY:1x0000000000000000000000000000000AA"])
            .args(["--var", &format!("TURNSTILE_VERIFY_URL:http://127.0.0.1:{port}/api/v1/demo/challenge")])
            .args(["--test-scheduled", "--show-interactive-dev-session=false"]);
        if let Some(dir) = persist {
            cmd.arg("--persist-to").arg(dir);
        }
        if let Some(file) = config {
            cmd.arg("--config").arg(file);
        }
        if quiet {
            cmd.args(["--log-level", "warn"]).stdout(Stdio::null());
        }
        let own_group = persist.is_some();
        if own_group {
            cmd.process_group(0);
        }
        let child = cmd.spawn().map_err(|e| format!("could not start wrangler dev: {e}"))?;
        Ok(Self { child, port, seed_key, own_group })
    }

    /// The key that opens this run's local-only routes.
    pub fn seed_key(&self) -> &str {
        &self.seed_key
    }

    /// The server's base URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until the server answers HTTP.
    pub fn wait_ready(&self, limit: Duration) -> Result {
        let started = Instant::now();
        while started.elapsed() < limit {
            if request(self.port, "GET", "/api/v1/openapi.yaml", &[], "").is_ok_and(|(code, _)| code == 200) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        Err(format!("the local runtime did not answer on port {} within {limit:?}", self.port))
    }

    /// Seeds the demo companies; says what was created.
    pub fn seed(&self, password: &str) -> Result<String> {
        let body = format!("{{\"password\":{}}}", json_string(password));
        let headers = [("x-demo-seed-key", self.seed_key.as_str()), ("content-type", "application/json")];
        let (code, answer) = request(self.port, "POST", "/api/v1/demo/seed", &headers, &body)?;
        if code != 200 {
            return Err(format!("seeding the demo failed with HTTP {code}: {answer}"));
        }
        Ok(answer)
    }

    /// Fires the every-minute schedule as the platform would in production
    /// (the local runtime only fires it when asked): invitation rounds and
    /// the outbox go out while the console runs.
    pub fn tick_every_minute(&self) {
        let port = self.port;
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_mins(1));
                let _ = request(port, "GET", "/__scheduled?cron=*+*+*+*+*", &[], "");
            }
        });
    }

    /// The peak resident memory of the runtime's processes started by this
    /// server (whole processes: the Worker, the local database and
    /// storage), in MB; Linux only, and only for a server in its own group.
    pub fn runtime_peak_memory_mb(&self) -> Option<u64> {
        let group = self.child.id().to_string();
        let mut peak = None;
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            // `pid (name) state ppid pgrp …`: the name may hold spaces.
            let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
            if !stat.contains("(workerd)") || after_name.split_whitespace().nth(2) != Some(group.as_str()) {
                continue;
            }
            let status = std::fs::read_to_string(entry.path().join("status")).unwrap_or_default();
            let kb = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak = peak.max(kb.map(|kb| kb / 1024));
        }
        peak
    }

    /// Waits until the server stops (Ctrl-C).
    pub fn wait(mut self) -> Result {
        let status = self.child.wait().map_err(|e| e.to_string())?;
        if status.success() { Ok(()) } else { Err(format!("wrangler dev stopped: {status}")) }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if !self.own_group {
            let _ = self.child.kill();
            let _ = self.child.wait();
            return;
        }
        // wrangler starts workerd as a child: stop the whole group, gently first.
        let group = format!("-{}", self.child.id());
        for signal in ["TERM", "KILL"] {
            let _ = Command::new("kill").args(["-s", signal, "--", &group]).status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// A free TCP port on the loopback interface.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// A fresh, empty folder for a test run's local state.
pub fn fresh_state_dir(root: &Path) -> Result<PathBuf> {
    let dir = root.join("target/e2e-state").join(random_hex(6)?);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut buf)).map_err(|e| e.to_string())?;
    Ok(buf.iter().fold(String::new(), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    }))
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One HTTP/1.1 request to the local server: (status, body).
fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Result<(u16, String)> {
    exchange(port, method, path, headers, body.as_bytes()).map(|(code, _, body)| (code, body))
}

impl Server {
    /// Signs in and returns the session cookie pair.
    pub fn sign_in(&self, email: &str, password: &str) -> Result<String> {
        self.sign_in_to(email, password, None).map(|(cookie, _)| cookie)
    }

    /// Signs in to `company` (by default the first the address
    /// administers): the session cookie pair and the answer's body.
    pub fn sign_in_to(&self, email: &str, password: &str, company: Option<i64>) -> Result<(String, String)> {
        let chosen = company.map(|id| format!(",\"company_id\":{id}")).unwrap_or_default();
        let body = format!("{{\"email\":{},\"password\":{}{chosen}}}", json_string(email), json_string(password));
        let (code, head, answer) =
            exchange(self.port, "POST", "/api/v1/session", &[("content-type", "application/json")], body.as_bytes())?;
        if code != 201 {
            return Err(format!("signing in failed with HTTP {code}: {answer}"));
        }
        let cookie = head
            .lines()
            .filter_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
            .find(|c| c.starts_with("roster_session="))
            .and_then(|c| c.split(';').next())
            .map(str::to_owned)
            .ok_or("no session cookie")?;
        Ok((cookie, answer))
    }

    /// Sends a request with a session cookie: (status, body).
    pub fn call(
        &self,
        cookie: &str,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<(u16, String)> {
        let mut all = vec![("cookie", cookie)];
        all.extend_from_slice(headers);
        exchange(self.port, method, path, &all, body).map(|(code, _, body)| (code, body))
    }

    /// Asks for `path` with a session cookie, giving the body of a 200, or
    /// `None` when no answer came within a second: the local runtime may
    /// hold a request that arrives while a background job keeps the Worker
    /// busy, and a poller should just ask again.
    pub fn poll(&self, cookie: &str, path: &str) -> Result<Option<String>> {
        match exchange_once(self.port, "GET", path, &[("cookie", cookie)], b"", Duration::from_secs(1)) {
            Ok((200, _, body)) => Ok(Some(body)),
            Ok((code, _, body)) => Err(format!("GET {path} answered {code}: {body}")),
            Err(_) => Ok(None),
        }
    }
}

/// One HTTP/1.1 exchange: (status, head, body).
fn exchange(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<(u16, String, String)> {
    let mut answer = exchange_once(port, method, path, headers, body, Duration::from_mins(2));
    // The local runtime asks for this itself when it restarted the Worker
    // before the request was handled.
    if answer.as_ref().is_ok_and(|(code, _, text)| *code == 503 && text.contains("restarted mid-request")) {
        answer = exchange_once(port, method, path, headers, body, Duration::from_mins(2));
    }
    answer.map_err(|e| format!("{method} {path}: {e}"))
}

fn exchange_once(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    patience: Duration,
) -> Result<(u16, String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(patience)).map_err(|e| e.to_string())?;
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    // A bodiless GET announcing an empty body is answered 500 by the local
    // runtime whenever it has to replay the request.
    if !(body.is_empty() && method == "GET") {
        let _ = write!(request, "Content-Length: {}\r\n", body.len());
    }
    for (name, value) in headers {
        let _ = write!(request, "{name}: {value}\r\n");
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).and_then(|()| stream.write_all(body)).map_err(|e| e.to_string())?;
    // Read the answer by its length: the local runtime may keep the
    // connection open a few seconds after answering, whatever was asked.
    let mut reader = std::io::BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let code = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).ok_or("no HTTP status line")?;
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_ascii_lowercase())
        })
    };
    let mut body = Vec::new();
    if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).map_err(|e| e.to_string())?;
            let size = usize::from_str_radix(size.trim(), 16).map_err(|e| format!("bad chunk size: {e}"))?;
            let mut chunk = vec![0; size + 2]; // the chunk and its CRLF
            reader.read_exact(&mut chunk).map_err(|e| e.to_string())?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(length, 0);
        reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    } else {
        reader.read_to_end(&mut body).map_err(|e| e.to_string())?;
    }
    Ok((code, head.trim_end().to_owned(), String::from_utf8_lossy(&body).into_owned()))
}
