//! The user directory's list query (F1): filters and keyset pagination.

use crate::model::{LicenceLevel, Role, UserStatus, UserType};
use crate::text;
use crate::time::{Timestamp, Zone};
use crate::vocabulary::vocabulary;

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

/// A position in the directory: the order it was taken in, and the sort
/// key and id of the last user shown. Opaque to clients; pages stay fast
/// at any depth because the next page starts from an index position
/// rather than skipping rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// The order of the page it was taken from: a position in one order
    /// means nothing in another.
    pub sort: Sort,
    /// The last row's sort key.
    pub sort_key: String,
    /// The last row's id, which breaks ties between equal sort keys.
    pub id: i64,
}

impl Cursor {
    /// The cursor as an opaque URL-safe text.
    pub fn encode(&self) -> String {
        use std::fmt::Write;
        let mut out = format!("{}{:x}.", self.sort.letter(), self.id);
        for b in self.sort_key.as_bytes() {
            let _ = write!(out, "{b:02x}");
        }
        out
    }

    /// Reads a text of the shape [`Cursor::encode`] writes (`<order
    /// letter><hex id>.<hex bytes>`, at most [`MAX_CURSOR_LEN`]
    /// characters); `None` for any other. Any text of that shape is a
    /// position, even one this server did not give: a page simply starts
    /// there.
    pub fn decode(raw: &str) -> Option<Self> {
        let sort = Sort::ALL.iter().copied().find(|s| raw.starts_with(s.letter()))?;
        let (id, key) = raw[1..].split_once('.')?;
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
        Some(Self { sort, sort_key: String::from_utf8_lossy(&bytes?).into_owned(), id })
    }
}

/// What a directory page asks for, parsed from the query string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserQuery {
    /// Folded words that each result's names, e-mail, mobile or employee id
    /// all contain, in any order ("zoe mar" finds Zoé Martin). They are
    /// matched as plain substrings, never as patterns, so any length and any
    /// character (`%`, `_`, `"`) is literal.
    pub search: Vec<String>,
    /// Only users of this status; by default everyone but the deleted.
    pub status: Option<UserStatus>,
    /// Only members of this group.
    pub group: Option<i64>,
    /// Only users with this tag.
    pub tag: Option<i64>,
    /// Only users of this type.
    pub user_type: Option<UserType>,
    /// Only users of this role.
    pub role: Option<Role>,
    /// Only users of this licence level.
    pub licence_level: Option<LicenceLevel>,
    /// When they last signed in.
    pub access: Access,
    /// The order of the pages.
    pub sort: Sort,
    /// Start after this position (of the same sort).
    pub after: Option<Cursor>,
    /// How many users at most.
    pub limit: u32,
    /// Only users inside this user's perimeter (the members of their
    /// allowed groups, H5): set by the server from who asks, never read
    /// from the query string.
    pub within_perimeter_of: Option<i64>,
    /// Only members of any of these groups (an export of group members):
    /// set by the server, never read from the query string.
    pub in_groups: Vec<i64>,
    /// Only users a monthly figure counted: the month, and whether only
    /// signed-in accounts count. Set by the server.
    pub active_in: Option<(String, bool)>,
}

/// A filter on when users last signed in. Its parts combine as every
/// filter does, each narrowing the others: "never" with dates finds no one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Access {
    /// Only those who never signed in.
    pub never: bool,
    /// Only those who last signed in at or after this instant (the start
    /// of a day of the company's time zone).
    pub since: Option<Timestamp>,
    /// Only those who last signed in before this instant (likewise).
    pub before: Option<Timestamp>,
}

vocabulary! {
    /// The order of the directory's pages.
    pub enum Sort {
        /// By last name then first name, accents and case ignored. The default.
        Name = "name" { fr: "nom", en: "name" },
        /// Newest first, by the creation date shown.
        Created = "created" { fr: "date de création", en: "creation date" },
        /// Most recent sign-in first; those who never signed in last.
        LastAccess = "last_access" { fr: "dernier accès", en: "last access" },
    }
}

impl Sort {
    /// The position just after a row shown in this order, from the row's
    /// name sort key, creation date and last access.
    pub fn cursor(self, sort_key: &str, created_at: &str, last_access_at: Option<&str>, id: i64) -> Cursor {
        let key = match self {
            Self::Name => sort_key,
            Self::Created => created_at,
            Self::LastAccess => last_access_at.unwrap_or_default(),
        };
        Cursor { sort: self, sort_key: key.to_owned(), id }
    }

    /// The letter a cursor of this order starts with.
    const fn letter(self) -> char {
        match self {
            Self::Name => 'n',
            Self::Created => 'c',
            Self::LastAccess => 'a',
        }
    }
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
    /// Every user but the deleted, in name order, `limit` at a time.
    pub fn everyone(limit: u32) -> Self {
        Self {
            search: Vec::new(),
            status: None,
            group: None,
            tag: None,
            user_type: None,
            role: None,
            licence_level: None,
            access: Access::default(),
            sort: Sort::Name,
            after: None,
            limit,
            within_perimeter_of: None,
            in_groups: Vec::new(),
            active_in: None,
        }
    }

    /// Parses the query-string values `param` gives for each name (`q`, the
    /// filters, `sort`, `cursor`, `limit`); absent values mean "any", a
    /// blank search means no search. Access dates are days of `zone`.
    ///
    /// # Errors
    /// [`QueryError`] for an unknown value, a forged cursor, a limit out of
    /// `bounds`, a blank filter or a search holding control characters.
    pub fn parse(
        param: impl Fn(&'static str) -> Option<String>,
        bounds: PageBounds,
        zone: &Zone,
    ) -> Result<Self, QueryError> {
        let given = |name: &'static str| match param(name) {
            Some(v) if v.trim().is_empty() => Err(QueryError::Blank(name)),
            other => Ok(other.map(|v| v.trim().to_owned())),
        };
        let q = param("q").unwrap_or_default();
        if text::has_control(&q) {
            return Err(QueryError::Control);
        }
        let search = text::fold(&q.chars().take(MAX_SEARCH_LEN).collect::<String>())
            .split_whitespace()
            .take(MAX_SEARCH_WORDS)
            .map(str::to_owned)
            .collect();
        let id = |v: &str| v.parse::<i64>().ok().filter(|g| (1..=MAX_ID).contains(g));
        let day = |v: &str| day_start(v, zone);
        let access = Access {
            never: named("last_access", given("last_access")?, |v| (v == "never").then_some(()))?.is_some(),
            since: named("accessed_since", given("accessed_since")?, day)?,
            before: named("accessed_before", given("accessed_before")?, day)?,
        };
        let limit = match given("limit")? {
            None => bounds.default,
            Some(l) => match l.parse::<i64>() {
                Ok(n) if (1..=i64::from(bounds.max)).contains(&n) => u32::try_from(n).unwrap_or(bounds.max),
                Ok(_) => return Err(QueryError::LimitRange(bounds.max)),
                Err(_) => return Err(QueryError::Limit),
            },
        };
        let sort = named("sort", given("sort")?, |v| Sort::parse(v).ok())?.unwrap_or(Sort::Name);
        let after = given("cursor")?.map(|c| Cursor::decode(&c).ok_or(QueryError::Cursor)).transpose()?;
        if after.as_ref().is_some_and(|c| c.sort != sort) {
            return Err(QueryError::CursorOrder);
        }
        Ok(Self {
            search,
            status: named("status", given("status")?, |v| UserStatus::parse(v).ok())?,
            group: named("group", given("group")?, id)?,
            tag: named("tag", given("tag")?, id)?,
            user_type: named("user_type", given("user_type")?, |v| UserType::parse(v).ok())?,
            role: named("role", given("role")?, |v| Role::parse(v).ok())?,
            licence_level: named("licence_level", given("licence_level")?, |v| LicenceLevel::parse(v).ok())?,
            access,
            sort,
            after,
            limit,
            within_perimeter_of: None,
            in_groups: Vec::new(),
            active_in: None,
        })
    }
}

/// Why a directory query was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// A filter names nothing it could mean (`status=zombie`, `group=-3`,
    /// `accessed_since=yesterday`).
    #[error("“{1}” is not a value of “{0}”")]
    Unknown(&'static str, String),
    /// `cursor` was not given by a previous page.
    #[error("the cursor is not one this server gave")]
    Cursor,
    /// `cursor` was given by a page of another order than `sort` asks.
    #[error("the cursor was given for another order: start again from the first page")]
    CursorOrder,
    /// `limit` is not a whole number.
    #[error("the limit is not a whole number")]
    Limit,
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

/// A filter's value read by `parse`; absent is `None`, unreadable an error naming the filter.
fn named<T>(
    name: &'static str,
    raw: Option<String>,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, QueryError> {
    raw.map(|v| parse(&v).ok_or(QueryError::Unknown(name, v))).transpose()
}

/// The instant a day written `2026-03-01` starts in `zone`; `None` for any other text.
fn day_start(raw: &str, zone: &Zone) -> Option<Timestamp> {
    let plain = raw.len() == 10 && raw.bytes().all(|b| b.is_ascii_digit() || b == b'-');
    if !plain {
        return None;
    }
    zone.day_start(raw.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDS: PageBounds = PageBounds::DIRECTORY;

    /// Parses a query string's pairs, in Paris time.
    fn parse(pairs: &[(&str, &str)]) -> Result<UserQuery, QueryError> {
        let zone = Zone::parse("Europe/Paris").unwrap();
        UserQuery::parse(|name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned()), BOUNDS, &zone)
    }

    #[test]
    fn a_cursor_survives_its_round_trip() {
        for sort in Sort::ALL.iter().copied() {
            let cursor = Cursor { sort, sort_key: "müller\u{1}zoé".into(), id: 123_456 };
            assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        }
    }

    #[test]
    fn forged_cursors_are_refused() {
        for raw in ["", "0", "n", "nzz.00", "n1.0", "n1.zz", "n1.C3", "n.00", "n1234567890abcdef0.00", "1.00", "x1.00"]
        {
            assert_eq!(Cursor::decode(raw), None, "{raw}");
        }
        assert_eq!(parse(&[("cursor", "nope")]), Err(QueryError::Cursor));
    }

    #[test]
    fn a_blank_search_is_no_search_but_a_blank_filter_is_refused() {
        let q = parse(&[("q", "  ")]).unwrap();
        assert_eq!((q.search.len(), q.status, q.limit, q.sort), (0, None, DEFAULT_PAGE, Sort::Name));
        for name in ["status", "group", "tag", "role", "sort", "cursor", "limit", "last_access", "accessed_since"] {
            assert_eq!(parse(&[(name, " ")]), Err(QueryError::Blank(name)), "{name}");
        }
    }

    #[test]
    fn limits_outside_the_bounds_are_refused_not_clamped() {
        assert_eq!(parse(&[("limit", "200")]).unwrap().limit, MAX_PAGE);
        for bad in ["0", "-1", "201", "99999999999999999999"] {
            assert!(parse(&[("limit", bad)]).is_err(), "{bad}");
        }
        assert_eq!(parse(&[("limit", "x")]), Err(QueryError::Limit));
    }

    #[test]
    fn control_characters_in_a_search_are_refused() {
        for q in ["\u{0}", "a\u{0}b", "x\ny", "\u{7f}"] {
            assert_eq!(parse(&[("q", q)]), Err(QueryError::Control), "{q:?}");
        }
    }

    #[test]
    fn search_is_folded_and_filters_read_in_any_language() {
        let q = parse(&[
            ("q", " Élodie  Martin "),
            ("status", "désactivé"),
            ("group", "7"),
            ("tag", "9"),
            ("user_type", "externe"),
            ("role", "team admin"),
            ("licence_level", "Créateur"),
            ("sort", "dernier accès"),
            ("limit", "10"),
        ])
        .unwrap();
        assert_eq!(q.search, ["elodie", "martin"]);
        assert_eq!((q.status, q.group, q.tag), (Some(UserStatus::Inactive), Some(7), Some(9)));
        assert_eq!(
            (q.user_type, q.role, q.licence_level, q.sort),
            (Some(UserType::External), Some(Role::TeamAdmin), Some(LicenceLevel::Creator), Sort::LastAccess)
        );
        for (name, bad) in [
            ("status", "zombie"),
            ("group", "-3"),
            ("group", "9007199254740992"),
            ("tag", "x"),
            ("user_type", "alien"),
            ("sort", "shoe size"),
        ] {
            assert_eq!(parse(&[(name, bad)]), Err(QueryError::Unknown(name, bad.into())), "{name}");
        }
    }

    #[test]
    fn access_dates_are_days_of_the_company_zone() {
        let q = parse(&[("accessed_since", "2026-01-15"), ("accessed_before", "2026-07-01")]).unwrap();
        // Paris is UTC+1 in January and UTC+2 in July.
        assert_eq!(
            q.access,
            Access {
                never: false,
                since: Timestamp::parse("2026-01-14T23:00:00Z"),
                before: Timestamp::parse("2026-06-30T22:00:00Z"),
            }
        );
        assert!(parse(&[("last_access", "never")]).unwrap().access.never);
        // A day whose midnight the clocks skip starts when the clocks resume.
        let santiago = Zone::parse("America/Santiago").unwrap();
        let q = UserQuery::parse(|n| (n == "accessed_since").then(|| "2026-09-06".into()), BOUNDS, &santiago);
        assert_eq!(q.unwrap().access.since, Timestamp::parse("2026-09-06T04:00:00Z"));
        for bad in ["2026-13-01", "2026-1-1", "15/01/2026", "2026-01-15T10:00"] {
            assert!(matches!(parse(&[("accessed_since", bad)]), Err(QueryError::Unknown(..))), "{bad}");
        }
        assert!(matches!(parse(&[("last_access", "yesterday")]), Err(QueryError::Unknown(..))));
    }

    #[test]
    fn each_sort_resumes_from_its_own_key() {
        let created = "2025-01-13T09:00:00Z";
        let at = Some("2026-01-01T00:00:00Z");
        assert_eq!(Sort::Name.cursor("martin\u{1}zoe", created, at, 4).sort_key, "martin\u{1}zoe");
        assert_eq!(
            Sort::Created.cursor("martin", created, None, 4),
            Cursor { sort: Sort::Created, sort_key: created.into(), id: 4 }
        );
        assert_eq!(Sort::LastAccess.cursor("m", created, at, 4).sort_key, "2026-01-01T00:00:00Z");
        assert_eq!(Sort::LastAccess.cursor("m", created, None, 4).sort_key, "");
    }

    #[test]
    fn a_cursor_of_one_order_is_refused_in_another() {
        let by_name = Sort::Name.cursor("martin", "2025-01-13T09:00:00Z", None, 4).encode();
        assert_eq!(parse(&[("cursor", &by_name), ("sort", "created")]), Err(QueryError::CursorOrder));
        assert!(parse(&[("cursor", &by_name)]).is_ok());
    }
}
