//! `cargo xtask test`: every check, each reported, all run even when one fails.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::local::{self, Server};
use crate::run::{cargo, in_dir, say, status};
use crate::{Result, build, root, tools};

/// Packages that only build for WebAssembly.
const WASM_ONLY: [&str; 2] = ["roster-worker", "roster-wasm"];

struct Steps(Vec<(&'static str, Duration, Result)>);

impl Steps {
    fn run(&mut self, name: &'static str, step: impl FnOnce() -> Result) {
        say(name);
        let started = Instant::now();
        let outcome = step();
        if let Err(e) = &outcome {
            eprintln!("    FAILED: {e}");
        }
        self.0.push((name, started.elapsed(), outcome));
    }

    /// As [`Steps::run`], keeping what the step gave when it succeeded.
    fn run_with<T>(&mut self, name: &'static str, step: impl FnOnce() -> Result<T>) -> Option<T> {
        let mut kept = None;
        self.run(name, || {
            kept = Some(step()?);
            Ok(())
        });
        kept
    }

    fn report(&self) -> Result {
        println!("\n==> Summary");
        for (name, took, outcome) in &self.0 {
            let verdict = if outcome.is_ok() { "ok    " } else { "FAILED" };
            println!("    {verdict} {name} ({:.0} s)", took.as_secs_f64());
        }
        let failed = self.0.iter().filter(|(_, _, o)| o.is_err()).count();
        println!("\nsteps: {} passed, {failed} failed", self.0.len() - failed);
        if failed == 0 { Ok(()) } else { Err(format!("{failed} step(s) failed")) }
    }
}

fn excluding<'a>(cmd: &'a mut Command, packages: &[&str]) -> &'a mut Command {
    cmd.arg("--workspace");
    for p in packages {
        cmd.args(["--exclude", p]);
    }
    cmd
}

/// Runs everything; fails when anything failed.
pub fn all() -> Result {
    let root = root();
    // The wasm target and tools are needed even by the lint step.
    tools::ensure_build_tools(&root)?;
    tools::ensure_chromium()?;
    let mut steps = Steps(Vec::new());
    steps
        .run("Formatting (cargo fmt --check)", || status(cargo().current_dir(&root).args(["fmt", "--all", "--check"])));
    steps.run("Lints, native (clippy -D warnings)", || {
        status(excluding(cargo().current_dir(&root).arg("clippy"), &WASM_ONLY).args([
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    });
    steps.run("Lints, WebAssembly (clippy -D warnings)", || {
        status(cargo().current_dir(&root).args([
            "clippy",
            "--package",
            WASM_ONLY[0],
            "--package",
            WASM_ONLY[1],
            "--package",
            "roster-core",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    });
    steps.run("Native tests", || {
        status(excluding(cargo().current_dir(&root).arg("test"), &[WASM_ONLY[0], WASM_ONLY[1], "roster-e2e"]))
    });
    steps.run("WebAssembly tests under Node", || {
        status(cargo().current_dir(&root).args([
            "test",
            "--package",
            "roster-wasm",
            "--target",
            "wasm32-unknown-unknown",
        ]))
    });
    let mut built = false;
    steps.run("Build the console package and the Worker", || {
        build::all(&root)?;
        built = true;
        Ok(())
    });
    if built {
        end_to_end(&root, &mut steps);
    }
    steps.report()
}

/// Starts a local runtime on a free port with a fresh D1, seeds it, and runs
/// the HTTP and browser suites against it.
fn end_to_end(root: &Path, steps: &mut Steps) {
    let Ok(state) = local::fresh_state_dir(root) else {
        steps.run("Create a folder for the test database", || Err("cannot create target/e2e-state".into()));
        return;
    };
    let mut server = None;
    steps.run("Start the local runtime (fresh D1) and seed the demo", || {
        local::migrate(root, Some(&state))?;
        let started = Server::start(root, local::free_port()?, Some(&state), true)?;
        started.wait_ready(Duration::from_mins(2))?;
        started.seed(&local::demo_password())?;
        // Seeding twice must create nothing (the dev command re-seeds on every start).
        let again = started.seed(&local::demo_password())?;
        if again.contains("\"created\":true") {
            return Err(format!("seeding twice created data again: {again}"));
        }
        server = Some(started);
        Ok(())
    });
    let Some(server) = server else { return };
    let env = [
        ("ROSTER_URL", server.url()),
        ("ROSTER_DEMO_PASSWORD", local::demo_password()),
        ("ROSTER_DEMO_SEED_KEY", server.seed_key().to_owned()),
    ];
    steps.run("HTTP end-to-end tests", || {
        status(cargo().current_dir(root).args(["test", "--package", "roster-e2e"]).envs(env.clone()))
    });
    let fuzzer = steps.run_with("Install the API fuzzer (schemathesis)", || crate::fuzz::ensure(root));
    steps.run("Browser tests (Chromium)", || {
        status(
            in_dir("node", root)
                .args(["--test", "--test-concurrency=1", "tests/browser/"])
                .envs(env.clone())
                .env("CHROMIUM", tools::CHROMIUM),
        )
    });
    // Last: the fuzzer's random sign-ins count against this machine's address.
    if let Some(binary) = fuzzer {
        steps.run("API fuzzing (schemathesis, every check, Globex company)", || {
            crate::fuzz::run(root, &binary, &server)
        });
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&state);
}
