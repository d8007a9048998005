//! Passwords and bearer secrets (K1). Randomness comes from the caller.

use pbkdf2::Pbkdf2;
use pbkdf2::password_hash::{Ident, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::Message;

/// PBKDF2-HMAC-SHA256 rounds for a new hash. High enough to slow guessing,
/// low enough for one sign-in to stay well inside a Worker's CPU budget.
pub const PASSWORD_ROUNDS: u32 = 100_000;

/// The shortest password accepted.
pub const PASSWORD_MIN_LEN: usize = 10;

/// The longest password accepted: hashing cost grows with it.
pub const PASSWORD_MAX_LEN: usize = 200;

const ALGORITHM: Ident<'static> = Ident::new_unwrap("pbkdf2-sha256");

/// Checks that `password` may be set.
///
/// # Errors
/// [`Message::PasswordTooShort`] below [`PASSWORD_MIN_LEN`] characters,
/// [`Message::TooLong`] past [`PASSWORD_MAX_LEN`].
pub fn check_new_password(password: &str) -> Result<(), Message> {
    match password.chars().count() {
        n if n < PASSWORD_MIN_LEN => Err(Message::PasswordTooShort),
        n if n > PASSWORD_MAX_LEN => Err(Message::TooLong),
        _ => Ok(()),
    }
}

/// Hashes `password` with `salt` (16 random bytes from the caller) into a
/// PHC string: `$pbkdf2-sha256$i=100000,l=32$<salt>$<hash>`, which any
/// password library reads.
pub fn hash_password(password: &str, salt: [u8; 16]) -> String {
    hash_with(password, &salt, PASSWORD_ROUNDS).unwrap_or_default()
}

fn hash_with(password: &str, salt: &[u8], rounds: u32) -> Option<String> {
    let salt = SaltString::encode_b64(salt).ok()?;
    let params = pbkdf2::Params { rounds, output_length: 32 };
    let hash = Pbkdf2.hash_password_customized(password.as_bytes(), Some(ALGORITHM), None, params, &salt).ok()?;
    Some(hash.to_string())
}

/// True when `password` matches `stored`, a string from [`hash_password`].
/// A malformed `stored`, another algorithm or an unreasonable round count
/// matches nothing; the comparison is constant-time.
pub fn verify_password(password: &str, stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    let rounds = hash.params.get_decimal("i").unwrap_or(0);
    if hash.algorithm != ALGORITHM || rounds == 0 || rounds > 10 * PASSWORD_ROUNDS {
        return false;
    }
    Pbkdf2.verify_password(password.as_bytes(), &hash).is_ok()
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
    /// A browser an administrator signed in from, carried in a cookie.
    Device,
    /// A personal sign-up link of an invitation (B2).
    SignUp,
    /// A personal link to choose a new password, after a reset (F3).
    PasswordLink,
    /// An attempt through a public link: the player reports its end with it (I1).
    Attempt,
}

impl SecretKind {
    const fn prefix(self) -> &'static str {
        match self {
            Self::Session => "rss_",
            Self::ApiToken => "rst_",
            Self::Device => "rsd_",
            Self::SignUp => "rsu_",
            Self::PasswordLink => "rsp_",
            Self::Attempt => "rsa_",
        }
    }
}

/// How long a browser stays trusted after a sign-in from it.
pub const DEVICE_DAYS: i64 = 180;
/// An API token's life when its creator does not say.
pub const TOKEN_DEFAULT_DAYS: i64 = 90;
/// The longest life an API token may be given.
pub const TOKEN_MAX_DAYS: i64 = 365;

/// What an API token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Read only: `GET` requests.
    Read,
    /// Read and change the company's data; never manage tokens.
    Write,
}

impl TokenScope {
    /// The stored code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        [Self::Read, Self::Write].into_iter().find(|s| s.code() == code)
    }

    /// Whether a request that changes something (`changes`) is allowed.
    pub const fn allows(self, changes: bool) -> bool {
        matches!(self, Self::Write) || !changes
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

/// The letters of personal login codes: capitals without I, L and O,
/// which people misread as 1 and 0.
const CODE_LETTERS: &[u8; 23] = b"ABCDEFGHJKMNPQRSTUVWXYZ";

/// The letters in a personal login code (F3).
pub const LOGIN_CODE_LEN: usize = 6;

/// A personal login code of six letters drawn from `random`, or `None`
/// when the bytes run out first (each letter takes one byte; bytes past
/// the last multiple of 23 are skipped so every letter is equally likely).
pub fn login_code(random: &[u8]) -> Option<String> {
    const FAIR: u8 = 23 * 11; // 253: the largest multiple of 23 a byte holds
    let code: String = random
        .iter()
        .filter(|&&b| b < FAIR)
        .take(LOGIN_CODE_LEN)
        .map(|&b| char::from(CODE_LETTERS[usize::from(b % 23)]))
        .collect();
    (code.len() == LOGIN_CODE_LEN).then_some(code)
}

/// What is stored of a login code: a digest tied to the company, so the
/// same code may exist in two companies and a code is unique in each.
pub fn login_code_digest(company_id: i64, code: &str) -> String {
    secret_digest(&format!("{company_id}:{}", code.to_ascii_uppercase()))
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

/// True when two secrets (or digests) are equal, in a time that does not
/// depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let stored = hash_password("correct horse", [7; 16]);
        assert!(stored.starts_with("$pbkdf2-sha256$i=100000,l=32$"), "{stored}");
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
        let too_slow = hash_with("anything", &[1; 16], 10 * PASSWORD_ROUNDS + 1).unwrap();
        let other = hash_password("anything", [1; 16]).replace("pbkdf2-sha256", "pbkdf2-sha512");
        for stored in ["", "plain", "$pbkdf2-sha256$i=x$AAAA$AAAA", "md5$1$00$00", too_slow.as_str(), other.as_str()] {
            assert!(!verify_password("anything", stored), "{stored}");
        }
    }

    #[test]
    fn the_known_pbkdf2_vector_is_reproduced() {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256("passwd", "salt", 1 round).
        let stored = hash_with("passwd", b"salt", 1).unwrap();
        let digest = PasswordHash::new(&stored).unwrap().hash.unwrap();
        assert_eq!(hex(digest.as_bytes()), "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
        assert!(verify_password("passwd", &stored));
    }

    #[test]
    fn a_read_token_only_reads() {
        assert!(TokenScope::Read.allows(false) && !TokenScope::Read.allows(true));
        assert!(TokenScope::Write.allows(true));
        assert_eq!(TokenScope::parse("write"), Some(TokenScope::Write));
        assert_eq!(TokenScope::parse("admin"), None);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }

    #[test]
    fn login_codes_are_six_unambiguous_letters_tied_to_their_company() {
        let code = login_code(&[0, 1, 22, 23, 252, 253, 254, 255, 45, 100]).unwrap();
        assert_eq!(code, "ABZAZZ", "bytes past 252 are skipped");
        assert!(code.bytes().all(|b| CODE_LETTERS.contains(&b)));
        assert_eq!(login_code(&[255; 32]), None, "no fair byte, no code");
        assert_eq!(login_code_digest(1, "abzazz"), login_code_digest(1, "ABZAZZ"));
        assert_ne!(login_code_digest(1, "ABZAZZ"), login_code_digest(2, "ABZAZZ"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(check_new_password("short"), Err(Message::PasswordTooShort));
        assert_eq!(check_new_password("roster-demo"), Ok(()));
        assert_eq!(check_new_password(&"x".repeat(PASSWORD_MAX_LEN + 1)), Err(Message::TooLong));
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
