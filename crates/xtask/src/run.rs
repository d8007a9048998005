//! Running commands and saying what is being done.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::Result;

/// Prints a step heading, so long steps never look stuck.
pub fn say(what: &str) {
    println!("\n==> {what}");
}

/// Runs `cmd` to completion with its output shown; fails when it fails.
pub fn status(cmd: &mut Command) -> Result {
    let shown = describe(cmd);
    let started = Instant::now();
    let status = cmd.status().map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        println!("    ({shown}: {:.1} s)", started.elapsed().as_secs_f64());
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Runs `cmd` and returns its standard output, or `None` if it cannot run
/// or fails (used to probe for installed tools).
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `cargo` as invoked by the current `cargo xtask`.
pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// A command run in `dir`.
pub fn in_dir(program: &str, dir: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir);
    cmd
}

fn describe(cmd: &Command) -> String {
    let mut text = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}
