use std::fmt;

use crate::text::{TextError, one_line};

/// A last or first name as the person writes it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct PersonName(String);

impl PersonName {
    /// The longest name kept.
    pub const MAX_LEN: usize = 100;

    /// Reads a name: spaces squashed, one line, at most 100 characters.
    ///
    /// # Errors
    /// [`TextError`] when empty, too long or holding control characters.
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        one_line(raw, Self::MAX_LEN).map(Self)
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A company's own identifier for an employee (matricule).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct EmployeeId(String);

impl EmployeeId {
    /// The longest identifier kept.
    pub const MAX_LEN: usize = 64;

    /// Reads an identifier: one line, at most 64 characters.
    ///
    /// # Errors
    /// [`TextError`] when empty, too long or holding control characters.
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        one_line(raw, Self::MAX_LEN).map(Self)
    }

    /// The identifier as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_squashed_and_bounded() {
        assert_eq!(PersonName::parse("  Jean   Pierre ").unwrap().as_str(), "Jean Pierre");
        assert_eq!(PersonName::parse(" "), Err(TextError::Empty));
        assert_eq!(PersonName::parse(&"x".repeat(101)), Err(TextError::TooLong { max: 100 }));
        assert_eq!(PersonName::parse("Jean\nPierre"), Err(TextError::ControlCharacters));
    }

    #[test]
    fn employee_ids_keep_their_spelling() {
        assert_eq!(EmployeeId::parse(" A-0042 ").unwrap().as_str(), "A-0042");
    }
}
