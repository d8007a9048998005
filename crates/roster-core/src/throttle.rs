//! How sign-in attempts are limited (K1): enough to stop guessing, never
//! enough to let a stranger lock an administrator out.
//!
//! Every attempt is counted under several keys at once, and refused when any
//! count passes its limit within [`WINDOW_MINUTES`]:
//!
//! - from a browser that already signed in to this account (it holds a
//!   device secret the account issued), only under that device: what
//!   strangers do to the account elsewhere never touches it;
//! - from anywhere else, under the account *at this client address*, under
//!   the client address alone (one address spraying many accounts), and
//!   under the account across addresses (many addresses guessing one
//!   account): the last limit is high, so a person on a new device is
//!   refused only while a distributed attack is under way.
//!
//! The attempt is counted *before* the password is checked, in the same
//! transaction as the counts are read, so parallel guesses cannot all slip
//! under a limit; a successful sign-in then takes its attempt back.

/// The window attempts are counted over.
pub const WINDOW_MINUTES: i64 = 15;

/// How long a refused caller is told to wait: the window, at most.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // 15 minutes in seconds
pub const RETRY_AFTER_SECONDS: u32 = (WINDOW_MINUTES * 60) as u32;

/// What an attempt is counted under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counter {
    /// A browser the account trusts (it signed in from it before).
    Device,
    /// The account at one client address.
    AccountAtAddress,
    /// One client address, whatever the account.
    Address,
    /// The account, whatever the address.
    Account,
}

impl Counter {
    /// Attempts allowed within the window, this one included.
    pub const fn limit(self) -> u32 {
        match self {
            Self::Device | Self::AccountAtAddress => 10,
            Self::Address => 200,
            Self::Account => 100,
        }
    }

    const fn tag(self) -> &'static str {
        match self {
            Self::Device => "device",
            Self::AccountAtAddress => "account-at",
            Self::Address => "address",
            Self::Account => "account",
        }
    }
}

/// Who is attempting: the address typed, where from, and the device secret
/// the browser holds when the account trusts it.
#[derive(Clone, Copy, Debug)]
pub struct Attempt<'a> {
    /// The e-mail address typed, normalised.
    pub email: &'a str,
    /// The client's network address as the platform reports it.
    pub address: &'a str,
    /// The digest of a device secret this account issued, if the browser holds one.
    pub trusted_device: Option<&'a str>,
}

impl Attempt<'_> {
    /// The counters this attempt is counted under, each with its key (to be
    /// stored as a digest).
    pub fn counters(&self) -> Vec<(Counter, String)> {
        let key = |counter: Counter, value: &str| (counter, format!("{}\u{1}{value}", counter.tag()));
        match self.trusted_device {
            Some(device) => vec![key(Counter::Device, device)],
            None => vec![
                key(Counter::AccountAtAddress, &format!("{}\u{1}{}", self.email, self.address)),
                key(Counter::Address, self.address),
                key(Counter::Account, self.email),
            ],
        }
    }
}

/// Whether an attempt may be checked, given each counter's count with this
/// attempt included.
pub fn allowed(counts: &[(Counter, u32)]) -> bool {
    counts.iter().all(|(counter, n)| *n <= counter.limit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(device: Option<&str>) -> Attempt<'_> {
        Attempt { email: "admin@demo.example", address: "203.0.113.7", trusted_device: device }
    }

    #[test]
    fn a_trusted_browser_is_counted_apart_from_everyone_else() {
        let counters = attempt(Some("d1")).counters();
        assert_eq!(counters.len(), 1);
        assert_eq!(counters[0].0, Counter::Device);
        let strangers = attempt(None).counters();
        assert!(strangers.iter().all(|(_, key)| *key != counters[0].1));
        assert_eq!(
            strangers.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
            [Counter::AccountAtAddress, Counter::Address, Counter::Account]
        );
    }

    #[test]
    fn keys_do_not_collide_across_counters() {
        // An address that looks like an e-mail cannot share a key with an account.
        let tricky = Attempt { email: "x", address: "x", trusted_device: None };
        let keys: Vec<String> = tricky.counters().into_iter().map(|(_, k)| k).collect();
        assert_eq!(keys.iter().collect::<std::collections::HashSet<_>>().len(), keys.len());
    }

    #[test]
    fn the_tenth_attempt_passes_and_the_eleventh_does_not() {
        assert!(allowed(&[(Counter::AccountAtAddress, 10), (Counter::Address, 10), (Counter::Account, 10)]));
        assert!(!allowed(&[(Counter::AccountAtAddress, 11), (Counter::Address, 11), (Counter::Account, 11)]));
        assert!(!allowed(&[(Counter::AccountAtAddress, 1), (Counter::Address, 1), (Counter::Account, 101)]));
        assert!(allowed(&[(Counter::Device, 10)]));
    }
}
