//! Invitations (B2, E1–E3): reading pasted lists of addresses, splitting
//! recipients into batches, and the schedule of each invitation's messages.

pub mod batch;
pub mod message;
pub mod paste;
pub mod schedule;

use crate::Language;
use crate::form::{UserField, search_text, sort_key};
use crate::model::{Channel, Email, LicenceLevel, Mobile, PersonName, Role, UserType};

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

/// Days a link to choose a new password works, after a reset.
pub const PASSWORD_LINK_DAYS: i64 = 7;

/// A person invited by a simple invitation (B2): a user with status
/// `invited` until they sign up, named as the paste named them (their
/// last name stays empty when it did not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitee {
    /// Where the invitation goes.
    pub address: Address,
    /// Last name, if the paste gave one.
    pub last_name: Option<PersonName>,
    /// First name, if the paste gave one.
    pub first_name: Option<PersonName>,
    /// The user type chosen by the admin.
    pub user_type: UserType,
    /// The language of their messages: the admin's.
    pub language: Language,
}

impl Invitee {
    /// The user's fields by code, with their directory keys, as the
    /// database receives them.
    pub fn record(&self) -> serde_json::Map<String, serde_json::Value> {
        let last = self.last_name.as_ref().map_or("", PersonName::as_str);
        let first = self.first_name.as_ref().map(PersonName::as_str);
        let mut record: serde_json::Map<String, serde_json::Value> =
            UserField::ALL.iter().map(|f| (f.code().to_owned(), serde_json::Value::Null)).collect();
        let (email, mobile) = match &self.address {
            Address::Email(e) => (Some(e.as_str()), None),
            Address::Sms(m) => (None, Some(m.as_str())),
        };
        for (field, value) in [
            (UserField::LastName, Some(last)),
            (UserField::FirstName, first),
            (UserField::Email, email),
            (UserField::Mobile, mobile),
            (UserField::UserType, Some(self.user_type.code())),
            (UserField::Role, Some(Role::Member.code())),
            (UserField::LicenceLevel, Some(LicenceLevel::default().code())),
            (UserField::PreferredChannel, Some(self.address.channel().code())),
            (UserField::Language, Some(self.language.code())),
        ] {
            record.insert(field.code().to_owned(), value.into());
        }
        record.insert("sort_key".into(), sort_key(last, first.unwrap_or_default()).into());
        record.insert("search_text".into(), search_text([Some(last), first, email, mobile]).into());
        record
    }
}
