//! Installs what a fresh machine lacks, and nothing when it is all there.

use std::path::Path;
use std::process::Command;

use crate::Result;
use crate::run::{cargo, in_dir, output, say, status};

/// Must equal the `wasm-bindgen` version pinned in the root Cargo.toml.
pub const WASM_BINDGEN: &str = "0.2.130";
/// The worker-build release matching the `worker` crate.
pub const WORKER_BUILD: &str = "0.8.7";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The wasm target, the wasm-bindgen CLI, worker-build and the npm packages.
pub fn ensure_build_tools(root: &Path) -> Result {
    ensure_wasm_target()?;
    ensure_cargo_tool("wasm-bindgen", "wasm-bindgen-cli", WASM_BINDGEN, "about 4 minutes")?;
    ensure_cargo_tool("worker-build", "worker-build", WORKER_BUILD, "about 7 minutes")?;
    ensure_npm_packages(root)
}

fn ensure_wasm_target() -> Result {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|t| t.trim() == WASM_TARGET) {
        return Ok(());
    }
    say(&format!("Adding the Rust target {WASM_TARGET}"));
    status(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

fn ensure_cargo_tool(binary: &str, package: &str, version: &str, duration: &str) -> Result {
    let found = output(Command::new(binary).arg("--version")).unwrap_or_default();
    if found.split_whitespace().any(|word| word == version) {
        return Ok(());
    }
    say(&format!("Installing {package} {version} (compiles from source: {duration}, once per machine)"));
    // No --locked: the registry here lacks some exact versions those lock files name.
    status(cargo().args(["install", package, "--version", version]))
}

fn ensure_npm_packages(root: &Path) -> Result {
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules/.package-lock.json");
    let fresh = match (modified(&lock), modified(&installed)) {
        (Some(wanted), Some(have)) => have >= wanted,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    if output(Command::new("npm").arg("--version")).is_none() {
        return Err("npm is missing: install Node.js 20 or newer (Debian: apt-get install nodejs npm)".into());
    }
    say("Installing npm packages (wrangler, esbuild, playwright-core, autocannon)");
    status(in_dir("npm", root).args(["ci", "--no-audit", "--no-fund"]))
}

/// Debian's Chromium for the browser tests (test tools may not download
/// their own browser here).
pub fn ensure_chromium() -> Result {
    if Path::new(CHROMIUM).exists() {
        return Ok(());
    }
    say("Installing Chromium from Debian for the browser tests");
    let root = output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    let sudo = |args: &[&str]| {
        let mut cmd = if root { Command::new(args[0]) } else { Command::new("sudo") };
        if root {
            cmd.args(&args[1..]);
        } else {
            cmd.args(args);
        }
        cmd.env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    status(&mut sudo(&["apt-get", "update", "-q"]))?;
    status(&mut sudo(&["apt-get", "install", "-y", "-q", "chromium"]))
}

/// Where Debian installs Chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// The last modification time of a file, if it exists.
pub fn modified(path: &Path) -> Option<std::time::SystemTime> {
    path.metadata().and_then(|m| m.modified()).ok()
}
