//! Instants as the product stores them. The clock is the caller's: the core
//! only converts and computes.

use std::fmt;

/// An instant, in whole seconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

const DAY: i64 = 86_400;

impl Timestamp {
    /// The instant `millis` milliseconds after the Unix epoch (what
    /// JavaScript's `Date.now()` gives), truncated to the second.
    pub fn from_unix_millis(millis: f64) -> Self {
        // Saturating float-to-int cast: NaN gives 0, extremes clamp.
        #[allow(clippy::cast_possible_truncation)]
        Self((millis / 1000.0).floor() as i64)
    }

    /// The instant `seconds` seconds after the Unix epoch.
    pub const fn from_unix_seconds(seconds: i64) -> Self {
        Self(seconds)
    }

    /// Seconds since the Unix epoch.
    pub const fn unix_seconds(self) -> i64 {
        self.0
    }

    /// The instant `days` whole days later (earlier when negative).
    #[must_use]
    pub const fn plus_days(self, days: i64) -> Self {
        Self(self.0 + days * DAY)
    }

    /// The instant `seconds` later.
    #[must_use]
    pub const fn plus_seconds(self, seconds: i64) -> Self {
        Self(self.0 + seconds)
    }

    /// Reads the UTC form this type writes (`2026-11-22T09:30:00Z`).
    pub fn parse(raw: &str) -> Option<Self> {
        let b = raw.as_bytes();
        if b.len() != 20
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
            || b[19] != b'Z'
        {
            return None;
        }
        let num = |range: std::ops::Range<usize>| raw.get(range)?.parse::<i64>().ok();
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let days = days_from_civil(year, month, day);
        Some(Self(days * DAY + hour * 3600 + minute * 60 + second))
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&raw).ok_or_else(|| serde::de::Error::custom(format!("not a UTC time: {raw}")))
    }
}

impl fmt::Display for Timestamp {
    /// Writes RFC 3339 in UTC, which sorts correctly as text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (days, secs) = (self.0.div_euclid(DAY), self.0.rem_euclid(DAY));
        let (year, month, day) = civil_from_days(days);
        write!(f, "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
    }
}

/// A company's time zone (an IANA name such as `Europe/Paris`): invitation
/// dates are entered and shown in it, and stored in UTC.
#[derive(Clone, Debug)]
pub struct Zone {
    name: String,
    tz: jiff::tz::TimeZone,
}

/// Why a local date and time was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LocalTimeError {
    /// Not written `YYYY-MM-DDTHH:MM` (seconds optional, a space allowed for `T`).
    #[error("not a date and time such as 2026-12-01T09:00")]
    Shape,
    /// Out of the years the product handles.
    #[error("date out of range")]
    Range,
    /// A time the clocks skip in this zone (they go forward over it).
    #[error("this time does not exist in the time zone")]
    Skipped,
    /// A time that happens twice in this zone (the clocks go back over it).
    #[error("this time happens twice in the time zone")]
    Repeated,
}

impl Zone {
    /// The zone companies get unless they choose another.
    pub const DEFAULT: &'static str = "Europe/Paris";

    /// The zone named `name` in the time zone database.
    pub fn parse(name: &str) -> Option<Self> {
        let tz = jiff::tz::db().get(name).ok()?;
        Some(Self { name: name.to_owned(), tz })
    }

    /// The zone's IANA name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The instant a wall-clock time of this zone names, written
    /// `2026-12-01T09:00` (seconds optional, a space allowed for `T`).
    ///
    /// # Errors
    /// [`LocalTimeError`] when `raw` is not a local date and time, or names
    /// a time the clocks skip or repeat: those are reported, not guessed.
    pub fn instant(&self, raw: &str) -> Result<Timestamp, LocalTimeError> {
        let raw = raw.trim();
        let bytes = raw.as_bytes();
        // Only wall-clock times: an offset or a zone would contradict the company's.
        let plain = bytes.len() >= 16
            && bytes.iter().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b':' | b'T' | b' ' | b'.'));
        if !plain {
            return Err(LocalTimeError::Shape);
        }
        let normalised = raw.replacen(' ', "T", 1);
        let civil: jiff::civil::DateTime = normalised.parse().map_err(|_| LocalTimeError::Shape)?;
        self.resolve(civil)
    }

    /// The instant `day` starts in this zone: its midnight, or when the
    /// clocks resume if they skip midnight that day. `None` out of range.
    pub fn day_start(&self, day: jiff::civil::Date) -> Option<Timestamp> {
        let zoned = self.tz.to_zoned(day.to_datetime(jiff::civil::Time::midnight())).ok()?;
        Some(Timestamp(zoned.start_of_day().ok()?.timestamp().as_second()))
    }

    /// The instant of a date and time read from a spreadsheet.
    ///
    /// # Errors
    /// As [`Zone::instant`].
    pub fn instant_of(&self, local: LocalDateTime) -> Result<Timestamp, LocalTimeError> {
        let civil = jiff::civil::DateTime::new(local.year, local.month, local.day, local.hour, local.minute, 0, 0)
            .map_err(|_| LocalTimeError::Range)?;
        self.resolve(civil)
    }

    fn resolve(&self, civil: jiff::civil::DateTime) -> Result<Timestamp, LocalTimeError> {
        use jiff::tz::AmbiguousOffset;
        let ambiguous = self.tz.to_ambiguous_zoned(civil);
        match ambiguous.offset() {
            AmbiguousOffset::Unambiguous { .. } => {
                let zoned = ambiguous.unambiguous().map_err(|_| LocalTimeError::Range)?;
                Ok(Timestamp(zoned.timestamp().as_second()))
            }
            AmbiguousOffset::Gap { .. } => Err(LocalTimeError::Skipped),
            AmbiguousOffset::Fold { .. } => Err(LocalTimeError::Repeated),
        }
    }

    /// The wall-clock time of `at` in this zone, to the minute (`2026-12-01T09:00`).
    pub fn local(&self, at: Timestamp) -> String {
        jiff::Timestamp::from_second(at.0).map_or_else(
            |_| at.to_string(),
            |t| t.to_zoned(self.tz.clone()).datetime().strftime("%Y-%m-%dT%H:%M").to_string(),
        )
    }

    /// [`Self::local`] as messages to people write it: `2026-12-06 09:00`.
    pub fn local_for_people(&self, at: Timestamp) -> String {
        self.local(at).replace('T', " ")
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for Zone {}

impl Default for Zone {
    fn default() -> Self {
        Self::parse(Self::DEFAULT).unwrap_or_else(|| Self { name: "UTC".into(), tz: jiff::tz::TimeZone::UTC })
    }
}

impl serde::Serialize for Zone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

impl<'de> serde::Deserialize<'de> for Zone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&raw).ok_or_else(|| serde::de::Error::custom(format!("unknown time zone: {raw}")))
    }
}

// Howard Hinnant's proleptic Gregorian calendar conversions.
/// The (year, month, day) `days` days after 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    // Both below 32 by construction.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (yoe + era * 400 + i64::from(month <= 2), month as u32, day as u32)
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A wall-clock date and time, in no zone yet, as files and forms give it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct LocalDateTime {
    /// The year (1900–9999).
    pub year: i16,
    /// The month, 1–12.
    pub month: i8,
    /// The day of the month.
    pub day: i8,
    /// The hour, 0–23.
    pub hour: i8,
    /// The minute.
    pub minute: i8,
}

impl LocalDateTime {
    /// `2026-12-25T08:30`, the form the API and the console exchange.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}T{:02}:{:02}", self.year, self.month, self.day, self.hour, self.minute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_print_as_utc_rfc3339() {
        assert_eq!(Timestamp::from_unix_seconds(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp::from_unix_millis(1_795_311_000_999.0).to_string(), "2026-11-22T01:30:00Z");
        assert_eq!(Timestamp::from_unix_seconds(951_782_400).to_string(), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn printed_instants_read_back() {
        for s in [0, 951_782_400, 1_795_311_000, 4_102_444_799] {
            let t = Timestamp::from_unix_seconds(s);
            assert_eq!(Timestamp::parse(&t.to_string()), Some(t));
        }
        assert_eq!(Timestamp::parse("2026-13-01T00:00:00Z"), None);
        assert_eq!(Timestamp::parse("2026-11-22 00:00:00"), None);
    }

    #[test]
    fn local_times_are_read_in_the_company_zone_across_daylight_saving() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        assert_eq!(paris.instant("2026-12-01T09:00").unwrap().to_string(), "2026-12-01T08:00:00Z");
        assert_eq!(paris.instant("2026-07-01 09:00").unwrap().to_string(), "2026-07-01T07:00:00Z");
        // 02:30 does not exist on 29 March 2026 in Paris, and happens twice on 25 October.
        assert_eq!(paris.instant("2026-03-29T02:30"), Err(LocalTimeError::Skipped));
        assert_eq!(paris.instant("2026-10-25T02:30"), Err(LocalTimeError::Repeated));
        assert_eq!(paris.instant("2026-10-25T03:30").unwrap().to_string(), "2026-10-25T02:30:00Z");
        assert_eq!(paris.local(Timestamp::parse("2026-07-01T07:00:00Z").unwrap()), "2026-07-01T09:00");
        assert_eq!(paris.instant("2026-12-01T09:00+02:00"), Err(LocalTimeError::Shape));
        assert_eq!(paris.instant("2026-13-01T09:00"), Err(LocalTimeError::Shape));
        assert_eq!(paris.instant("tomorrow"), Err(LocalTimeError::Shape));
        assert!(Zone::parse("Mars/Olympus").is_none());
        assert_eq!(Zone::default().name(), "Europe/Paris");
    }

    #[test]
    fn days_are_added_across_months_and_years() {
        let t = Timestamp::parse("2026-12-30T12:00:00Z").unwrap();
        assert_eq!(t.plus_days(4).to_string(), "2027-01-03T12:00:00Z");
        assert_eq!(t.plus_days(-365).to_string(), "2025-12-30T12:00:00Z");
    }
}
