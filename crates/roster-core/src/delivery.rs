//! Sending the outbox (K3, F5): how often a message is retried, and how a
//! delivery report from the e-mail/SMS provider is authenticated.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::time::Timestamp;

/// Attempts before a message is given up (dead).
pub const MAX_ATTEMPTS: u32 = 6;

/// How far from now a report's timestamp may be: older ones are refused,
/// so a captured report cannot be replayed later.
pub const REPORT_TOLERANCE_SECONDS: i64 = 300;

/// When to try a message again after `attempts` failed ones: 1, 4, 16, 64,
/// 256 minutes; `None` once it has had [`MAX_ATTEMPTS`].
pub fn next_attempt(attempts: u32, now: Timestamp) -> Option<Timestamp> {
    (attempts < MAX_ATTEMPTS).then(|| now.plus_seconds(60 * 4_i64.pow(attempts.saturating_sub(1).min(6))))
}

/// Why a delivery report is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// No timestamp or signature, or not of the expected form.
    #[error("the report is not signed")]
    Unsigned,
    /// The timestamp is too far from now.
    #[error("the report is too old or from the future")]
    Stale,
    /// The signature does not match the body.
    #[error("the signature does not match")]
    BadSignature,
}

/// The signature a provider sends for `body` sent at `timestamp` (Unix
/// seconds): `v1=` and the hex HMAC-SHA256 of `timestamp.body` under the
/// shared secret.
pub fn sign_report(secret: &str, timestamp: i64, body: &[u8]) -> String {
    use std::fmt::Write;
    // HMAC takes keys of any length: this never fails.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().iter().fold(String::from("v1="), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// Checks a report's timestamp header and signature header at `now`.
///
/// # Errors
/// [`ReportError`] when unsigned, stale or forged.
pub fn verify_report(
    secret: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: Timestamp,
) -> Result<(), ReportError> {
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(ReportError::Unsigned);
    };
    let at: i64 = timestamp.trim().parse().map_err(|_| ReportError::Unsigned)?;
    if (now.unix_seconds() - at).abs() > REPORT_TOLERANCE_SECONDS {
        return Err(ReportError::Stale);
    }
    if crate::secret::same_secret(&sign_report(secret, at, body), signature.trim()) {
        Ok(())
    } else {
        Err(ReportError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_then_stop() {
        let now = Timestamp::from_unix_seconds(0);
        let waits: Vec<_> = (1..=MAX_ATTEMPTS).map(|n| next_attempt(n, now).map(Timestamp::unix_seconds)).collect();
        assert_eq!(waits, [Some(60), Some(240), Some(960), Some(3_840), Some(15_360), None]);
    }

    #[test]
    fn reports_are_taken_only_signed_fresh_and_intact() {
        let now = Timestamp::from_unix_seconds(1_800_000_000);
        let body = br#"{"message_id":1,"event":"bounced"}"#;
        let good = sign_report("s3cret", now.unix_seconds(), body);
        let stamp = now.unix_seconds().to_string();
        assert_eq!(verify_report("s3cret", Some(&stamp), Some(&good), body, now), Ok(()));
        assert_eq!(verify_report("s3cret", None, Some(&good), body, now), Err(ReportError::Unsigned));
        assert_eq!(verify_report("other", Some(&stamp), Some(&good), body, now), Err(ReportError::BadSignature));
        assert_eq!(verify_report("s3cret", Some(&stamp), Some(&good), b"{}", now), Err(ReportError::BadSignature));
        let later = now.plus_seconds(REPORT_TOLERANCE_SECONDS + 1);
        assert_eq!(verify_report("s3cret", Some(&stamp), Some(&good), body, later), Err(ReportError::Stale));
    }
}
