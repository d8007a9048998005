//! Text a spreadsheet would run as a formula: defused on the way out (a
//! leading `'`), given back on the way in, so an exported file reads back
//! as the text it was written from.

use std::borrow::Cow;

/// Text as it may go into a CSV cell: anything a spreadsheet would read as a
/// formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets
/// a leading `'`, which spreadsheets show as text and do not evaluate. Text
/// that already starts so after apostrophes gets one more, so [`restored`]
/// gives back exactly the text it was given.
pub fn neutralised(text: &str) -> Cow<'_, str> {
    if starts_like_formula(text) { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

/// Whether text, past any leading apostrophes, starts as a formula would.
fn starts_like_formula(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The text [`neutralised`] was given: a leading `'` before what would read
/// as a formula is dropped, so an exported CSV file imports unchanged.
pub fn restored(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if starts_like_formula(rest) => rest,
        _ => text,
    }
}
