//! Retries that never act twice: a request that starts work may carry an
//! `Idempotency-Key` header. The first request with a key acts and its
//! answer is kept for [`KEPT_HOURS`]; a retry with the same key and the
//! same request gets that answer again without acting, and the same key on
//! another request is refused, so a client that lost an answer (a dropped
//! connection, a proxy that gave up) can always send again safely.

use sha2::{Digest, Sha256};

use crate::time::Timestamp;

/// How long a key's answer is kept.
pub const KEPT_HOURS: i64 = 24;
/// The longest key accepted, in characters.
pub const MAX_KEY_CHARS: usize = 255;

/// A key as a client sent it: 1 to [`MAX_KEY_CHARS`] visible ASCII
/// characters (a UUID fits, as most clients send).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key(String);

impl Key {
    /// Reads a header's value.
    ///
    /// # Errors
    /// A sentence for the client when the value is empty, too long or
    /// holds anything but visible ASCII characters.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let key = raw.trim();
        if key.is_empty() || key.len() > MAX_KEY_CHARS || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("An Idempotency-Key is 1 to 255 visible ASCII characters.");
        }
        Ok(Self(key.to_owned()))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The body digest of an upload whose body is still being read: uploads
/// are streamed, so their digest is known only once they are stored.
pub const PENDING: &str = "pending";

/// What identifies a request for its key: the method and path, and a
/// digest of the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// The fingerprint of a request whose body digest is `body_digest`
    /// ([`body_digest`]).
    pub fn new(method: &str, path: &str, body_digest: &str) -> Self {
        Self(format!("{method} {path} {body_digest}"))
    }

    /// As stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Reads a stored fingerprint.
    pub fn stored(text: String) -> Self {
        Self(text)
    }

    /// True when this is the pending fingerprint of an upload to where
    /// `other` goes.
    fn pending_of(&self, other: &Self) -> bool {
        self.0.strip_suffix(PENDING).is_some_and(|target| other.0.strip_prefix(target).is_some())
    }
}

/// The digest of a body read a chunk at a time.
#[derive(Clone, Default)]
pub struct BodyDigest(Sha256);

impl BodyDigest {
    /// Adds the next chunk.
    pub fn update(&mut self, chunk: &[u8]) {
        self.0.update(chunk);
    }

    /// The digest, in hexadecimal.
    pub fn finish(self) -> String {
        self.0.finalize().iter().fold(String::with_capacity(64), |mut hex, b| {
            use std::fmt::Write as _;
            let _ = write!(hex, "{b:02x}");
            hex
        })
    }
}

/// The digest of a whole body, in hexadecimal.
pub fn body_digest(body: &[u8]) -> String {
    let mut digest = BodyDigest::default();
    digest.update(body);
    digest.finish()
}

/// What is known of a key already used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Used {
    /// The request that used it first.
    pub fingerprint: Fingerprint,
    /// Its answer's status, once it has one.
    pub status: Option<u16>,
}

/// What to do with a request carrying a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The key is new: act, and keep the answer.
    Act,
    /// A retry of a request already answered: give that answer again.
    Replay,
    /// The first request with this key is still being answered: 409.
    InProgress,
    /// The key came with another request: 422.
    Mismatch,
}

/// Decides what a request with `fingerprint` does, given what is known of
/// its key (`None` when the key is new or its answer expired).
/// An upload's fingerprint is compared on its method and path alone
/// while its first request is still reading it.
pub fn verdict(fingerprint: &Fingerprint, used: Option<&Used>) -> Verdict {
    let Some(used) = used else { return Verdict::Act };
    let same = used.fingerprint == *fingerprint;
    match used.status {
        None if same || used.fingerprint.pending_of(fingerprint) => Verdict::InProgress,
        Some(_) if same => Verdict::Replay,
        _ => Verdict::Mismatch,
    }
}

/// Whether an answer of this status is kept for retries: everything but
/// our own failures (5xx), after which a retry may act again since the
/// request's writes are all-or-nothing.
pub const fn kept(status: u16) -> bool {
    status < 500
}

/// When a key used at `now` is forgotten.
pub fn forgotten_at(now: Timestamp) -> Timestamp {
    now.plus_seconds(KEPT_HOURS * 3_600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_of_bounded_length() {
        assert_eq!(Key::parse(" 3f1c2b7a-0e4d-4e55-9a55-1c2d3e4f5a6b ").map(|k| k.0.len()), Ok(36));
        assert!(Key::parse("").is_err());
        assert!(Key::parse("two words").is_err());
        assert!(Key::parse("clé").is_err());
        assert!(Key::parse(&"k".repeat(MAX_KEY_CHARS)).is_ok());
        assert!(Key::parse(&"k".repeat(MAX_KEY_CHARS + 1)).is_err());
    }

    #[test]
    fn a_retry_of_the_same_request_replays_and_another_request_is_refused() {
        let first = Fingerprint::new("POST", "/api/v1/users/bulk", &body_digest(b"{\"action\":\"delete\"}"));
        let other = Fingerprint::new("POST", "/api/v1/users/bulk", &body_digest(b"{\"action\":\"activate\"}"));
        let elsewhere = Fingerprint::new("POST", "/api/v1/exports", &body_digest(b"{\"action\":\"delete\"}"));
        assert_eq!(verdict(&first, None), Verdict::Act);
        let running = Used { fingerprint: first.clone(), status: None };
        assert_eq!(verdict(&first, Some(&running)), Verdict::InProgress);
        let answered = Used { fingerprint: first.clone(), status: Some(200) };
        assert_eq!(verdict(&first, Some(&answered)), Verdict::Replay);
        assert_eq!(verdict(&other, Some(&answered)), Verdict::Mismatch);
        assert_eq!(verdict(&elsewhere, Some(&running)), Verdict::Mismatch);
    }

    #[test]
    fn an_upload_still_being_read_is_in_progress_for_a_retry_to_the_same_place() {
        let pending = Used { fingerprint: Fingerprint::new("POST", "/api/v1/imports/users", PENDING), status: None };
        let retry = Fingerprint::new("POST", "/api/v1/imports/users", PENDING);
        assert_eq!(verdict(&retry, Some(&pending)), Verdict::InProgress);
        let read = Fingerprint::new("POST", "/api/v1/imports/users", &body_digest(b"a file"));
        assert_eq!(verdict(&read, Some(&pending)), Verdict::InProgress);
        let elsewhere = Fingerprint::new("POST", "/api/v1/imports/invitations", PENDING);
        assert_eq!(verdict(&elsewhere, Some(&pending)), Verdict::Mismatch);
        let stored = Used { fingerprint: read.clone(), status: Some(202) };
        assert_eq!(verdict(&read, Some(&stored)), Verdict::Replay);
        assert_eq!(
            verdict(&Fingerprint::new("POST", "/api/v1/imports/users", &body_digest(b"another")), Some(&stored)),
            Verdict::Mismatch
        );
    }

    #[test]
    fn a_body_read_in_chunks_has_the_digest_of_the_whole() {
        let mut chunks = BodyDigest::default();
        chunks.update(b"first,");
        chunks.update(b"second");
        assert_eq!(chunks.finish(), body_digest(b"first,second"));
        assert_eq!(body_digest(b"").len(), 64);
    }

    #[test]
    fn our_failures_are_not_kept_so_a_retry_acts_again() {
        assert!(kept(200) && kept(202) && kept(422) && kept(409));
        assert!(!kept(500) && !kept(503));
    }
}
