use crate::text::{TextError, one_line};
use crate::vocabulary::vocabulary;

/// The title of an activity or of a thematic base: one line, at most 200 characters.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Title(String);

impl Title {
    /// The longest title kept.
    pub const MAX_LEN: usize = 200;

    /// Reads a title: spaces squashed, one line.
    ///
    /// # Errors
    /// [`TextError`] when empty, too long or holding control characters.
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        one_line(raw, Self::MAX_LEN).map(Self)
    }

    /// The title as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The folded title: bases are unique by it.
    pub fn unique_key(&self) -> String {
        crate::text::key(&self.0)
    }
}

vocabulary! {
    /// The six kinds of activity people are invited to (A6).
    pub enum ActivityType {
        /// A questionnaire.
        Questionnaire = "questionnaire" { fr: "questionnaire", en: "questionnaire", also: ["quiz"] },
        /// A training module.
        Module = "module" { fr: "module", en: "module" },
        /// A survey.
        Survey = "survey" { fr: "enquête", en: "survey", also: ["enquete", "sondage"] },
        /// A cycle of activities.
        Cycle = "cycle" { fr: "cycle", en: "cycle" },
        /// A path whose modules stay open.
        AutonomousPath = "autonomous_path" { fr: "parcours autonome", en: "autonomous path" },
        /// A path on a schedule.
        PlannedPath = "planned_path" { fr: "parcours planifié", en: "planned path", also: ["parcours planifie"] },
    }
}

vocabulary! {
    /// What an activity event records (A7).
    pub enum EventKind {
        /// The user signed in.
        Login = "login" { fr: "connexion", en: "login" },
        /// The user took part in an activity.
        Participation = "participation" { fr: "participation", en: "participation" },
        /// The user created an activity.
        Creation = "creation" { fr: "création", en: "creation" },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_six_activity_types_read_from_french_names() {
        assert_eq!(ActivityType::ALL.len(), 6);
        assert_eq!(ActivityType::parse("Parcours autonome"), Ok(ActivityType::AutonomousPath));
        assert_eq!(ActivityType::parse("enquête"), Ok(ActivityType::Survey));
    }
}
