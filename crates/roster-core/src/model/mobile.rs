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
    /// Not a phone number of any country (wrong length, unknown code or range).
    #[error("this is not a phone number of any country")]
    Invalid,
    /// A valid number, but of another kind of line (landline, toll-free …).
    #[error("this phone number is not a mobile number")]
    NotMobile,
}

impl MobileError {
    /// What to tell the person who typed the number.
    pub const fn message(self) -> crate::Message {
        match self {
            Self::NotMobile => crate::Message::NotMobile,
            Self::Empty | Self::BadCharacter | Self::Invalid => crate::Message::InvalidMobile,
        }
    }
}

impl Mobile {
    /// Reads a number as people type it, or as a spreadsheet kept it:
    /// `+33 6 12 34 56 78`, `0033612345678`, `33612345678` (an international
    /// number that lost its `+`), and in the company's country the national
    /// `06 12 34 56 78` or `612345678` (a number cell drops the leading 0).
    /// Only mobile numbers are taken, by the numbering plans of
    /// libphonenumber's metadata.
    ///
    /// # Errors
    /// [`MobileError`] when the text is empty, holds other characters, is no
    /// phone number, or is not a mobile one.
    pub fn parse(raw: &str, home: CountryCode) -> Result<Self, MobileError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(MobileError::Empty);
        }
        let (plus, rest) = match trimmed.strip_prefix(['+', '\u{FF0B}']) {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '.' | '-' | '(' | ')' | '/' | '\u{a0}' | '\u{202f}' | '\u{2009}' => {}
                _ => return Err(MobileError::BadCharacter),
            }
        }
        // E.164 numbers have at most 15 digits, 17 with a `00` prefix.
        if !(4..=17).contains(&digits.len()) {
            return Err(MobileError::Invalid);
        }
        let international = if plus { Some(digits.as_str()) } else { digits.strip_prefix("00") };
        let found = match international {
            Some(number) => plans::international(number),
            None => plans::national(&digits, home).or_else(|| plans::international(&digits)),
        };
        match found {
            Some(e164) => Ok(Self(e164)),
            None => plans::explain(trimmed, home).map(Self),
        }
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

/// Numbering plans from libphonenumber's metadata (the `phonenumber`
/// crate). Loading the crate's whole database compiles every pattern of
/// every country (about 60 ms natively, more in a browser) and its parser
/// costs about 4.5 µs a number. So the mobile patterns are kept in
/// `mobile_plans.tsv`, taken from that database (a test keeps them equal),
/// and a calling code's are compiled on first use: a file of 100,000
/// mobiles is checked in milliseconds. Numbers that fail this fast path go
/// through the library's full parser, which says why (or finds a mobile in
/// a national form the fast path does not know).
mod plans {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock, PoisonError};

    use super::{CountryCode, MobileError};

    /// Each region's calling code, whether it is the code's main region,
    /// national prefix, possible lengths and mobile pattern, one a line.
    pub(super) const TABLE: &str = include_str!("mobile_plans.tsv");

    /// What tells a mobile number of one calling code.
    struct Plan {
        code: u16,
        /// The national (trunk) prefix, `0` in France.
        national_prefix: Option<String>,
        /// Each region's mobile pattern (anchored) and possible lengths.
        mobiles: Vec<(regex::Regex, Vec<u16>)>,
    }

    impl Plan {
        fn compile(code: u16) -> Option<Self> {
            let wanted = code.to_string();
            let mut plan = Self { code, national_prefix: None, mobiles: Vec::new() };
            for line in TABLE.lines().filter(|l| l.split('\t').next() == Some(wanted.as_str())) {
                let [_, _, main, prefix, lengths, pattern] = line.splitn(6, '\t').collect::<Vec<_>>()[..] else {
                    continue;
                };
                // The code's main region says, or else the first region that has one.
                if !prefix.is_empty() && (main == "1" || plan.national_prefix.is_none()) {
                    plan.national_prefix = Some(prefix.to_owned());
                }
                let lengths = lengths.split(',').filter_map(|l| l.parse().ok()).collect();
                if let Ok(pattern) = regex::Regex::new(&format!("^(?:{pattern})$")) {
                    plan.mobiles.push((pattern, lengths));
                }
            }
            (!plan.mobiles.is_empty()).then_some(plan)
        }

        fn is_mobile(&self, national: &str) -> bool {
            let length = u16::try_from(national.len()).unwrap_or(u16::MAX);
            self.mobiles.iter().any(|(pattern, lengths)| {
                (lengths.is_empty() || lengths.contains(&length)) && pattern.is_match(national)
            })
        }

        /// The number in E.164 form when `national` (with or without the
        /// national prefix) is one of this plan's mobiles.
        fn mobile(&self, national: &str) -> Option<String> {
            let without_prefix = self.national_prefix.as_deref().and_then(|p| national.strip_prefix(p));
            [without_prefix, Some(national)].into_iter().flatten().find(|n| !n.is_empty() && self.is_mobile(n)).map(
                |n| {
                    // Per number: built without formatting machinery.
                    let code = self.code.to_string();
                    let mut e164 = String::with_capacity(1 + code.len() + n.len());
                    e164.push('+');
                    e164.push_str(&code);
                    e164.push_str(n);
                    e164
                },
            )
        }
    }

    /// The plan of a calling code, compiled on first use.
    fn plan(code: u16) -> Option<Arc<Plan>> {
        static PLANS: OnceLock<Mutex<HashMap<u16, Option<Arc<Plan>>>>> = OnceLock::new();
        let mut plans = PLANS.get_or_init(Mutex::default).lock().unwrap_or_else(PoisonError::into_inner);
        plans.entry(code).or_insert_with(|| Plan::compile(code).map(Arc::new)).clone()
    }

    /// A mobile number written with its calling code (the `+` or `00` taken off).
    pub(super) fn international(digits: &str) -> Option<String> {
        // Calling codes are prefix-free: at most one of these is one.
        (1..=3.min(digits.len().saturating_sub(1))).find_map(|length| {
            let code = digits[..length].parse().ok()?;
            let plan = plan(code)?;
            Some(plan.mobile(&digits[length..]))
        })?
    }

    /// A mobile number written as it is dialled in the company's country.
    pub(super) fn national(digits: &str, home: CountryCode) -> Option<String> {
        plan(home.get())?.mobile(digits)
    }

    /// What the full parser says of a number the fast path did not take: a
    /// mobile after all, another kind of line, or no number at all.
    pub(super) fn explain(raw: &str, home: CountryCode) -> Result<String, MobileError> {
        use phonenumber::metadata::DATABASE;
        use phonenumber::{Mode, Type};
        let region = DATABASE
            .region(&home.get())
            .and_then(|regions| regions.first().and_then(|id| id.parse::<phonenumber::country::Id>().ok()));
        let number = phonenumber::parse(region, raw).map_err(|_| MobileError::Invalid)?;
        if !phonenumber::is_valid(&number) {
            return Err(MobileError::Invalid);
        }
        match number.number_type(&DATABASE) {
            Type::Mobile | Type::FixedLineOrMobile => Ok(number.format().mode(Mode::E164).to_string()),
            _ => Err(MobileError::NotMobile),
        }
    }

    /// The table as the library's database gives it today.
    #[cfg(test)]
    pub(super) fn table_from_library() -> String {
        use phonenumber::metadata::DATABASE;
        let mut lines: Vec<String> = DATABASE
            .iter()
            .filter_map(|region| {
                let mobile = region.descriptors().mobile()?;
                let pattern: String = mobile.national_number().as_str().split_whitespace().collect();
                let lengths: Vec<String> = mobile.possible_length().iter().map(ToString::to_string).collect();
                Some(format!(
                    "{}\t{}\t{}\t{}\t{}\t{pattern}",
                    region.country_code(),
                    region.id(),
                    u8::from(region.is_main_country_for_code()),
                    region.national_prefix().unwrap_or_default(),
                    lengths.join(","),
                ))
            })
            .collect();
        lines.sort();
        lines.join("\n") + "\n"
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
        for raw in [
            "+33 6 12 34 56 78",
            "06 12 34 56 78",
            "06.12.34.56.78",
            "0033612345678",
            "33612345678",
            "612345678",
            "+33 (0)6 12 34 56 78",
            "06\u{202f}12\u{202f}34\u{202f}56\u{202f}78",
        ] {
            assert_eq!(fr(raw).as_deref(), Ok("+33612345678"), "{raw}");
        }
    }

    #[test]
    fn national_numbers_take_the_company_country() {
        let uk = CountryCode::new(44).unwrap();
        assert_eq!(Mobile::parse("07911 123456", uk).unwrap().as_str(), "+447911123456");
        assert_eq!(Mobile::parse("7911 123456", uk).unwrap().as_str(), "+447911123456");
        let us = CountryCode::new(1).unwrap();
        assert_eq!(Mobile::parse("(202) 555-0123", us).unwrap().as_str(), "+12025550123");
    }

    #[test]
    fn foreign_numbers_read_with_or_without_their_plus() {
        assert_eq!(fr("+49 151 12345678").as_deref(), Ok("+4915112345678"));
        assert_eq!(fr("4915112345678").as_deref(), Ok("+4915112345678"));
        assert_eq!(fr("0044 7911 123456").as_deref(), Ok("+447911123456"));
        assert_eq!(fr("+1 202 555 0123").as_deref(), Ok("+12025550123"), "US lines may be mobiles");
    }

    #[test]
    fn the_full_parser_explains_what_the_fast_path_refuses() {
        assert_eq!(plans::explain("06 12 34 56 78", CountryCode::FRANCE).as_deref(), Ok("+33612345678"));
        assert_eq!(plans::explain("01 23 45 67 89", CountryCode::FRANCE), Err(MobileError::NotMobile));
        assert_eq!(plans::explain("12", CountryCode::FRANCE), Err(MobileError::Invalid));
    }

    #[test]
    fn landlines_are_not_mobiles() {
        assert_eq!(fr("01 23 45 67 89"), Err(MobileError::NotMobile));
        assert_eq!(fr("+33 1 23 45 67 89"), Err(MobileError::NotMobile));
        assert_eq!(fr("0 800 12 34 56"), Err(MobileError::NotMobile), "toll-free");
    }

    /// The table the fast path reads is the maintained library's metadata.
    /// When the library is updated, write it again with
    /// `ROSTER_WRITE_MOBILE_PLANS=1 cargo test -p roster-core mobile_plans`.
    #[test]
    fn the_mobile_plans_are_the_libphonenumber_metadata() {
        let expected = plans::table_from_library();
        if std::env::var_os("ROSTER_WRITE_MOBILE_PLANS").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/model/mobile_plans.tsv");
            std::fs::write(path, &expected).unwrap();
        }
        assert!(plans::TABLE == expected, "mobile_plans.tsv differs from the library: write it again (see above)");
        assert!(expected.lines().count() > 200);
    }

    #[test]
    fn letters_and_impossible_numbers_are_refused() {
        assert_eq!(fr("06 12 AB 56 78"), Err(MobileError::BadCharacter));
        assert_eq!(fr("+33 6"), Err(MobileError::Invalid));
        assert_eq!(fr("+1234567890123456"), Err(MobileError::Invalid));
        assert_eq!(fr("+33 6 12 34 56 78 90"), Err(MobileError::Invalid));
        assert_eq!(fr("12345"), Err(MobileError::Invalid));
        assert_eq!(fr(""), Err(MobileError::Empty));
        assert_eq!(Mobile::parse("612345678", CountryCode::new(999).unwrap()), Err(MobileError::Invalid));
    }
}
