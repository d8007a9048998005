use std::fmt;

/// A country calling code (`33` for France), used to read national numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct CountryCode(u16);

impl CountryCode {
    /// France, the default for companies that set none.
    pub const FRANCE: Self = Self(33);

    /// A calling code of one to three digits.
    pub const fn new(code: u16) -> Option<Self> {
        if code >= 1 && code <= 999 { Some(Self(code)) } else { None }
    }

    /// The code's digits.
    pub const fn get(self) -> u16 {
        self.0
    }
}

impl Default for CountryCode {
    fn default() -> Self {
        Self::FRANCE
    }
}

/// A mobile number in E.164 form (`+33612345678`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Mobile(String);

/// Why a text is not a mobile number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MobileError {
    /// Nothing was given.
    #[error("the mobile number is empty")]
    Empty,
    /// Letters or other characters that are not part of a phone number.
    #[error("the mobile number holds characters other than digits, spaces, dots, dashes and parentheses")]
    BadCharacter,
    /// Too few or too many digits for an international number.
    #[error("the mobile number does not have 8 to 15 digits with its country code")]
    BadLength,
}

impl Mobile {
    /// Reads a number as people type it: `+33 6 12 34 56 78`, `0033612345678`
    /// or, in the company's country, the national `06 12 34 56 78`.
    ///
    /// # Errors
    /// [`MobileError`] when the text is empty, holds other characters, or has
    /// too few or too many digits.
    pub fn parse(raw: &str, home: CountryCode) -> Result<Self, MobileError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(MobileError::Empty);
        }
        let (international, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '.' | '-' | '(' | ')' | '\u{a0}' => {}
                _ => return Err(MobileError::BadCharacter),
            }
        }
        let e164 = if international {
            digits
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest.to_owned()
        } else if let Some(national) = digits.strip_prefix('0') {
            format!("{}{national}", home.get())
        } else {
            // Already international without its `+` (as spreadsheets often
            // store it once the leading sign has been eaten).
            digits
        };
        if !(8..=15).contains(&e164.len()) || e164.starts_with('0') {
            return Err(MobileError::BadLength);
        }
        Ok(Self(format!("+{e164}")))
    }

    /// The number in E.164 form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr(raw: &str) -> Result<String, MobileError> {
        Mobile::parse(raw, CountryCode::FRANCE).map(|m| m.as_str().to_owned())
    }

    #[test]
    fn every_common_spelling_gives_the_same_e164_number() {
        for raw in ["+33 6 12 34 56 78", "06 12 34 56 78", "06.12.34.56.78", "0033612345678", "33612345678"] {
            assert_eq!(fr(raw).as_deref(), Ok("+33612345678"), "{raw}");
        }
    }

    #[test]
    fn national_numbers_take_the_company_country() {
        let uk = CountryCode::new(44).unwrap();
        assert_eq!(Mobile::parse("07700 900123", uk).unwrap().as_str(), "+447700900123");
    }

    #[test]
    fn letters_and_wrong_lengths_are_refused() {
        assert_eq!(fr("06 12 AB 56 78"), Err(MobileError::BadCharacter));
        assert_eq!(fr("+33 6"), Err(MobileError::BadLength));
        assert_eq!(fr("+1234567890123456"), Err(MobileError::BadLength));
        assert_eq!(fr(""), Err(MobileError::Empty));
    }
}
