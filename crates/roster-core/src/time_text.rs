//! Dates, times and periods as administrators write them in spreadsheets
//! (D2): `25/12/2026 08:30`, `2026-12-25T08:30`, `25 déc. 2026 8h30`,
//! `December 25, 2026 8:30 PM`; periods such as `7 jours`, `2 semaines`,
//! `3 days` or `P7D`. Numeric dates are read day first, as in French and
//! most of Europe, unless the year comes first.

use crate::sheet::{CellDate, DateKind};
use crate::text;

pub use crate::time::LocalDateTime;

/// Reading wall-clock times from what people write and spreadsheets hold.
impl LocalDateTime {
    fn new(year: i64, month: i64, day: i64, hour: i64, minute: i64) -> Result<Self, DateTimeError> {
        let year = if (0..100).contains(&year) { 2000 + year } else { year };
        if !(1900..=9999).contains(&year) {
            return Err(DateTimeError::NotADate);
        }
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            _ => return Err(DateTimeError::NotADate),
        };
        if !(1..=days_in_month).contains(&day) {
            return Err(DateTimeError::NotADate);
        }
        if !(0..24).contains(&hour) || !(0..60).contains(&minute) {
            return Err(DateTimeError::NotATime);
        }
        // Each bounded just above.
        #[allow(clippy::cast_possible_truncation)]
        Ok(Self { year: year as i16, month: month as i8, day: day as i8, hour: hour as i8, minute: minute as i8 })
    }

    /// The date and time a cell formatted as a date holds.
    ///
    /// # Errors
    /// [`DateTimeError::NoTime`] for a date alone, [`DateTimeError::NotADate`]
    /// for a time alone or a serial no calendar holds.
    pub fn from_cell(cell: CellDate) -> Result<Self, DateTimeError> {
        let (year, month, day, hour, minute, _) = cell.civil().ok_or(DateTimeError::NotADate)?;
        match cell.kind {
            DateKind::Time => Err(DateTimeError::NotADate),
            // A date cell whose format hides a time it holds still has it.
            DateKind::Date if cell.serial.fract() == 0.0 => Err(DateTimeError::NoTime),
            _ => Self::new(year, i64::from(month), i64::from(day), i64::from(hour), i64::from(minute)),
        }
    }

    /// Reads a date and time written as text.
    ///
    /// # Errors
    /// Why the text is not a date and time.
    pub fn parse(raw: &str) -> Result<Self, DateTimeError> {
        let tokens = tokens(raw)?;
        let (date, rest) = date(&tokens)?;
        let (hour, minute) = time(rest)?;
        Self::new(date.0, date.1, date.2, hour, minute)
    }
}

/// Why a cell is not a date and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateTimeError {
    /// No date can be read.
    #[error("not a date")]
    NotADate,
    /// A date, but no time of day.
    #[error("a date without a time")]
    NoTime,
    /// The time of day cannot be read.
    #[error("not a time")]
    NotATime,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// Digits, with how many there were (a year has 4).
    Number(i64, usize),
    Month(i64),
    /// `am` or `pm`.
    Half(bool),
    /// `h` between hours and minutes (`8h30`).
    H,
    /// `:`.
    Colon,
}

const MONTHS: [(&str, i64); 25] = [
    ("janvier", 1),
    ("january", 1),
    ("fevrier", 2),
    ("february", 2),
    ("mars", 3),
    ("march", 3),
    ("avril", 4),
    ("april", 4),
    ("mai", 5),
    ("may", 5),
    ("juin", 6),
    ("june", 6),
    ("juillet", 7),
    ("july", 7),
    ("aout", 8),
    ("august", 8),
    ("septembre", 9),
    ("september", 9),
    ("octobre", 10),
    ("october", 10),
    ("novembre", 11),
    ("november", 11),
    ("decembre", 12),
    ("december", 12),
    ("sept", 9),
];

/// Words that carry nothing: `à`, `le`, `at`, `on`, `the`, day names.
const FILLERS: [&str; 20] = [
    "a",
    "le",
    "at",
    "on",
    "the",
    "de",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A month named in full or shortened (`déc.`, `Dec`, `sept`, `juil`):
/// at least three letters that begin one name only.
fn month(word: &str) -> Option<i64> {
    if word.len() < 3 {
        return None;
    }
    if let Some(&(_, n)) = MONTHS.iter().find(|(name, _)| *name == word) {
        return Some(n);
    }
    let mut found = MONTHS.iter().filter(|(name, _)| name.starts_with(word)).map(|&(_, n)| n);
    let first = found.next()?;
    found.all(|n| n == first).then_some(first)
}

fn is_filler(word: &str) -> bool {
    FILLERS.contains(&word) || (word.len() >= 3 && FILLERS[6..].iter().any(|day| day.starts_with(word))) || word == "t" // the ISO separator
}

fn tokens(raw: &str) -> Result<Vec<Token>, DateTimeError> {
    let folded = text::fold(raw);
    let mut out = Vec::new();
    let mut chars = folded.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c.is_ascii_digit() {
            let mut end = at + 1;
            while let Some(&(i, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
                end = i + d.len_utf8();
                chars.next();
            }
            let digits = &folded[at..end];
            let value = digits.parse().map_err(|_| DateTimeError::NotADate)?;
            out.push(Token::Number(value, digits.len()));
        } else if c.is_alphabetic() {
            let mut end = at + c.len_utf8();
            while let Some(&(i, d)) = chars.peek().filter(|(_, d)| d.is_alphabetic()) {
                end = i + d.len_utf8();
                chars.next();
            }
            let word = &folded[at..end];
            // Months before fillers: `mar` is March before it is `mardi`.
            match (word, month(word)) {
                ("h", _) => out.push(Token::H),
                ("am" | "pm", _) => out.push(Token::Half(word == "pm")),
                (_, Some(n)) => out.push(Token::Month(n)),
                _ if is_filler(word) => {}
                _ => return Err(DateTimeError::NotADate),
            }
        } else if c == ':' {
            out.push(Token::Colon);
        } else if !(c.is_whitespace() || matches!(c, '/' | '-' | '.' | ',')) {
            return Err(DateTimeError::NotADate);
        }
    }
    Ok(out)
}

type Ymd = (i64, i64, i64);

/// The date at the start of `tokens`, and what follows it.
fn date(tokens: &[Token]) -> Result<(Ymd, &[Token]), DateTimeError> {
    use Token::{Month, Number};
    match tokens {
        // 2026-12-25, 25/12/2026, 25.12.26, 25 déc. 2026, December 25, 2026
        [Number(y, 4), Number(m, _), Number(d, _), rest @ ..]
        | [Number(d, 1 | 2), Number(m, 1 | 2) | Month(m), Number(y, 2 | 4), rest @ ..]
        | [Month(m), Number(d, 1 | 2), Number(y, 4), rest @ ..] => Ok(((*y, *m, *d), rest)),
        _ => Err(DateTimeError::NotADate),
    }
}

/// The time of day in what follows the date.
fn time(tokens: &[Token]) -> Result<(i64, i64), DateTimeError> {
    use Token::{Colon, H, Half, Number};
    let (hour, minute, half) = match tokens {
        [] => return Err(DateTimeError::NoTime),
        // 08:30, 08:30:00, 8:30 pm
        [Number(h, 1 | 2), Colon, Number(m, 2), rest @ ..] => {
            let rest = match rest {
                [Colon, Number(_, 2), rest @ ..] => rest,
                _ => rest,
            };
            match rest {
                [] => (*h, *m, None),
                [Half(pm)] => (*h, *m, Some(*pm)),
                _ => return Err(DateTimeError::NotATime),
            }
        }
        // 8h30, 8 h, 8h
        [Number(h, 1 | 2), H, Number(m, 2)] => (*h, *m, None),
        [Number(h, 1 | 2), H] => (*h, 0, None),
        // 8 pm
        [Number(h, 1 | 2), Half(pm)] => (*h, 0, Some(*pm)),
        _ => return Err(DateTimeError::NotATime),
    };
    let hour = match half {
        None => hour,
        Some(_) if !(1..=12).contains(&hour) => return Err(DateTimeError::NotATime),
        Some(pm) => hour % 12 + if pm { 12 } else { 0 },
    };
    Ok((hour, minute))
}

/// The longest period accepted, in days.
pub const MAX_PERIOD_DAYS: u32 = 365;

/// Reads a period as a whole number of days: `7`, `7 jours`, `7j`,
/// `2 semaines`, `3 days`, `1 week`, `P7D`, `P2W`.
///
/// # Errors
/// When the text is no such period (months and years are refused: they
/// have no fixed length in days).
pub fn parse_period(raw: &str) -> Result<u32, PeriodError> {
    let folded = text::fold(raw).replace(' ', "");
    let (number, unit) = if let Some(iso) = folded.strip_prefix('p') {
        let split = iso.find(|c: char| !c.is_ascii_digit()).unwrap_or(iso.len());
        let (n, unit) = iso.split_at(split);
        (n.to_owned(), if matches!(unit, "d" | "w") { unit.to_owned() } else { return Err(PeriodError::Unknown) })
    } else {
        let split = folded.find(|c: char| !c.is_ascii_digit()).unwrap_or(folded.len());
        let (n, unit) = folded.split_at(split);
        (n.to_owned(), unit.to_owned())
    };
    let n: u32 = number.parse().map_err(|_| PeriodError::Unknown)?;
    let per_unit = match unit.as_str() {
        "" | "d" | "j" | "jour" | "jours" | "day" | "days" => 1,
        "w" | "s" | "sem" | "semaine" | "semaines" | "week" | "weeks" => 7,
        _ => return Err(PeriodError::Unknown),
    };
    let days = n.checked_mul(per_unit).ok_or(PeriodError::OutOfRange)?;
    if (1..=MAX_PERIOD_DAYS).contains(&days) { Ok(days) } else { Err(PeriodError::OutOfRange) }
}

/// Why a cell is not a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// Not a number of days or weeks.
    #[error("not a period")]
    Unknown,
    /// Zero, or longer than a year.
    #[error("period out of range")]
    OutOfRange,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> String {
        LocalDateTime::parse(raw).map_or_else(|e| format!("{e:?}"), LocalDateTime::iso)
    }

    #[test]
    fn dates_and_times_read_in_the_forms_admins_type() {
        for raw in [
            "25/12/2026 08:30",
            "25/12/2026 8:30",
            "25-12-2026 08:30:00",
            "25.12.26 08:30",
            "2026-12-25T08:30",
            "2026-12-25 08:30:00",
            "25 déc. 2026 8h30",
            "25 décembre 2026 à 8h30",
            "vendredi 25 décembre 2026 à 08h30",
            "25 Dec 2026 08:30",
            "December 25, 2026 8:30 AM",
            "Dec 25, 2026 at 8:30 am",
            "  25/12/2026   08 h 30 ",
        ] {
            assert_eq!(at(raw), "2026-12-25T08:30", "{raw}");
        }
        assert_eq!(at("25/12/2026 8 pm"), "2026-12-25T20:00");
        assert_eq!(at("25/12/2026 12:15 am"), "2026-12-25T00:15");
        assert_eq!(at("1 sept 2027 9h"), "2027-09-01T09:00");
        assert_eq!(at("29/02/2028 10:00"), "2028-02-29T10:00");
    }

    #[test]
    fn what_is_not_a_date_and_time_says_why() {
        assert_eq!(at("25/12/2026"), "NoTime");
        assert_eq!(at("31/02/2027 10:00"), "NotADate");
        assert_eq!(at("29/02/2027 10:00"), "NotADate");
        assert_eq!(at("25/12/2026 25:00"), "NotATime");
        assert_eq!(at("25/12/2026 13:00 pm"), "NotATime");
        assert_eq!(at("25/12/2026 8:30 tomorrow"), "NotADate");
        assert_eq!(at("ju 2026"), "NotADate");
        assert_eq!(at("demain"), "NotADate");
        assert_eq!(at(""), "NotADate");
        assert_eq!(at("2026-12-25T08:30+02:00"), "NotADate", "an offset would contradict the company's zone");
        assert_eq!(at("99999999999999999999999/1/1 1:00"), "NotADate");
    }

    #[test]
    fn date_cells_keep_their_time_and_a_date_alone_asks_for_one() {
        // 2026-12-25 is serial 46,381.
        let cell = |serial, kind| LocalDateTime::from_cell(CellDate { serial, kind }).map(LocalDateTime::iso);
        assert_eq!(cell(46_381.354_166_666_7, DateKind::DateTime), Ok("2026-12-25T08:30".into()));
        assert_eq!(cell(46_381.354_166_666_7, DateKind::Date), Ok("2026-12-25T08:30".into()));
        assert_eq!(cell(46_381.0, DateKind::Date), Err(DateTimeError::NoTime));
        assert_eq!(cell(0.354_166_666_7, DateKind::Time), Err(DateTimeError::NotADate));
        assert_eq!(cell(-3.0, DateKind::DateTime), Err(DateTimeError::NotADate));
    }

    #[test]
    fn periods_read_in_days_or_weeks() {
        for (raw, days) in [
            ("7", 7),
            ("7 jours", 7),
            ("7j", 7),
            ("1 jour", 1),
            ("2 semaines", 14),
            ("3 days", 3),
            ("1 week", 7),
            ("P7D", 7),
            ("p2w", 14),
            (" 10 Jours ", 10),
        ] {
            assert_eq!(parse_period(raw), Ok(days), "{raw}");
        }
        assert_eq!(parse_period("1 mois"), Err(PeriodError::Unknown));
        assert_eq!(parse_period("P1M"), Err(PeriodError::Unknown));
        assert_eq!(parse_period("soon"), Err(PeriodError::Unknown));
        assert_eq!(parse_period("0 jours"), Err(PeriodError::OutOfRange));
        assert_eq!(parse_period("60 semaines"), Err(PeriodError::OutOfRange));
        assert_eq!(parse_period("99999999999 days"), Err(PeriodError::Unknown));
    }
}
