use std::fmt;

/// An e-mail address, trimmed and lower-cased so that it can be compared.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Email(String);

/// Why a text is not an e-mail address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing was given.
    #[error("the e-mail address is empty")]
    Empty,
    /// Longer than the 254 characters mail systems carry.
    #[error("the e-mail address is longer than 254 characters")]
    TooLong,
    /// Not of the form `name@domain.tld`.
    #[error("the e-mail address is not of the form name@domain.tld")]
    Malformed,
}

impl EmailError {
    /// What to tell the person who typed the address.
    pub const fn message(self) -> crate::Message {
        match self {
            Self::TooLong => crate::Message::TooLong,
            Self::Empty | Self::Malformed => crate::Message::InvalidEmail,
        }
    }
}

impl Email {
    /// The longest address mail systems carry (RFC 5321 path limit less `<>`).
    pub const MAX_LEN: usize = 254;

    /// Reads an address as people type it: surrounding spaces are dropped and
    /// letters lower-cased.
    ///
    /// # Errors
    /// [`EmailError`] when the text is empty, too long or malformed.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().count() > Self::MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let address = trimmed.to_lowercase();
        let (local, domain) = address.rsplit_once('@').ok_or(EmailError::Malformed)?;
        if valid_local_part(local) && valid_domain(domain) { Ok(Self(address)) } else { Err(EmailError::Malformed) }
    }

    /// The address as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn valid_local_part(local: &str) -> bool {
    const SPECIALS: &str = ".!#$%&'*+/=?^_`{|}~-";
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| c.is_alphanumeric() || SPECIALS.contains(c))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| tld.chars().all(char::is_alphabetic))
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        assert_eq!(Email::parse("  Zoe.Martin@Example.COM ").unwrap().as_str(), "zoe.martin@example.com");
    }

    #[test]
    fn accented_and_plus_addresses_are_accepted() {
        assert!(Email::parse("élodie+rh@société.fr").is_ok());
        assert!(Email::parse("o'brien@example.ie").is_ok());
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for raw in [
            "zoe",
            "zoe@",
            "@example.com",
            "zoe@example",
            "zoe@@example.com",
            "zo e@example.com",
            "zoe..m@example.com",
            ".zoe@example.com",
            "zoe@-example.com",
            "zoe@example.c0m",
            "zoe@example..com",
        ] {
            assert_eq!(Email::parse(raw), Err(EmailError::Malformed), "{raw}");
        }
    }

    #[test]
    fn empty_and_oversized_addresses_say_so() {
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }
}
