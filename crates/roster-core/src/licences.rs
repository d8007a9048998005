//! Licence seats (A1, F7): a company buys a number of seats, and every
//! creator who can sign in, or soon will, takes one. Participants play for
//! free; deactivating or deleting someone frees their seat.
//!
//! Creating a user, importing, activating and raising someone's licence
//! level all ask [`Licences::allow`] first, so the capacity holds whichever
//! way people come in.

use serde::Serialize;

use crate::model::{LicenceLevel, UserStatus};

/// Whether a user in `status` at `level` takes one of the company's seats.
pub const fn takes_seat(status: UserStatus, level: LicenceLevel) -> bool {
    status.keeps_seat() && matches!(level, LicenceLevel::Creator)
}

/// A company's seats: how many it bought and how many are taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Licences {
    /// Seats bought.
    pub capacity: u32,
    /// Seats taken.
    pub used: u32,
}

/// More seats asked for than are left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{asked} licence seats asked for, {available} available")]
pub struct NoLicenceLeft {
    /// Seats the change needs.
    pub asked: u32,
    /// Seats left.
    pub available: u32,
}

impl Licences {
    /// Seats still free (none when the company is over its capacity, which
    /// a lowered capacity can leave it).
    pub const fn available(&self) -> u32 {
        self.capacity.saturating_sub(self.used)
    }

    /// Whether a change that takes `asked` more seats fits.
    ///
    /// # Errors
    /// [`NoLicenceLeft`] when it does not; a change that takes none always fits.
    pub const fn allow(&self, asked: u32) -> Result<(), NoLicenceLeft> {
        if asked == 0 || asked <= self.available() {
            Ok(())
        } else {
            Err(NoLicenceLeft { asked, available: self.available() })
        }
    }

    /// Seats a user takes after a change, minus those they took before:
    /// 1 when the change makes them take one, 0 otherwise.
    pub const fn asked_by(before: Option<(UserStatus, LicenceLevel)>, after: (UserStatus, LicenceLevel)) -> u32 {
        let had = match before {
            Some((status, level)) => takes_seat(status, level),
            None => false,
        };
        if !had && takes_seat(after.0, after.1) { 1 } else { 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LicenceLevel::{Creator, Participant};
    use UserStatus as S;

    #[test]
    fn creators_who_can_sign_in_take_a_seat_participants_never() {
        for status in [S::Created, S::Invited, S::Active] {
            assert!(takes_seat(status, Creator));
            assert!(!takes_seat(status, Participant));
        }
        for status in [S::Inactive, S::Deleted] {
            assert!(!takes_seat(status, Creator));
        }
    }

    #[test]
    fn a_change_fits_within_the_seats_left() {
        let full = Licences { capacity: 10, used: 10 };
        assert_eq!(full.available(), 0);
        assert_eq!(full.allow(1), Err(NoLicenceLeft { asked: 1, available: 0 }));
        assert_eq!(full.allow(0), Ok(()));
        let over = Licences { capacity: 5, used: 8 };
        assert_eq!(over.available(), 0);
        let room = Licences { capacity: 10, used: 7 };
        assert_eq!(room.allow(3), Ok(()));
        assert_eq!(room.allow(4), Err(NoLicenceLeft { asked: 4, available: 3 }));
    }

    #[test]
    fn only_changes_that_start_taking_a_seat_ask_for_one() {
        assert_eq!(Licences::asked_by(None, (S::Created, Creator)), 1);
        assert_eq!(Licences::asked_by(None, (S::Created, Participant)), 0);
        assert_eq!(Licences::asked_by(Some((S::Created, Participant)), (S::Created, Creator)), 1);
        assert_eq!(Licences::asked_by(Some((S::Inactive, Creator)), (S::Active, Creator)), 1);
        assert_eq!(Licences::asked_by(Some((S::Invited, Creator)), (S::Active, Creator)), 0);
        assert_eq!(Licences::asked_by(Some((S::Active, Creator)), (S::Active, Participant)), 0);
    }
}
