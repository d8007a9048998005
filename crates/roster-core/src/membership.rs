//! Group memberships changed by hand (G2): the matrix of users × groups and
//! the single-group view gather ticks and unticks, then save them together
//! as one change, or drop them all.

use serde::Deserialize;

use crate::{FieldError, Message};

/// The most (user, group) pairs one save carries: one statement binds them
/// as a JSON text, kept far below the database's size for a statement.
pub const MAX_PAIRS: usize = 2_000;

/// A user and a group, by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pair {
    /// The user.
    #[serde(deserialize_with = "crate::numbers::id")]
    pub user: i64,
    /// The group.
    #[serde(deserialize_with = "crate::numbers::id")]
    pub group: i64,
}

/// What the admin asks: memberships to add and to take off.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembershipRequest {
    /// Pairs to make members.
    #[serde(default)]
    pub add: Vec<Pair>,
    /// Pairs to take out.
    #[serde(default)]
    pub remove: Vec<Pair>,
}

/// A checked change: each pair once, none both added and removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MembershipChange {
    /// Pairs to make members (sorted).
    pub add: Vec<Pair>,
    /// Pairs to take out (sorted).
    pub remove: Vec<Pair>,
}

impl MembershipChange {
    /// Every user the change names, once.
    pub fn users(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.add.iter().chain(&self.remove).map(|p| p.user).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Every group the change names, once.
    pub fn groups(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.add.iter().chain(&self.remove).map(|p| p.group).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

impl MembershipRequest {
    /// Checks the request: nothing to do, too many pairs, or a pair both
    /// added and removed are refused; a pair given twice counts once.
    ///
    /// # Errors
    /// A field error on `add` (or `remove`) saying why.
    pub fn checked(self) -> Result<MembershipChange, FieldError> {
        let tidy = |mut pairs: Vec<Pair>| {
            pairs.sort_unstable();
            pairs.dedup();
            pairs
        };
        let (add, remove) = (tidy(self.add), tidy(self.remove));
        if add.is_empty() && remove.is_empty() {
            return Err(FieldError::new("add", Message::NothingSelected));
        }
        if add.len() + remove.len() > MAX_PAIRS {
            return Err(FieldError::new("add", Message::TooManyChanges));
        }
        if add.iter().any(|pair| remove.binary_search(pair).is_ok()) {
            return Err(FieldError::new("remove", Message::AddedAndRemoved));
        }
        Ok(MembershipChange { add, remove })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn pair(user: i64, group: i64) -> Pair {
        Pair { user, group }
    }

    #[test]
    fn pairs_count_once_and_name_their_users_and_groups() {
        let request = MembershipRequest { add: vec![pair(2, 1), pair(1, 1), pair(2, 1)], remove: vec![pair(3, 9)] };
        let change = request.checked().unwrap();
        assert_eq!(change.add, [pair(1, 1), pair(2, 1)]);
        assert_eq!((change.users(), change.groups()), (vec![1, 2, 3], vec![1, 9]));
    }

    #[test]
    fn ids_are_whole_positive_numbers_of_either_json_form() {
        let read = |text: &str| serde_json::from_str::<MembershipRequest>(text).map(|r| r.add);
        assert_eq!(read(r#"{"add": [{"user": 3.0, "group": 2}]}"#).unwrap(), [pair(3, 2)]);
        for bad in [
            r#"{"add": [{"user": 3.5, "group": 2}]}"#,
            r#"{"add": [{"user": 0, "group": 2}]}"#,
            r#"{"add": [{"user": 9007199254740992, "group": 2}]}"#,
            r#"{"add": [{"user": 1, "group": 2, "x": 1}]}"#,
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn empty_oversized_and_contradictory_changes_are_refused() {
        let code = |r: MembershipRequest| r.checked().unwrap_err().code;
        assert_eq!(code(MembershipRequest::default()), Message::NothingSelected);
        let many = (0..=i64::try_from(MAX_PAIRS).unwrap()).map(|u| pair(u, 1)).collect();
        assert_eq!(code(MembershipRequest { add: many, remove: vec![] }), Message::TooManyChanges);
        let both = MembershipRequest { add: vec![pair(1, 1)], remove: vec![pair(1, 1)] };
        assert_eq!(code(both), Message::AddedAndRemoved);
        let at_limit = (0..i64::try_from(MAX_PAIRS).unwrap()).map(|u| pair(u, 1)).collect();
        assert!(MembershipRequest { add: at_limit, remove: vec![] }.checked().is_ok());
    }
}
