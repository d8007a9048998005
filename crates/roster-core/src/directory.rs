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

    /// Reads a text from [`Cursor::encode`]; `None` if it is not one.
    pub fn decode(raw: &str) -> Option<Self> {
        let (id, key) = raw.split_once('.')?;
        let id = i64::from_str_radix(id, 16).ok()?;
        if !key.len().is_multiple_of(2) || key.len() > 1024 || !key.is_ascii() {
            return None;
        }
        let bytes: Option<Vec<u8>> =
            (0..key.len()).step_by(2).map(|i| u8::from_str_radix(&key[i..i + 2], 16).ok()).collect();
        Some(Self { sort_key: String::from_utf8(bytes?).ok()?, id })
    }
}

/// What a directory page asks for, parsed from the query string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserQuery {
    /// Folded words that each result's names, e-mail, mobile or employee id
    /// all contain, in any order ("zoe mar" finds Zoé Martin).
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
}

impl UserQuery {
    /// Parses the query-string values; absent or blank values mean "any".
    /// The limit is clamped to 1..=[`MAX_PAGE`].
    ///
    /// # Errors
    /// [`QueryError`] for an unknown status, a forged cursor or a bad limit.
    pub fn parse(
        q: Option<&str>,
        status: Option<&str>,
        group: Option<&str>,
        cursor: Option<&str>,
        limit: Option<&str>,
    ) -> Result<Self, QueryError> {
        fn blank(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let search = blank(q)
            .map(|q| text::fold(&q.chars().take(MAX_SEARCH_LEN).collect::<String>()))
            .map(|q| q.split_whitespace().take(MAX_SEARCH_WORDS).map(str::to_owned).collect())
            .unwrap_or_default();
        let status =
            blank(status).map(|s| UserStatus::parse(s).map_err(|_| QueryError::Status(s.to_owned()))).transpose()?;
        let group = blank(group).map(|g| g.parse::<i64>().map_err(|_| QueryError::Group)).transpose()?;
        let after = blank(cursor).map(|c| Cursor::decode(c).ok_or(QueryError::Cursor)).transpose()?;
        let limit = match blank(limit) {
            None => DEFAULT_PAGE,
            Some(l) => l.parse::<u32>().map_err(|_| QueryError::Limit)?.clamp(1, MAX_PAGE),
        };
        Ok(Self { search, status, group, after, limit })
    }
}

/// Escapes `%`, `_` and `\` so a search text matches literally in a SQL
/// `LIKE … ESCAPE '\'` pattern, and wraps it to match anywhere.
pub fn like_pattern(search: &str) -> String {
    let mut out = String::with_capacity(search.len() + 2);
    out.push('%');
    for c in search.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_its_round_trip() {
        let cursor = Cursor { sort_key: "müller\u{1}zoé".into(), id: 123_456 };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
    }

    #[test]
    fn forged_cursors_are_refused() {
        for raw in ["", "zz.00", "1.0", "1.zz", "1.c328"] {
            assert_eq!(Cursor::decode(raw), None, "{raw}");
        }
        assert_eq!(UserQuery::parse(None, None, None, Some("nope"), None), Err(QueryError::Cursor));
    }

    #[test]
    fn blank_values_mean_any_and_the_limit_is_clamped() {
        let q = UserQuery::parse(Some("  "), Some(""), Some(" "), None, Some("100000")).unwrap();
        assert_eq!((q.search.len(), q.status, q.limit), (0, None, MAX_PAGE));
        assert_eq!(UserQuery::parse(None, None, None, None, None).unwrap().limit, DEFAULT_PAGE);
    }

    #[test]
    fn search_is_folded_and_statuses_read_in_any_language() {
        let q = UserQuery::parse(Some(" Élodie  Martin "), Some("désactivé"), Some("7"), None, Some("10")).unwrap();
        assert_eq!(q.search, ["elodie", "martin"]);
        assert_eq!((q.status, q.group), (Some(UserStatus::Inactive), Some(7)));
        assert!(matches!(UserQuery::parse(None, Some("zombie"), None, None, None), Err(QueryError::Status(_))));
    }

    #[test]
    fn like_wildcards_in_searches_are_literal() {
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
