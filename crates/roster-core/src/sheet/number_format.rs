//! Number formats (`00000`, `0# ## ## ## ##`, `dd/mm/yyyy` …): what a
//! spreadsheet shows of a number, so a cell reads as the admin sees it.
//!
//! A format code is compiled once per workbook style into a [`Shape`]; each
//! numeric cell is then shaped through its style's [`Shape`]. Only what
//! changes the text of identifiers and names is rendered (digit
//! placeholders, literals, decimals, grouping, percent); scientific and
//! fraction formats read as the plain number, which is what such a cell holds.

use std::fmt::Write;

/// What a date cell holds: a day, a time of day, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateKind {
    /// A calendar day.
    Date,
    /// A time of day (or a duration).
    Time,
    /// A day and a time.
    DateTime,
}

/// How a numeric cell of one style is shown.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Shape {
    /// As the number itself (`General`, `@`, scientific, fractions).
    General,
    /// As a date, a time or both.
    Date(DateKind),
    /// Through digit placeholders and literals.
    Digits(Box<Pattern>),
}

impl Shape {
    /// The shape of a built-in format id (ECMA-376 §18.8.30), or `None` when
    /// the id is not built in (it must then be declared by the workbook).
    pub(super) fn built_in(id: u32) -> Option<Self> {
        Some(match id {
            0 | 11 | 12 | 13 | 48 | 49 => Self::General,
            1 => Self::parse("0"),
            2 => Self::parse("0.00"),
            3 => Self::parse("#,##0"),
            4 => Self::parse("#,##0.00"),
            9 => Self::parse("0%"),
            10 => Self::parse("0.00%"),
            37 | 38 => Self::parse("#,##0 ;(#,##0)"),
            39 | 40 => Self::parse("#,##0.00;(#,##0.00)"),
            14..=17 | 27..=31 | 34..=36 | 50..=58 => Self::Date(DateKind::Date),
            18..=21 | 32 | 33 | 45..=47 => Self::Date(DateKind::Time),
            22 => Self::Date(DateKind::DateTime),
            _ => return None,
        })
    }

    /// Compiles a format code. Anything it cannot render reads as General.
    pub(super) fn parse(code: &str) -> Self {
        // Spreadsheets keep format codes to 255 characters; a longer one is
        // not rendered, which also bounds the work per cell.
        if code.len() > 255 {
            return Self::General;
        }
        let sections = split_sections(code);
        if sections.is_empty() || sections[0].trim().eq_ignore_ascii_case("general") {
            return Self::General;
        }
        if let Some(kind) = date_kind(sections[0]) {
            return Self::Date(kind);
        }
        let mut compiled = Vec::with_capacity(3);
        for section in sections.iter().take(3) {
            match Section::parse(section) {
                Some(section) => compiled.push(section),
                None => return Self::General,
            }
        }
        Self::Digits(Box::new(Pattern { sections: compiled }))
    }
}

/// A compiled number format: one section for every number, or positive,
/// negative and zero sections.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Pattern {
    sections: Vec<Section>,
}

impl Pattern {
    /// The text the spreadsheet shows for `n`.
    pub(super) fn render(&self, n: f64) -> String {
        let (section, signed) = match (self.sections.len(), n) {
            (1, _) => (&self.sections[0], true),
            (_, n) if n < 0.0 => (&self.sections[1], false),
            (3, 0.0) => (&self.sections[2], false),
            _ => (&self.sections[0], false),
        };
        section.render(n, signed)
    }
}

/// A digit placeholder: `0` shows a digit or 0, `#` a digit or nothing,
/// `?` a digit or a space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Placeholder {
    Zero,
    Hash,
    Question,
}

impl Placeholder {
    const fn filler(self) -> Option<char> {
        match self {
            Self::Zero => Some('0'),
            Self::Hash => None,
            Self::Question => Some(' '),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Digit(Placeholder),
    Literal(String),
}

/// One section of a format: the integer part's tokens, the decimal part's,
/// and what scales the number.
#[derive(Clone, Debug, Default, PartialEq)]
struct Section {
    tokens: Vec<Token>,
    decimals: Vec<Token>,
    /// Digits grouped by thousands (`#,##0`).
    grouped: bool,
    /// How many `%` signs: each multiplies by 100.
    percent: u8,
    /// How many trailing commas: each divides by 1,000.
    scale: u8,
    /// Text after the last placeholder.
    suffix: String,
}

impl Section {
    /// Compiles one section; `None` for what is not rendered here
    /// (scientific notation, fractions, conditions, text sections).
    fn parse(code: &str) -> Option<Self> {
        let mut section = Self::default();
        let mut in_decimals = false;
        let mut pending_commas = 0u8;
        let mut chars = code.chars().peekable();
        let mut literal = String::new();
        while let Some(c) = chars.next() {
            if c != ',' && pending_commas > 0 {
                // Commas between placeholders group; commas after the last one scale.
                if matches!(c, '0' | '#' | '?') && !in_decimals {
                    section.grouped = true;
                } else {
                    section.scale = section.scale.saturating_add(pending_commas);
                }
                pending_commas = 0;
            }
            match c {
                '0' | '#' | '?' => {
                    let placeholder = match c {
                        '0' => Placeholder::Zero,
                        '#' => Placeholder::Hash,
                        _ => Placeholder::Question,
                    };
                    let tokens = if in_decimals { &mut section.decimals } else { &mut section.tokens };
                    if !literal.is_empty() {
                        tokens.push(Token::Literal(std::mem::take(&mut literal)));
                    }
                    tokens.push(Token::Digit(placeholder));
                }
                '.' if !in_decimals => {
                    if !literal.is_empty() {
                        section.tokens.push(Token::Literal(std::mem::take(&mut literal)));
                    }
                    in_decimals = true;
                }
                ',' => pending_commas = pending_commas.saturating_add(1),
                '%' => {
                    section.percent = section.percent.saturating_add(1);
                    literal.push('%');
                }
                '"' => {
                    for q in chars.by_ref() {
                        if q == '"' {
                            break;
                        }
                        literal.push(q);
                    }
                }
                '\\' => literal.extend(chars.next()),
                // `_x` leaves the width of x: a space reads best.
                '_' => {
                    chars.next();
                    literal.push(' ');
                }
                // `*x` repeats x to fill the cell: nothing to show in text.
                '*' => {
                    chars.next();
                }
                '[' => {
                    let inner: String = chars.by_ref().take_while(|&b| b != ']').collect();
                    match inner.strip_prefix('$') {
                        // `[$€-40C]`: a currency symbol, then a locale.
                        Some(currency) => literal.push_str(currency.split('-').next().unwrap_or_default()),
                        // Colours only tint; conditions choose sections in ways not rendered here.
                        None if inner.starts_with(['<', '>', '=']) => return None,
                        None => {}
                    }
                }
                'E' | 'e' | '/' | '@' => return None,
                _ => literal.push(c),
            }
        }
        section.scale = section.scale.saturating_add(pending_commas);
        section.suffix = literal;
        if section.tokens.is_empty() && section.decimals.is_empty() {
            // Only text (`"n/a"`): shown as is, whatever the number.
            section.tokens.push(Token::Literal(std::mem::take(&mut section.suffix)));
        }
        Some(section)
    }

    fn render(&self, n: f64, signed: bool) -> String {
        let mut value = n.abs();
        for _ in 0..self.percent {
            value *= 100.0;
        }
        for _ in 0..self.scale {
            value /= 1000.0;
        }
        let places = self.decimals.iter().filter(|t| matches!(t, Token::Digit(_))).count();
        // Rounded half away from zero to the places shown, as spreadsheets
        // do (formatting alone rounds half to even), nudged past the binary
        // error that makes 1.005 fall short of 1.005; then split into digits.
        if places <= 15 {
            let factor = 10f64.powi(i32::try_from(places).unwrap_or(15));
            value = (value * factor * (1.0 + 4.0 * f64::EPSILON)).round() / factor;
        }
        let fixed = format!("{value:.places$}");
        let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
        let whole = whole.trim_start_matches('0');
        let mut out = String::with_capacity(fixed.len() + 8);
        let negative = signed && n < 0.0 && fixed.bytes().any(|b| matches!(b, b'1'..=b'9'));
        if negative {
            out.push('-');
        }
        self.render_whole(whole, &mut out);
        if !self.decimals.is_empty() || places > 0 {
            out.push('.');
            render_fraction(&self.decimals, fraction, &mut out);
        }
        out.push_str(&self.suffix);
        out
    }

    /// Fills the integer placeholders from the right; digits beyond them all
    /// go where the first placeholder stands, as spreadsheets do.
    fn render_whole(&self, digits: &str, out: &mut String) {
        let slots = self.tokens.iter().filter(|t| matches!(t, Token::Digit(_))).count();
        let digits = digits.as_bytes();
        let extra = digits.len().saturating_sub(slots);
        // Slot i (from the left) takes digit i - (slots - len) when that is in range.
        let offset = slots.saturating_sub(digits.len());
        let grouped_len = digits
            .len()
            .max(self.tokens.iter().filter(|t| matches!(t, Token::Digit(Placeholder::Zero))).count().min(slots));
        let mut shown = 0usize; // digits written so far, for grouping
        let push_digit = |out: &mut String, d: char, shown: &mut usize| {
            if self.grouped && *shown > 0 && (grouped_len - *shown).is_multiple_of(3) {
                out.push(',');
            }
            out.push(d);
            *shown += 1;
        };
        let mut slot = 0usize;
        for token in &self.tokens {
            match token {
                Token::Literal(text) => out.push_str(text),
                Token::Digit(placeholder) => {
                    if slot == 0 {
                        for &d in &digits[..extra] {
                            push_digit(out, char::from(d), &mut shown);
                        }
                    }
                    if slot >= offset {
                        push_digit(out, char::from(digits[extra + slot - offset]), &mut shown);
                    } else if let Some(filler) = placeholder.filler() {
                        if filler == '0' {
                            push_digit(out, '0', &mut shown);
                        } else {
                            out.push(filler);
                        }
                    }
                    slot += 1;
                }
            }
        }
    }
}

/// Writes the decimals: `0` keeps trailing zeros, `#` drops them, `?`
/// turns them into spaces.
fn render_fraction(tokens: &[Token], digits: &str, out: &mut String) {
    let digits = digits.as_bytes();
    // The last non-zero digit: zeros after it are optional.
    let significant = digits.iter().rposition(|&d| d != b'0').map_or(0, |i| i + 1);
    let mut index = 0usize;
    for token in tokens {
        match token {
            Token::Literal(text) => out.push_str(text),
            Token::Digit(placeholder) => {
                let d = digits.get(index).copied().unwrap_or(b'0');
                if index < significant {
                    out.push(char::from(d));
                } else if let Some(filler) = placeholder.filler() {
                    out.push(filler);
                }
                index += 1;
            }
        }
    }
    if out.ends_with('.') {
        out.pop();
    }
}

/// The format's sections, split on `;` outside quotes, escapes and brackets.
fn split_sections(code: &str) -> Vec<&str> {
    let mut sections = Vec::new();
    let (mut start, mut quoted, mut bracket, mut escaped) = (0, false, false, false);
    for (i, c) in code.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if !quoted => escaped = true,
            '"' if !bracket => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            ';' if !quoted && !bracket => {
                sections.push(&code[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    sections.push(&code[start..]);
    sections
}

/// Whether a section shows a date or time, and which: date letters (`y`,
/// `d`, `m` away from hours and seconds) and time letters (`h`, `s`, `[h]`)
/// outside quotes and escapes.
fn date_kind(section: &str) -> Option<DateKind> {
    let (mut date, mut time, mut months) = (false, false, false);
    let mut chars = section.chars().peekable();
    let mut last_letter = ' ';
    while let Some(c) = chars.next() {
        match c.to_ascii_lowercase() {
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => {
                let inner: String = chars.by_ref().take_while(|&b| b != ']').collect();
                if matches!(inner.to_ascii_lowercase().as_str(), "h" | "hh" | "m" | "mm" | "s" | "ss") {
                    time = true;
                }
            }
            'y' | 'd' => {
                date = true;
                last_letter = 'd';
            }
            'h' | 's' => {
                time = true;
                last_letter = 'h';
            }
            'm' => {
                // `m` after hours or before seconds is minutes, else months.
                let mut ahead = chars.clone().skip_while(|c| matches!(c, 'm' | 'M'));
                let before_seconds =
                    ahead.find(char::is_ascii_alphabetic).is_some_and(|c| c.eq_ignore_ascii_case(&'s'));
                if last_letter == 'h' || before_seconds {
                    time = true;
                } else {
                    months = true;
                }
                while chars.peek().is_some_and(|c| c.eq_ignore_ascii_case(&'m')) {
                    chars.next();
                }
            }
            'a' if starts_with_ignore_case(chars.clone(), "m/pm") || starts_with_ignore_case(chars.clone(), "/p") => {
                time = true;
            }
            '0' | '#' | '?' if !date && !time && !months => return None,
            _ => {}
        }
    }
    match (date || months, time) {
        (true, true) => Some(DateKind::DateTime),
        (true, false) => Some(DateKind::Date),
        (false, true) => Some(DateKind::Time),
        (false, false) => None,
    }
}

fn starts_with_ignore_case(chars: impl Iterator<Item = char>, prefix: &str) -> bool {
    let mut chars = chars;
    prefix.chars().all(|p| chars.next().is_some_and(|c| c.eq_ignore_ascii_case(&p)))
}

/// A date or time read from a cell formatted as one, as its serial day
/// number in the 1900 date system (fractions are the time of day).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct CellDate {
    /// Days since 1899-12-30 (so that 1 is 1900-01-01 past Excel's
    /// phantom 1900-02-29), with the time of day as a fraction.
    pub serial: f64,
    /// What the cell's format shows.
    pub kind: DateKind,
}

/// Days from 1899-12-30 to 1970-01-01.
const UNIX_EPOCH_SERIAL: i64 = 25_569;
/// The 1904 system counts from 1904-01-01: 1,462 days later.
pub(super) const DAYS_1904: f64 = 1_462.0;

impl CellDate {
    /// The day and time, as (year, month, day, hour, minute, second), or
    /// `None` for serials no calendar holds (negative, or past year 9999).
    pub fn civil(self) -> Option<(i64, u32, u32, u32, u32, u32)> {
        if !self.serial.is_finite() || self.serial < 0.0 || self.serial >= 2_958_466.0 {
            return None;
        }
        // Rounded to the second, as spreadsheets show it.
        #[allow(clippy::cast_possible_truncation)] // bounded just above
        let seconds = (self.serial * 86_400.0).round() as i64;
        let (mut days, of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        // Serials before 1900-03-01 count a 1900-02-29 that never was.
        if days < 61 && days > 0 {
            days += 1;
        }
        let (year, month, day) = crate::time::civil_from_days(days - UNIX_EPOCH_SERIAL);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // below 86,400
        let of_day = of_day as u32;
        Some((year, month, day, of_day / 3600, of_day / 60 % 60, of_day % 60))
    }

    /// The date as ISO 8601 text: `2026-03-05`, `08:30`, `2026-03-05 08:30`
    /// (seconds only when there are some).
    pub fn text(self) -> String {
        let Some((year, month, day, hour, minute, second)) = self.civil() else {
            return super::number_text(self.serial);
        };
        let mut out = String::with_capacity(19);
        if self.kind != DateKind::Time {
            let _ = write!(out, "{year:04}-{month:02}-{day:02}");
        }
        if self.kind != DateKind::Date {
            if !out.is_empty() {
                out.push(' ');
            }
            let _ = write!(out, "{hour:02}:{minute:02}");
            if second != 0 {
                let _ = write!(out, ":{second:02}");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(code: &str, n: f64) -> String {
        match Shape::parse(code) {
            Shape::Digits(pattern) => pattern.render(n),
            Shape::General => super::super::number_text(n),
            Shape::Date(kind) => CellDate { serial: n, kind }.text(),
        }
    }

    #[test]
    fn padded_identifiers_keep_their_zeros() {
        assert_eq!(shown("00000", 42.0), "00042");
        assert_eq!(shown("000000", 1_234_567.0), "1234567");
        assert_eq!(shown("\"EMP-\"0000", 7.0), "EMP-0007");
        assert_eq!(shown("0", 42.0), "42");
    }

    #[test]
    fn phone_shaped_formats_show_their_spaces_and_leading_zero() {
        assert_eq!(shown("0# ## ## ## ##", 612_345_678.0), "06 12 34 56 78");
        assert_eq!(shown("0#\" \"##\" \"##\" \"##\" \"##", 612_345_678.0), "06 12 34 56 78");
        assert_eq!(shown("[<=9999999]###-####;(###) ###-####", 2_025_550_123.0), "2025550123");
        assert_eq!(shown("00\\ 00\\ 00\\ 00\\ 00", 612_345_678.0), "06 12 34 56 78");
    }

    #[test]
    fn decimals_grouping_percent_and_sections_render_as_shown() {
        assert_eq!(shown("0.00", 3.0), "3.00");
        assert_eq!(shown("#,##0", 1_234_567.0), "1,234,567");
        assert_eq!(shown("#,##0.00", 1234.5), "1,234.50");
        assert_eq!(shown("0%", 0.25), "25%");
        assert_eq!(shown("#,##0 ;(#,##0)", -1500.0), "(1,500)");
        assert_eq!(shown("0.0#", 2.5), "2.5");
        assert_eq!(shown("0.00", -0.001), "0.00");
        assert_eq!(shown("[Red]0000", 12.0), "0012");
        assert_eq!(shown("[$€-40C]0.00", 5.0), "€5.00");
        assert_eq!(shown("#,##0,\"k\"", 12_500.0), "13k");
        assert_eq!(shown("0.00", 1.005), "1.01");
        assert_eq!(shown("0", 2.5), "3");
    }

    #[test]
    fn what_is_not_rendered_reads_as_the_number() {
        assert_eq!(Shape::parse("General"), Shape::General);
        assert_eq!(Shape::parse("0.00E+00"), Shape::General);
        assert_eq!(Shape::parse("# ?/?"), Shape::General);
        assert_eq!(Shape::parse("@"), Shape::General);
        assert_eq!(Shape::parse(&"0".repeat(300)), Shape::General, "longer than a format can be");
    }

    #[test]
    fn date_and_time_formats_are_recognised() {
        for code in ["dd/mm/yyyy", "yyyy-mm-dd", "d-mmm-yy", "[$-40C]dddd d mmmm yyyy", "mmm yy"] {
            assert_eq!(Shape::parse(code), Shape::Date(DateKind::Date), "{code}");
        }
        for code in ["hh:mm", "h:mm AM/PM", "[h]:mm:ss", "mm:ss", "h\"h\"mm"] {
            assert_eq!(Shape::parse(code), Shape::Date(DateKind::Time), "{code}");
        }
        for code in ["dd/mm/yyyy hh:mm", "m/d/yy h:mm", "yyyy-mm-dd\\Thh:mm:ss"] {
            assert_eq!(Shape::parse(code), Shape::Date(DateKind::DateTime), "{code}");
        }
        assert_eq!(Shape::parse("\"day\" 0"), Shape::parse("\"day\" 0"));
        assert!(matches!(Shape::parse("\"day\" 0"), Shape::Digits(_)));
        assert_eq!(Shape::built_in(14), Some(Shape::Date(DateKind::Date)));
        assert_eq!(Shape::built_in(22), Some(Shape::Date(DateKind::DateTime)));
    }

    #[test]
    fn serials_become_calendar_days_and_times() {
        let date = |serial, kind| CellDate { serial, kind }.text();
        assert_eq!(date(46_086.0, DateKind::Date), "2026-03-05");
        assert_eq!(date(46_086.354_166_666_67, DateKind::DateTime), "2026-03-05 08:30");
        assert_eq!(date(0.5, DateKind::Time), "12:00");
        assert_eq!(date(0.000_011_574_074, DateKind::Time), "00:00:01");
        assert_eq!(date(1.0, DateKind::Date), "1900-01-01");
        assert_eq!(date(61.0, DateKind::Date), "1900-03-01");
        assert_eq!(date(25_569.0, DateKind::Date), "1970-01-01");
        assert_eq!(date(-1.0, DateKind::Date), "-1");
    }
}
