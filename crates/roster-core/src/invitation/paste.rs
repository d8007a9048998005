//! Lists of addresses as admins paste them (B2): out of Outlook
//! (`Dupont, Jean <jean@x.fr>; Marie <marie@x.fr>`), a spreadsheet column, a
//! chat, separated by commas, semicolons, spaces or line breaks, with
//! mobile numbers written with spaces (`06 12 34 56 78`).

use rustc_hash::FxHashSet;

use super::Address;
use crate::Message;
use crate::model::{CountryCode, Email, EmailError, Mobile, MobileError, PersonName, UserStatus};

/// The most entries one pasted list may hold; a longer list is better sent
/// as an import file.
pub const MAX_ENTRIES: usize = 1_000;

/// One entry of a pasted list, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The entry as it was pasted (name and address).
    pub text: String,
    /// The display name that came with the address, if any.
    pub name: Option<String>,
    /// The address, or why the entry is none.
    pub address: Result<Address, Message>,
}

#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(String),
    Angle(String),
    Comma,
    Break,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    let flush = |word: &mut String, out: &mut Vec<Token>| {
        if !word.is_empty() {
            out.push(Token::Word(std::mem::take(word)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' | '<' => {
                let close = if c == '"' { '"' } else { '>' };
                let mut inner = String::new();
                let mut closed = false;
                for d in chars.by_ref() {
                    if d == close {
                        closed = true;
                        break;
                    }
                    inner.push(d);
                }
                if closed {
                    flush(&mut word, &mut out);
                    let inner = crate::text::squash_spaces(&inner);
                    out.push(if c == '"' { Token::Quoted(inner) } else { Token::Angle(inner) });
                } else {
                    // An unclosed quote or bracket: read on as plain text.
                    word.push(c);
                    for part in inner.split(['\n', '\r']) {
                        word.push_str(part);
                        flush(&mut word, &mut out);
                    }
                }
            }
            ',' => {
                flush(&mut word, &mut out);
                out.push(Token::Comma);
            }
            ';' | '\n' | '\r' => {
                flush(&mut word, &mut out);
                if out.last() != Some(&Token::Break) {
                    out.push(Token::Break);
                }
            }
            c if c.is_whitespace() || crate::text::is_invisible_format(c) => flush(&mut word, &mut out),
            c => word.push(c),
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Whether a word could be part of a phone number: digits and the marks
/// people write numbers with.
fn phone_like(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_digit())
        && word.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '.' | '-' | '(' | ')' | '/'))
}

fn email_reading(raw: &str) -> Result<Address, Message> {
    Email::parse(raw.trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | '<' | '>' | '\'' | ':' | '.')))
        .map(Address::Email)
        .map_err(EmailError::message)
}

fn mobile_reading(raw: &str, home: CountryCode) -> Result<Address, Message> {
    Mobile::parse(raw, home).map(Address::Sms).map_err(MobileError::message)
}

/// The most words one mobile number is written in (`+33 6 12 34 56 78`
/// is six).
const MAX_NUMBER_WORDS: usize = 8;

struct Reader {
    home: CountryCode,
    entries: Vec<Entry>,
    /// Words that may name the next address.
    name: Vec<String>,
    /// Whether a comma came after the name's first word: `Dupont, Jean <…>`.
    name_crossed_comma: bool,
    /// Consecutive number-like words: one number written with spaces, or several.
    digits: Vec<String>,
}

impl Reader {
    fn take_name(&mut self) -> Option<String> {
        self.name_crossed_comma = false;
        if self.name.is_empty() {
            return None;
        }
        let name = self.name.join(" ");
        self.name.clear();
        Some(name.replace(" ,", ","))
    }

    /// Leftover words that named no address: each line of them is reported.
    fn drop_name(&mut self) {
        if let Some(text) = self.take_name() {
            self.entries.push(Entry { text, name: None, address: Err(Message::NotAnAddress) });
        }
    }

    fn push(&mut self, raw: &str, name: Option<String>, address: Result<Address, Message>) {
        let text = match &name {
            Some(name) => format!("{name} <{raw}>"),
            None => raw.to_owned(),
        };
        self.entries.push(Entry { text, name, address });
    }

    /// Reads the pending number-like words: as one number when they make
    /// one, else as the numbers they make one after the other, each the
    /// longest run of words that reads as a number (`06 12 34 56 78 07 11
    /// 22 33 44` is two); words no run takes are reported together, as the
    /// one entry they were likely meant to be.
    fn flush_digits(&mut self) {
        if self.digits.is_empty() {
            return;
        }
        let words = std::mem::take(&mut self.digits);
        let joined = words.join(" ");
        let name = if self.name_crossed_comma { None } else { self.take_name() };
        self.drop_name();
        let whole = mobile_reading(&joined, self.home);
        if whole.is_ok() || words.len() == 1 {
            self.push(&joined, name, whole);
            return;
        }
        let mut runs = Vec::new();
        let mut start = 0;
        while start < words.len() {
            let longest = (start + 1..=words.len().min(start + MAX_NUMBER_WORDS))
                .rev()
                .find_map(|end| mobile_reading(&words[start..end].join(" "), self.home).ok().map(|a| (end, a)));
            if let Some((end, address)) = longest {
                runs.push((words[start..end].join(" "), Ok(address)));
                start = end;
                continue;
            }
            match runs.last_mut() {
                Some((text, Err(_))) => {
                    text.push(' ');
                    text.push_str(&words[start]);
                }
                _ => runs.push((words[start].clone(), Err(Message::InvalidMobile))),
            }
            start += 1;
        }
        if runs.iter().any(|(_, reading)| reading.is_ok()) {
            for (text, reading) in runs {
                // A failed run is reported with what reading it whole says.
                let reading = reading.or_else(|_| mobile_reading(&text, self.home));
                self.push(&text, None, reading);
            }
        } else {
            self.push(&joined, name, whole);
        }
    }

    fn read(&mut self, token: Token) {
        match token {
            Token::Word(word) if word.contains('@') => {
                self.flush_digits();
                let name = if self.name_crossed_comma { None } else { self.take_name() };
                self.drop_name();
                let reading = email_reading(&word);
                self.push(&word, name, reading);
            }
            Token::Word(word) if phone_like(&word) => self.digits.push(word),
            Token::Word(word) | Token::Quoted(word) => {
                self.flush_digits();
                if !word.is_empty() {
                    self.name.push(word);
                }
            }
            Token::Angle(inner) => {
                self.flush_digits();
                let name = self.take_name();
                let reading =
                    if inner.contains('@') { email_reading(&inner) } else { mobile_reading(&inner, self.home) };
                self.push(&inner, name, reading);
            }
            Token::Comma => {
                self.flush_digits();
                if self.name_crossed_comma {
                    self.drop_name();
                } else if !self.name.is_empty() {
                    self.name_crossed_comma = true;
                    if let Some(last) = self.name.last_mut() {
                        last.push(',');
                    }
                }
            }
            Token::Break => {
                self.flush_digits();
                self.drop_name();
            }
        }
    }
}

/// Reads every entry of a pasted list, in order. National mobile numbers
/// are read in the company's country `home`.
pub fn read(text: &str, home: CountryCode) -> Vec<Entry> {
    let mut reader =
        Reader { home, entries: Vec::new(), name: Vec::new(), name_crossed_comma: false, digits: Vec::new() };
    for token in tokens(text) {
        reader.read(token);
    }
    reader.flush_digits();
    reader.drop_name();
    for entry in &mut reader.entries {
        if let Some(name) = &mut entry.name {
            *name = name.trim_end_matches(',').trim().to_owned();
        }
    }
    reader.entries
}

/// Splits a display name into (last name, first name): `Dupont, Jean`
/// (Outlook), `DUPONT Jean` (a capitalised last name), else `Jean Dupont`.
/// The person corrects it when signing up.
pub fn split_name(name: &str) -> (Option<PersonName>, Option<PersonName>) {
    let parse = |raw: &str| PersonName::parse(raw).ok();
    if let Some((last, first)) = name.split_once(',') {
        return (parse(last), parse(first));
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    let shouting = |w: &&str| w.chars().filter(|c| c.is_alphabetic()).count() > 1 && w.to_uppercase() == **w;
    if words.iter().any(shouting) && !words.iter().all(shouting) {
        let (last, first): (Vec<&str>, Vec<&str>) = words.iter().partition(|w| shouting(w));
        return (parse(&last.join(" ")), parse(&first.join(" ")));
    }
    match words.split_last() {
        Some((last, [])) => (parse(last), None),
        Some((last, first)) => (parse(last), parse(&first.join(" "))),
        None => (None, None),
    }
}

/// What a pasted entry would become.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// A new person: an invitation is sent.
    Invite,
    /// Someone who is a user of the company already.
    AlreadyUser,
    /// Someone invited already, who has not signed up yet (resend from the list).
    AlreadyInvited,
    /// The same address earlier in the list.
    Duplicate,
    /// Not an address.
    Invalid,
}

/// A user of the company found at a pasted address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Known {
    /// Their id.
    pub user_id: i64,
    /// Their status.
    pub status: UserStatus,
}

/// One line of the plan shown before sending.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Line {
    /// The entry as pasted.
    pub text: String,
    /// Its address, when it is one.
    #[serde(skip_serializing_if = "Option::is_none", flatten)]
    pub address: Option<Address>,
    /// The name that came with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What happens to it.
    pub verdict: Verdict,
    /// Why it is invalid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Message>,
    /// The user it matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
}

/// How many lines got each verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// New invitations.
    pub invite: usize,
    /// Users already.
    pub already_user: usize,
    /// Invited already.
    pub already_invited: usize,
    /// Repeated in the list.
    pub duplicate: usize,
    /// Not addresses.
    pub invalid: usize,
}

/// What sending a pasted list would do, line by line.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Plan {
    /// One line per entry, in pasted order.
    pub lines: Vec<Line>,
    /// The totals.
    pub counts: Counts,
}

/// Decides each entry's fate: `known` finds the company's user at an address.
pub fn plan(entries: Vec<Entry>, known: impl Fn(&Address) -> Option<Known>) -> Plan {
    let mut seen = FxHashSet::default();
    let mut counts = Counts::default();
    let lines = entries
        .into_iter()
        .map(|entry| {
            let (address, problem) = match entry.address {
                Ok(address) => (Some(address), None),
                Err(problem) => (None, Some(problem)),
            };
            let found = address.as_ref().and_then(&known);
            let verdict = match (&address, found) {
                (None, _) => Verdict::Invalid,
                (Some(address), _) if !seen.insert(address.clone()) => Verdict::Duplicate,
                (Some(_), Some(Known { status: UserStatus::Invited, .. })) => Verdict::AlreadyInvited,
                (Some(_), Some(_)) => Verdict::AlreadyUser,
                (Some(_), None) => Verdict::Invite,
            };
            match verdict {
                Verdict::Invite => counts.invite += 1,
                Verdict::AlreadyUser => counts.already_user += 1,
                Verdict::AlreadyInvited => counts.already_invited += 1,
                Verdict::Duplicate => counts.duplicate += 1,
                Verdict::Invalid => counts.invalid += 1,
            }
            let user_id = found.filter(|_| verdict != Verdict::Duplicate).map(|k| k.user_id);
            Line { text: entry.text, address, name: entry.name, verdict, problem, user_id }
        })
        .collect();
    Plan { lines, counts }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addresses(text: &str) -> Vec<String> {
        read(text, CountryCode::FRANCE)
            .into_iter()
            .map(|e| match e.address {
                Ok(a) => a.as_str().to_owned(),
                Err(m) => format!("!{}", e.text).replace('!', &format!("{m:?}:")),
            })
            .collect()
    }

    #[test]
    fn separators_of_every_kind_split_the_list() {
        assert_eq!(
            addresses("a@x.fr, b@x.fr;c@x.fr\nd@x.fr\te@x.fr  f@x.fr\r\n;\ng@x.fr"),
            ["a@x.fr", "b@x.fr", "c@x.fr", "d@x.fr", "e@x.fr", "f@x.fr", "g@x.fr"]
        );
    }

    #[test]
    fn outlook_names_come_with_their_addresses() {
        let entries = read(
            "Dupont, Jean <Jean.Dupont@X.fr>; \"Martin, Zoé\" <zoe@x.fr>; Marie Curie <marie@x.fr>, <nobody@x.fr>",
            CountryCode::FRANCE,
        );
        let names: Vec<_> = entries.iter().map(|e| e.name.as_deref()).collect();
        assert_eq!(names, [Some("Dupont, Jean"), Some("Martin, Zoé"), Some("Marie Curie"), None]);
        assert_eq!(entries[0].address.as_ref().unwrap().as_str(), "jean.dupont@x.fr");
        assert!(entries.iter().all(|e| e.address.is_ok()));
    }

    #[test]
    fn mobile_numbers_written_with_spaces_are_one_number() {
        assert_eq!(
            addresses("06 12 34 56 78\n+33 6 98 76 54 32, 0612345679 0612345670"),
            ["+33612345678", "+33698765432", "+33612345679", "+33612345670"]
        );
    }

    #[test]
    fn numbers_written_with_spaces_one_after_the_other_are_each_an_entry() {
        assert_eq!(addresses("06 12 34 56 78 07 81 22 33 44"), ["+33612345678", "+33781223344"]);
        // A number that exists nowhere is still one entry, refused with its reason.
        let entries = read("06 12 34 56 78 07 11 22 33 44", CountryCode::FRANCE);
        assert_eq!(entries.iter().map(|e| e.text.as_str()).collect::<Vec<_>>(), ["06 12 34 56 78", "07 11 22 33 44"]);
        assert_eq!(
            addresses("+33 6 12 34 56 78 06 98 76 54 32 0612345679"),
            ["+33612345678", "+33698765432", "+33612345679"]
        );
        let entries = read("06 12 34 56 78 12 06 98 76 54 32", CountryCode::FRANCE);
        assert_eq!(entries.len(), 3, "{entries:?}");
        assert!(entries[0].address.is_ok() && entries[1].address.is_err() && entries[2].address.is_ok());
    }

    #[test]
    fn what_is_no_address_is_reported_with_its_reason() {
        assert_eq!(
            addresses("jean@, Dupont\n01 23 45 67 89\nbob@x.fr"),
            ["InvalidEmail:jean@", "NotAnAddress:Dupont", "NotMobile:01 23 45 67 89", "bob@x.fr"]
        );
        assert_eq!(addresses("<unclosed@x.fr"), ["unclosed@x.fr"]);
        assert!(read("", CountryCode::FRANCE).is_empty());
        assert!(read(" ,;\n\u{200b} ", CountryCode::FRANCE).is_empty());
    }

    #[test]
    fn display_names_split_into_last_and_first_names() {
        let split = |n| {
            let (last, first) = split_name(n);
            (last.map(|p| p.as_str().to_owned()), first.map(|p| p.as_str().to_owned()))
        };
        assert_eq!(split("Dupont, Jean"), (Some("Dupont".into()), Some("Jean".into())));
        assert_eq!(split("DUPONT Jean"), (Some("DUPONT".into()), Some("Jean".into())));
        assert_eq!(split("Jean Pierre Dupont"), (Some("Dupont".into()), Some("Jean Pierre".into())));
        assert_eq!(split("Cher"), (Some("Cher".into()), None));
    }

    #[test]
    fn the_plan_tells_new_people_from_users_invited_duplicates_and_errors() {
        let entries = read("new@x.fr, user@x.fr, invited@x.fr, NEW@x.fr, oops", CountryCode::FRANCE);
        let plan = plan(entries, |address| match address.as_str() {
            "user@x.fr" => Some(Known { user_id: 1, status: UserStatus::Inactive }),
            "invited@x.fr" => Some(Known { user_id: 2, status: UserStatus::Invited }),
            _ => None,
        });
        let verdicts: Vec<_> = plan.lines.iter().map(|l| l.verdict).collect();
        assert_eq!(
            verdicts,
            [Verdict::Invite, Verdict::AlreadyUser, Verdict::AlreadyInvited, Verdict::Duplicate, Verdict::Invalid]
        );
        assert_eq!(plan.counts, Counts { invite: 1, already_user: 1, already_invited: 1, duplicate: 1, invalid: 1 });
    }
}
