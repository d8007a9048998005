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
/// crate). Its own parser costs about 4.5 µs a number, mostly in a shared
/// regular-expression cache locked on every match; the mobile patterns of a
/// calling code are compiled here once instead, so a file of 100,000
/// mobiles is checked in milliseconds. Numbers that fail this fast path go
/// through the library's full parser, which says why (or finds a mobile in
/// a national form the fast path does not know).
mod plans {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock, PoisonError};

    use phonenumber::metadata::DATABASE;

    use super::{CountryCode, MobileError};

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
            let regions = DATABASE.by_code(&code)?;
            let main = regions.iter().find(|r| r.is_main_country_for_code()).or_else(|| regions.first())?;
            let mobiles = regions
                .iter()
                .filter_map(|region| region.descriptors().mobile())
                .filter_map(|mobile| {
                    // The metadata's patterns are laid out over several lines.
                    let source = format!("^(?:{})$", mobile.national_number().as_str());
                    let pattern = regex::RegexBuilder::new(&source).ignore_whitespace(true).build().ok()?;
                    Some((pattern, mobile.possible_length().to_vec()))
                })
                .collect();
            Some(Self { code, national_prefix: main.national_prefix().map(str::to_owned), mobiles })
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
            [without_prefix, Some(national)]
                .into_iter()
                .flatten()
                .find(|n| !n.is_empty() && self.is_mobile(n))
                .map(|n| format!("+{}{n}", self.code))
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
    fn landlines_are_not_mobiles() {
        assert_eq!(fr("01 23 45 67 89"), Err(MobileError::NotMobile));
        assert_eq!(fr("+33 1 23 45 67 89"), Err(MobileError::NotMobile));
        assert_eq!(fr("0 800 12 34 56"), Err(MobileError::NotMobile), "toll-free");
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
