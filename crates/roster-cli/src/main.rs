//! `roster`: Roster's command line.
//!
//! `roster hash-password` reads a password on standard input and prints the
//! hash to store in `users.password_hash`: how a production database gets
//! its first administrator, since the password never travels in clear.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use roster_core::secret;

const USAGE: &str = "\
usage: roster <command>

commands:
  hash-password   read a password on standard input (one line) and print
                  the hash to store for an administrator";

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("hash-password") {
        return hash_password();
    }
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

fn hash_password() -> ExitCode {
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        eprintln!("roster: could not read the password from standard input");
        return ExitCode::from(2);
    }
    let password = line.trim_end_matches(['\r', '\n']);
    if let Err(message) = secret::check_new_password(password) {
        eprintln!("roster: {}", message.text(roster_core::Language::En));
        return ExitCode::from(1);
    }
    let mut salt = [0u8; 16];
    if std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut salt)).is_err() {
        eprintln!("roster: no random source (/dev/urandom)");
        return ExitCode::from(2);
    }
    let _ = writeln!(std::io::stdout(), "{}", secret::hash_password(password, salt));
    ExitCode::SUCCESS
}
