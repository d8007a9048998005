use super::{Email, Mobile, PersonName};

/// Someone invited to an activity without an account (A3): reachable by
/// e-mail or mobile, named if they said so. A contact may later become a user.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Contact {
    /// Last name, if given.
    pub last_name: Option<PersonName>,
    /// First name, if given.
    pub first_name: Option<PersonName>,
    /// E-mail address.
    pub email: Option<Email>,
    /// Mobile number.
    pub mobile: Option<Mobile>,
    /// The organisation they said they belong to.
    pub organisation: Option<PersonName>,
}

/// Why a contact cannot be kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    /// Neither e-mail nor mobile: there would be no way to reach them.
    #[error("a contact needs an e-mail address or a mobile number")]
    NoAddress,
}

impl Contact {
    /// A contact reachable at `email` or `mobile`.
    ///
    /// # Errors
    /// [`ContactError::NoAddress`] when both are missing.
    pub fn new(
        email: Option<Email>,
        mobile: Option<Mobile>,
        last_name: Option<PersonName>,
        first_name: Option<PersonName>,
        organisation: Option<PersonName>,
    ) -> Result<Self, ContactError> {
        if email.is_none() && mobile.is_none() {
            return Err(ContactError::NoAddress);
        }
        Ok(Self { last_name, first_name, email, mobile, organisation })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_needs_a_way_to_be_reached() {
        assert_eq!(Contact::new(None, None, None, None, None), Err(ContactError::NoAddress));
        let email = Email::parse("guest@example.org").ok();
        assert!(Contact::new(email, None, None, None, None).is_ok());
    }
}
