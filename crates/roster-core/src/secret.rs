//! Passwords and bearer secrets (K1). Randomness comes from the caller.

use sha2::{Digest, Sha256};

use crate::Message;

/// PBKDF2-HMAC-SHA256 rounds for a new hash. High enough to slow guessing,
/// low enough for one sign-in to stay well inside a Worker's CPU budget.
pub const PASSWORD_ROUNDS: u32 = 100_000;

/// The shortest password accepted.
pub const PASSWORD_MIN_LEN: usize = 10;

const SCHEME: &str = "pbkdf2-sha256";

/// Checks that `password` may be set.
///
/// # Errors
/// [`Message::PasswordTooShort`] below [`PASSWORD_MIN_LEN`] characters.
pub fn check_new_password(password: &str) -> Result<(), Message> {
    if password.chars().count() < PASSWORD_MIN_LEN {
        return Err(Message::PasswordTooShort);
    }
    Ok(())
}

/// Hashes `password` with `salt` (16 random bytes from the caller) into a
/// self-describing string: `pbkdf2-sha256$rounds$salt$hash`, hex-encoded.
pub fn hash_password(password: &str, salt: [u8; 16]) -> String {
    hash_with(password, &salt, PASSWORD_ROUNDS)
}

fn hash_with(password: &str, salt: &[u8], rounds: u32) -> String {
    let mut derived = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, rounds, &mut derived);
    format!("{SCHEME}${rounds}${}${}", hex(salt), hex(&derived))
}

/// True when `password` matches `stored`, a string from [`hash_password`].
/// A malformed `stored` matches nothing. Comparison time does not depend on
/// where the hashes differ.
pub fn verify_password(password: &str, stored: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some(SCHEME), Some(rounds), Some(salt), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Ok(rounds), Some(salt)) = (rounds.parse::<u32>(), unhex(salt)) else {
        return false;
    };
    if rounds == 0 || rounds > 10 * PASSWORD_ROUNDS {
        return false;
    }
    constant_time_eq(hash_with(password, &salt, rounds).as_bytes(), stored.as_bytes())
}

/// Hashes a password nobody knows, so that signing in as an unknown person
/// takes as long as a wrong password (no account enumeration by timing).
pub fn burn_password_time(password: &str) {
    let _ = hash_with(password, &[0; 16], PASSWORD_ROUNDS);
}

/// What a bearer secret opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretKind {
    /// A console session, carried in a cookie.
    Session,
    /// An API token for automation.
    ApiToken,
}

impl SecretKind {
    const fn prefix(self) -> &'static str {
        match self {
            Self::Session => "rss_",
            Self::ApiToken => "rst_",
        }
    }
}

/// Turns 32 random bytes into a bearer secret shown once to its holder.
/// The prefix tells secret scanners and people what it is.
pub fn new_secret(kind: SecretKind, random: [u8; 32]) -> String {
    format!("{}{}", kind.prefix(), hex(&random))
}

/// The digest stored in place of a bearer secret: a stolen database holds no
/// usable secret. Unlike passwords, secrets are random, so a fast hash is enough.
pub fn secret_digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// An unguessable identifier (for jobs and files) from 16 random bytes.
pub fn random_id(random: [u8; 16]) -> String {
    hex(&random)
}

/// True when `secret` has the shape of a secret of `kind` (cheap early refusal).
pub fn looks_like(kind: SecretKind, secret: &str) -> bool {
    secret
        .strip_prefix(kind.prefix())
        .is_some_and(|rest| rest.len() == 64 && rest.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let stored = hash_password("correct horse", [7; 16]);
        assert!(stored.starts_with("pbkdf2-sha256$100000$"));
        assert!(!stored.contains("correct horse"));
        assert!(verify_password("correct horse", &stored));
        assert!(!verify_password("correct horsE", &stored));
    }

    #[test]
    fn the_same_password_with_another_salt_hashes_differently() {
        assert_ne!(hash_password("correct horse", [1; 16]), hash_password("correct horse", [2; 16]));
    }

    #[test]
    fn malformed_stored_hashes_match_nothing() {
        for stored in ["", "plain", "pbkdf2-sha256$x$00$00", "md5$1$00$00", "pbkdf2-sha256$0$00$00"] {
            assert!(!verify_password("anything", stored), "{stored}");
        }
    }

    #[test]
    fn the_known_pbkdf2_vector_is_reproduced() {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256("passwd", "salt", 1 round).
        let stored = hash_with("passwd", b"salt", 1);
        assert!(stored.ends_with("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(check_new_password("short"), Err(Message::PasswordTooShort));
        assert_eq!(check_new_password("roster-demo"), Ok(()));
    }

    #[test]
    fn secrets_are_prefixed_and_stored_as_digests() {
        let token = new_secret(SecretKind::ApiToken, [0xab; 32]);
        assert!(looks_like(SecretKind::ApiToken, &token));
        assert!(!looks_like(SecretKind::Session, &token));
        assert_eq!(secret_digest(&token).len(), 64);
        assert_ne!(secret_digest(&token), secret_digest(&new_secret(SecretKind::ApiToken, [0xac; 32])));
    }
}
