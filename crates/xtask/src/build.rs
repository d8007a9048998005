//! Builds the console's WebAssembly package and the Worker, skipping either
//! when nothing it is made from changed.

use std::path::Path;
use std::time::SystemTime;

use crate::Result;
use crate::run::{cargo, in_dir, say, status};
use crate::tools::{WASM_BINDGEN, modified};

/// Builds `www/pkg` (the core for the browser) and the Worker bundle.
pub fn all(root: &Path) -> Result {
    console(root)?;
    worker(root)
}

fn console(root: &Path) -> Result {
    let out = root.join("www/pkg/roster_wasm_bg.wasm");
    if is_fresh(root, &out, &["crates/roster-core", "crates/roster-wasm"]) {
        return Ok(());
    }
    say("Building the console's WebAssembly package (www/pkg)");
    status(cargo().current_dir(root).args([
        "build",
        "--release",
        "--package",
        "roster-wasm",
        "--target",
        "wasm32-unknown-unknown",
    ]))?;
    let wasm = root.join("target/wasm32-unknown-unknown/release/roster_wasm.wasm");
    status(in_dir("wasm-bindgen", root).args([
        "--target".as_ref(),
        "web".as_ref(),
        "--no-typescript".as_ref(),
        "--out-dir".as_ref(),
        root.join("www/pkg").as_os_str(),
        wasm.as_os_str(),
    ]))
}

fn worker(root: &Path) -> Result {
    let dir = root.join("crates/roster-worker");
    let out = dir.join("build/index_bg.wasm");
    if is_fresh(root, &out, &["crates/roster-core", "crates/roster-worker"]) {
        return Ok(());
    }
    say("Building the Worker (crates/roster-worker/build)");
    let wasm_bindgen = which("wasm-bindgen").ok_or(format!("wasm-bindgen {WASM_BINDGEN} is not on PATH"))?;
    status(
        in_dir("worker-build", &dir)
            .arg("--release")
            .env("WASM_BINDGEN_BIN", wasm_bindgen)
            .env("ESBUILD_BIN", root.join("node_modules/.bin/esbuild")),
    )
}

/// True when `output` is newer than every file under `inputs` and the lock file.
fn is_fresh(root: &Path, output: &Path, inputs: &[&str]) -> bool {
    let Some(built) = modified(output) else {
        return false;
    };
    let mut newest = modified(&root.join("Cargo.lock")).unwrap_or(SystemTime::UNIX_EPOCH);
    for input in inputs {
        newest = newest.max(newest_in(&root.join(input)));
    }
    built > newest
}

fn newest_in(dir: &Path) -> SystemTime {
    let mut newest = SystemTime::UNIX_EPOCH;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return newest;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == "build" || n == "target") {
            continue;
        }
        let time = if path.is_dir() { newest_in(&path) } else { modified(&path).unwrap_or(newest) };
        newest = newest.max(time);
    }
    newest
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|dir| Path::new(dir).join(program)).find(|p| p.is_file())
}
