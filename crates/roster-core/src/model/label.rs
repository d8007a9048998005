use std::fmt;

use crate::text;

/// A name in one of a company's lists that spreadsheets write as
/// comma-separated cells: group names (A4) and tags (A5). One line, no
/// comma, unique in its company whatever its case and accents.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Label(String);

/// A group's name.
pub type GroupName = Label;
/// A permission profile's name, unique in its company.
pub type ProfileName = Label;
/// A tag.
pub type TagName = Label;

/// Why a text cannot be a group name or tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    /// Nothing but spaces.
    #[error("the name is empty")]
    Empty,
    /// More than 100 characters.
    #[error("the name is longer than 100 characters")]
    TooLong,
    /// Tabs, line breaks or other control characters.
    #[error("the name holds control characters")]
    ControlCharacters,
    /// A comma, which separates groups in import files (C6).
    #[error("the name holds a comma")]
    Comma,
}

impl LabelError {
    /// What to tell the person who typed the name.
    pub const fn message(self) -> crate::Message {
        match self {
            Self::Empty => crate::Message::Required,
            Self::TooLong => crate::Message::TooLong,
            Self::ControlCharacters => crate::Message::ControlCharacters,
            Self::Comma => crate::Message::NoComma,
        }
    }
}

impl Label {
    /// The longest name kept.
    pub const MAX_LEN: usize = 100;

    /// Reads a name: spaces squashed, no comma (lists in spreadsheets
    /// are comma-separated), at most 100 characters.
    ///
    /// # Errors
    /// [`LabelError`] when the name is empty, too long, or holds a comma
    /// or a control character.
    pub fn parse(raw: &str) -> Result<Self, LabelError> {
        if text::has_control(raw.trim()) {
            return Err(LabelError::ControlCharacters);
        }
        let name = text::squash_spaces(raw);
        if name.is_empty() {
            Err(LabelError::Empty)
        } else if name.contains(',') {
            Err(LabelError::Comma)
        } else if name.chars().count() > Self::MAX_LEN {
            Err(LabelError::TooLong)
        } else {
            Ok(Self(name))
        }
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key that must be unique in a company: "Ventes" and "VENTES" clash.
    pub fn unique_key(&self) -> String {
        text::fold(&self.0)
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_differing_by_case_and_accents_share_a_key() {
        let a = GroupName::parse("Équipe  Ventes").unwrap();
        let b = GroupName::parse("equipe ventes").unwrap();
        assert_eq!(a.as_str(), "Équipe Ventes");
        assert_eq!(a.unique_key(), b.unique_key());
    }

    #[test]
    fn commas_and_empty_names_are_refused() {
        assert_eq!(GroupName::parse("Sales, Paris"), Err(LabelError::Comma));
        assert_eq!(GroupName::parse("  "), Err(LabelError::Empty));
        assert_eq!(GroupName::parse(&"g".repeat(101)), Err(LabelError::TooLong));
    }
}
