//! `cargo xtask dev`: set everything up and serve the console with demo data.
//! `cargo xtask test`: run every check and test, and say how it went.

mod bench;
mod bench_directory;
mod bench_insights;
mod build;
mod fuzz;
mod local;
mod run;
mod test;
mod tools;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  dev [--port N]   install what is missing, build, migrate, seed the demo
                   companies and serve the console (default port 8787)
  test             formatting, lints, native, wasm, HTTP end-to-end and
                   browser tests; exits non-zero on any failure
  bench [server|directory|insights]
                   time checking, importing, exporting and inviting 100,000
                   users (native, WebAssembly, SheetJS and the server path),
                   then the directory at 100,000 and 1,000,000 users and
                   Insights at 100,000 users with a year of events
                   (`server`: the server path alone; `directory`,
                   `insights`: that part alone)

environment:
  ROSTER_DEMO_PASSWORD   the demo administrators' password (default roster-demo)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("dev") => local::dev(port_arg(&args[1..]).unwrap_or(8787)),
        Some("test") => test::all(),
        Some("bench") if args.get(1).is_some_and(|a| a == "directory") => {
            bench_directory::run().map(|lines| bench::report(bench_directory::TITLE, &lines))
        }
        Some("bench") if args.get(1).is_some_and(|a| a == "insights") => {
            bench_insights::run().map(|lines| bench::report(bench_insights::TITLE, &lines))
        }
        Some("bench") => bench::all(args.get(1).is_some_and(|a| a == "server")),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn port_arg(args: &[String]) -> Option<u16> {
    let i = args.iter().position(|a| a == "--port")?;
    args.get(i + 1)?.parse().ok()
}

/// The workspace's root folder.
///
/// # Panics
/// If the folder this crate was built from is gone.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the workspace root exists")
}

/// The failure of a step, said in words a developer can act on.
pub type Result<T = ()> = std::result::Result<T, String>;
