//! The API fuzzer: schemathesis (from the Python package index, pinned) against the running
//! server, authenticated with a write token of the Globex demo company, so
//! that what it creates, renames and deletes disturbs no other test.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;
use crate::local::{self, Server};
use crate::run::{output, say, status};

/// The schemathesis release the suite runs.
pub const SCHEMATHESIS: &str = "4.32.5";
/// The fuzzer's time budget: it keeps generating cases until it is spent.
const MAX_SECONDS: u32 = 240;
/// The company the fuzzer works in, and its administrator (who also
/// administers Demo, so signing in names the company).
const COMPANY: &str = "Globex";
const ADMIN: &str = "admin@demo.example";

/// Installs schemathesis in its own virtual environment under `target/`.
pub fn ensure(root: &Path) -> Result<PathBuf> {
    let venv = root.join("target/tools/schemathesis");
    let binary = venv.join("bin/schemathesis");
    let found = output(Command::new(&binary).arg("--version")).unwrap_or_default();
    if found.contains(SCHEMATHESIS) {
        return Ok(binary);
    }
    say(&format!("Installing schemathesis {SCHEMATHESIS} from PyPI (once per machine)"));
    if !venv.join("bin/pip").exists() {
        let made = status(Command::new("python3").args(["-m", "venv"]).arg(&venv));
        if made.is_err() {
            // Debian ships venv apart.
            status(Command::new("apt-get").args(["install", "-y", "python3-venv"]))?;
            status(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        }
    }
    status(Command::new(venv.join("bin/pip")).args(["install", "--quiet", &format!("schemathesis=={SCHEMATHESIS}")]))?;
    Ok(binary)
}

/// Runs every check the fuzzer has against the API as its description
/// says it is; fails on any server error or disagreement.
pub fn run(root: &Path, binary: &Path, server: &Server) -> Result {
    let password = local::demo_password();
    let (_, body) = server.sign_in_to(ADMIN, &password, None)?;
    let company = company_id(&body, COMPANY).ok_or_else(|| format!("no {COMPANY} company in {body}"))?;
    let (cookie, _) = server.sign_in_to(ADMIN, &password, Some(company))?;
    let request = r#"{"name":"API fuzzer","scope":"write","expires_in_days":1}"#;
    let (code, created) =
        server.call(&cookie, "POST", "/api/v1/tokens", &[("content-type", "application/json")], request.as_bytes())?;
    if code != 201 {
        return Err(format!("creating the fuzzer's token failed with HTTP {code}: {created}"));
    }
    let token = created.split("\"token\":\"").nth(1).and_then(|r| r.split('"').next()).ok_or("no token")?;
    let url = server.url();
    let reports = root.join("target/schemathesis-report");
    let config = reports.join("schemathesis.toml");
    std::fs::create_dir_all(&reports).map_err(|e| e.to_string())?;
    std::fs::write(&config, configuration(token)).map_err(|e| e.to_string())?;
    status(
        Command::new(binary)
            .arg("--config-file")
            .arg(&config)
            .arg("run")
            .arg(format!("{url}/api/v1/openapi.yaml"))
            .args(["--url", &url])
            .args(["--checks", "all"])
            .args(["--max-time", &MAX_SECONDS.to_string()])
            .args(["--seed", "20261122"])
            .args(["--workers", "2"])
            .args(["--request-timeout", "30"])
            .args(["--report", "junit"])
            .arg("--report-dir")
            .arg(&reports)
            // Its case cache stays with the reports, out of the work tree.
            .current_dir(&reports)
            .env("SCHEMATHESIS_HOOKS", "")
            .env("NO_COLOR", "1"),
    )
}

/// The fuzzer's configuration. The token is given as the description's
/// `token` scheme, so the authentication checks know which scheme it is
/// and try requests without it and with a corrupted one.
///
/// Valid-looking data may still be refused by a rule no schema can state —
/// an e-mail address another user holds, a mobile number no numbering
/// plan has, a group name taken meanwhile — and the server answers those
/// with 422 and the field at fault: an accepted answer to schema-valid
/// data, beside the ones schemathesis accepts by default. So is 410 from a
/// public link that was closed or replaced by a new one: the stateful
/// phase regenerates links, then answers through the old token. The
/// directory's lists also refuse with 400 a cursor sent with another
/// `sort` than the page that gave it: a rule between two parameters. And
/// a body past its limit is refused with 413, which rejects invalid data
/// as surely as the statuses schemathesis lists by default.
fn configuration(token: &str) -> String {
    let accepted = r#""2xx", "3xx", "401", "403", "404", "409", "410", "422", "429""#;
    let rejected = r#""400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx""#;
    format!(
        "[auth.openapi.token]\nbearer = \"{token}\"\n\n\
         [checks.positive_data_acceptance]\n\
         expected-statuses = [{accepted}]\n\n\
         [checks.negative_data_rejection]\n\
         expected-statuses = [{rejected}]\n\n\
         [[operations]]\n\
         include-method = \"GET\"\n\
         include-path-regex = \"^/api/v1/(users|users/export|contacts|groups/matrix)$\"\n\
         checks.positive_data_acceptance.expected-statuses = [{accepted}, \"400\"]\n"
    )
}

/// The id of the company named `name` in a sign-in answer's `companies`.
fn company_id(body: &str, name: &str) -> Option<i64> {
    let before = body.split(&format!("\"name\":\"{name}\"")).next()?;
    let id = before.rsplit("\"id\":").next()?;
    id.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}
