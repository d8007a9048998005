//! The user directory's list query (F1): filters and keyset pagination.

use crate::model::UserStatus;
use crate::text;

/// The default page size.
pub const DEFAULT_PAGE: u32 = 50;
/// The largest page served at once.
pub const MAX_PAGE: u32 = 200;
/// The longest search text considered.
pub const MAX_SEARCH_LEN: usize = 100;
/// The most search words considered; more narrow nothing useful.
pub const MAX_SEARCH_WORDS: usize = 5;
/// The largest id the API takes: ids travel as JSON numbers, exact up to 2^53 − 1.
pub const MAX_ID: i64 = 9_007_199_254_740_991;
/// The longest cursor read.
pub const MAX_CURSOR_LEN: usize = 1040;

/// A position in the directory: the sort key and id of the last user shown.
/// Opaque to clients; pages stay fast at any depth because the next page
/// starts from an index position rather than skipping rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// The last row's sort key.
    pub sort_key: String,
    /// The last row's id, which breaks ties between equal sort keys.
    pub id: i64,
}

impl Cursor {
    /// The cursor as an opaque URL-safe text.
    pub fn encode(&self) -> String {
        use std::fmt::Write;
        let mut out = format!("{:x}.", self.id);
        for b in self.sort_key.as_bytes() {
            let _ = write!(out, "{b:02x}");
        }
        out
    }

    /// Reads a text of the shape [`Cursor::encode`] writes (`<hex id>.<hex
    /// bytes>`, at most [`MAX_CURSOR_LEN`] characters); `None` for any other.
    /// Any text of that shape is a position, even one this server did not
    /// give: a page simply starts there.
    pub fn decode(raw: &str) -> Option<Self> {
        let (id, key) = raw.split_once('.')?;
        if raw.len() > MAX_CURSOR_LEN || id.is_empty() || id.len() > 15 || !key.len().is_multiple_of(2) {
            return None;
        }
        let hex = |t: &str| t.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex(id) || !hex(key) {
            return None;
        }
        let id = i64::from_str_radix(id, 16).ok()?;
        let bytes: Option<Vec<u8>> =
            (0..key.len()).step_by(2).map(|i| u8::from_str_radix(&key[i..i + 2], 16).ok()).collect();
        Some(Self { sort_key: String::from_utf8_lossy(&bytes?).into_owned(), id })
    }
}

/// What a directory page asks for, parsed from the query string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserQuery {
    /// Folded words that each result's names, e-mail, mobile or employee id
    /// all contain, in any order ("zoe mar" finds Zoé Martin). They are
    /// matched as plain substrings, never as patterns, so any length and any
    /// character (`%`, `_`) is literal.
    pub search: Vec<String>,
    /// Only users of this status; by default everyone but the deleted.
    pub status: Option<UserStatus>,
    /// Only members of this group.
    pub group: Option<i64>,
    /// Start after this position.
    pub after: Option<Cursor>,
    /// How many users at most.
    pub limit: u32,
}

/// Why a directory query was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// `status` names no status.
    #[error("unknown status “{0}”")]
    Status(String),
    /// `cursor` was not given by a previous page.
    #[error("the cursor is not one this server gave")]
    Cursor,
    /// `limit` is not a whole number.
    #[error("the limit is not a whole number")]
    Limit,
    /// `group` is not a group id.
    #[error("the group is not a group id")]
    Group,
    /// `limit` is outside the page bounds.
    #[error("the limit must be between 1 and {0}")]
    LimitRange(u32),
    /// A filter was given without a value (`status=`).
    #[error("“{0}” is given without a value; leave it out to mean any")]
    Blank(&'static str),
    /// The search holds control characters (`%00`, line breaks).
    #[error("the search holds control characters")]
    Control,
}

/// How many users one page may hold: by default and at most.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageBounds {
    /// The page size without `limit`.
    pub default: u32,
    /// The largest `limit` accepted.
    pub max: u32,
}

impl PageBounds {
    /// The directory's pages.
    pub const DIRECTORY: Self = Self { default: DEFAULT_PAGE, max: MAX_PAGE };
}

impl UserQuery {
    /// Parses the query-string values; absent values mean "any", a blank
    /// search means no search.
    ///
    /// # Errors
    /// [`QueryError`] for an unknown status, a forged cursor, a limit out of
    /// `bounds`, a blank filter or a search holding control characters.
    pub fn parse(
        q: Option<&str>,
        status: Option<&str>,
        group: Option<&str>,
        cursor: Option<&str>,
        limit: Option<&str>,
        bounds: PageBounds,
    ) -> Result<Self, QueryError> {
        fn given<'a>(name: &'static str, v: Option<&'a str>) -> Result<Option<&'a str>, QueryError> {
            match v.map(str::trim) {
                Some("") => Err(QueryError::Blank(name)),
                other => Ok(other),
            }
        }
        let q = q.unwrap_or_default();
        if text::has_control(q) {
            return Err(QueryError::Control);
        }
        let search = text::fold(&q.chars().take(MAX_SEARCH_LEN).collect::<String>())
            .split_whitespace()
            .take(MAX_SEARCH_WORDS)
            .map(str::to_owned)
            .collect();
        let status = given("status", status)?
            .map(|s| UserStatus::parse(s).map_err(|_| QueryError::Status(s.to_owned())))
            .transpose()?;
        let group = given("group", group)?
            .map(|g| g.parse::<i64>().ok().filter(|g| (1..=MAX_ID).contains(g)).ok_or(QueryError::Group))
            .transpose()?;
        let after = given("cursor", cursor)?.map(|c| Cursor::decode(c).ok_or(QueryError::Cursor)).transpose()?;
        let limit = match given("limit", limit)? {
            None => bounds.default,
            Some(l) => match l.parse::<i64>() {
                Ok(n) if (1..=i64::from(bounds.max)).contains(&n) => u32::try_from(n).unwrap_or(bounds.max),
                Ok(_) => return Err(QueryError::LimitRange(bounds.max)),
                Err(_) => return Err(QueryError::Limit),
            },
        };
        Ok(Self { search, status, group, after, limit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_its_round_trip() {
        let cursor = Cursor { sort_key: "müller\u{1}zoé".into(), id: 123_456 };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
    }

    const BOUNDS: PageBounds = PageBounds::DIRECTORY;

    #[test]
    fn forged_cursors_are_refused() {
        for raw in ["", "0", "zz.00", "1.0", "1.zz", "1.C3", ".00", "1234567890abcdef0.00"] {
            assert_eq!(Cursor::decode(raw), None, "{raw}");
        }
        assert_eq!(UserQuery::parse(None, None, None, Some("nope"), None, BOUNDS), Err(QueryError::Cursor));
    }

    #[test]
    fn a_blank_search_is_no_search_but_a_blank_filter_is_refused() {
        let q = UserQuery::parse(Some("  "), None, None, None, None, BOUNDS).unwrap();
        assert_eq!((q.search.len(), q.status, q.limit), (0, None, DEFAULT_PAGE));
        for (status, group, cursor, limit) in [
            (Some(""), None, None, None),
            (None, Some(" "), None, None),
            (None, None, Some(""), None),
            (None, None, None, Some("")),
        ] {
            assert!(matches!(UserQuery::parse(None, status, group, cursor, limit, BOUNDS), Err(QueryError::Blank(_))));
        }
    }

    #[test]
    fn limits_outside_the_bounds_are_refused_not_clamped() {
        assert_eq!(UserQuery::parse(None, None, None, None, Some("200"), BOUNDS).unwrap().limit, MAX_PAGE);
        for bad in ["0", "-1", "201", "99999999999999999999"] {
            assert!(UserQuery::parse(None, None, None, None, Some(bad), BOUNDS).is_err(), "{bad}");
        }
        assert_eq!(UserQuery::parse(None, None, None, None, Some("x"), BOUNDS), Err(QueryError::Limit));
    }

    #[test]
    fn control_characters_in_a_search_are_refused() {
        for q in ["\u{0}", "a\u{0}b", "x\ny", "\u{7f}"] {
            assert_eq!(UserQuery::parse(Some(q), None, None, None, None, BOUNDS), Err(QueryError::Control), "{q:?}");
        }
    }

    #[test]
    fn search_is_folded_and_statuses_read_in_any_language() {
        let q =
            UserQuery::parse(Some(" Élodie  Martin "), Some("désactivé"), Some("7"), None, Some("10"), BOUNDS).unwrap();
        assert_eq!(q.search, ["elodie", "martin"]);
        assert_eq!((q.status, q.group), (Some(UserStatus::Inactive), Some(7)));
        assert!(matches!(UserQuery::parse(None, Some("zombie"), None, None, None, BOUNDS), Err(QueryError::Status(_))));
        assert_eq!(UserQuery::parse(None, None, Some("-3"), None, None, BOUNDS), Err(QueryError::Group));
        assert_eq!(UserQuery::parse(None, None, Some("9007199254740992"), None, None, BOUNDS), Err(QueryError::Group));
    }
}
