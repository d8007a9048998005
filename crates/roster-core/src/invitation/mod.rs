//! Invitations (B2, E1–E3): reading pasted lists of addresses, splitting
//! recipients into batches, and the schedule of each invitation's messages.

pub mod batch;
pub mod paste;
pub mod schedule;

use crate::model::{Channel, Email, Mobile};

/// Where an invitation is sent: an e-mail address or a mobile number.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(tag = "channel", content = "address", rename_all = "snake_case")]
pub enum Address {
    /// By e-mail.
    Email(Email),
    /// By text message.
    Sms(Mobile),
}

impl Address {
    /// The channel the message goes by.
    pub const fn channel(&self) -> Channel {
        match self {
            Self::Email(_) => Channel::Email,
            Self::Sms(_) => Channel::Sms,
        }
    }

    /// The address as stored (lower-case e-mail, E.164 mobile).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Email(email) => email.as_str(),
            Self::Sms(mobile) => mobile.as_str(),
        }
    }
}

/// How long a sign-up link works (B2): long enough for a holiday, short
/// enough that a forwarded old message is useless.
pub const SIGN_UP_DAYS: i64 = 14;
