//! XLSX, first sheet, read as a stream of cells. Before the workbook is
//! opened, every part's declared size is checked against the bounds and each
//! XML part's prolog is read, so a zip bomb, an absurd count declared inside
//! the file or a document type declaration is refused before any reader
//! trusts the file. The zip reader refuses to inflate a part past its
//! declared size, so a part that lies about it fails as damaged.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};

use super::{Limits, Row, RowCounter, SheetError, Value};

/// The most parts (files inside the zip) a workbook may have.
const MAX_PARTS: usize = 10_000;
/// How far into a part its prolog (where a document type would be) is searched.
const PROLOG_BYTES: usize = 64 * 1024;
/// The smallest a shared string can be in its part: `<si/>`.
const MIN_SHARED_STRING_BYTES: u64 = 5;

pub(super) fn read(bytes: &[u8], limits: Limits, out: &mut RowCounter<'_>) -> Result<(), SheetError> {
    prescan(bytes, limits)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(damaged)?;
    let first = workbook.sheet_names().into_iter().next().ok_or(SheetError::Empty)?;
    let mut cells = workbook.worksheet_cells_reader(&first).map_err(damaged)?;
    // The declared last row only drives the progress bar: it is never trusted for memory.
    out.expected_rows = cells.dimensions().end.0.saturating_add(1);
    let mut row = Row { number: 0, cells: Vec::new() };
    while let Some(cell) = cells.next_cell().map_err(damaged)? {
        let (index, column) = cell.get_position();
        if column >= u32::from(limits.max_columns) {
            return Err(SheetError::TooManyColumns {
                row: index.saturating_add(1),
                column: column.saturating_add(1),
                max: limits.max_columns,
            });
        }
        let number = index.saturating_add(1);
        if number != row.number {
            flush(&mut row, out)?;
            row.number = number;
        }
        let value = value(cell.get_value());
        if value != Value::Empty {
            let column = column as usize; // below max_columns, checked above
            if row.cells.len() <= column {
                row.cells.resize(column + 1, Value::Empty);
            }
            row.cells[column] = value;
        }
    }
    flush(&mut row, out)
}

fn flush(row: &mut Row, out: &mut RowCounter<'_>) -> Result<(), SheetError> {
    if row.number == 0 {
        return Ok(());
    }
    let number = row.number;
    out.push(std::mem::replace(row, Row { number: 0, cells: Vec::new() }))?;
    let expected = out.expected_rows;
    out.progress(u64::from(number), u64::from(expected));
    Ok(())
}

fn value(data: &DataRef<'_>) -> Value {
    match data {
        DataRef::Empty => Value::Empty,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::from_text(s.clone()),
        DataRef::SharedString(s) => Value::from_text((*s).to_owned()),
        #[allow(clippy::cast_precision_loss)] // spreadsheets hold doubles anyway
        DataRef::Int(i) => Value::Number(*i as f64),
        DataRef::Float(f) => Value::Number(*f),
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::DateTime(d) => Value::DateTime(d.as_f64()),
        DataRef::Error(e) => Value::Error(e.to_string()),
    }
}

fn damaged(error: impl std::fmt::Display) -> SheetError {
    SheetError::Damaged(error.to_string())
}

/// Checks every part's declared size and every XML part's prolog against
/// the bounds, and what the file declares against what it can hold.
fn prescan(bytes: &[u8], limits: Limits) -> Result<(), SheetError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    if archive.len() > MAX_PARTS {
        return Err(SheetError::Declared { what: "parts", declared: archive.len() as u64 });
    }
    if let Ok(mut mimetype) = archive.by_name("mimetype") {
        let mut head = Vec::new();
        let _ = mimetype.by_ref().take(128).read_to_end(&mut head);
        if head.windows(12).any(|w| w == b"opendocument") {
            return Err(SheetError::OpenDocument);
        }
    }
    if archive.index_for_name("xl/workbook.xml").is_none() {
        return Err(SheetError::NotASpreadsheet);
    }
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(damaged)?;
        let name = part.name().map_err(damaged)?.into_owned();
        let extension = std::path::Path::new(&name).extension().and_then(|e| e.to_str()).unwrap_or_default();
        if !(extension.eq_ignore_ascii_case("xml") || extension.eq_ignore_ascii_case("rels")) {
            continue; // images and other media are never read
        }
        if part.encrypted() {
            return Err(SheetError::Encrypted);
        }
        let declared = part.size();
        total = total.saturating_add(declared);
        if declared > limits.max_part_bytes {
            return Err(SheetError::Inflates { part: name, max: limits.max_part_bytes });
        }
        if total > limits.max_unzipped_bytes {
            return Err(SheetError::Inflates { part: name, max: limits.max_unzipped_bytes });
        }
        let mut prolog = Vec::new();
        part.by_ref().take(PROLOG_BYTES as u64).read_to_end(&mut prolog).map_err(damaged)?;
        if contains(&prolog, b"<!DOCTYPE") || contains(&prolog, b"<!ENTITY") {
            return Err(SheetError::Doctype(name));
        }
        if name.ends_with("sharedStrings.xml") {
            check_shared_strings(&prolog, declared, limits)?;
        }
    }
    Ok(())
}

/// The shared-string count a reader reserves room for must fit the part.
fn check_shared_strings(prolog: &[u8], part_bytes: u64, limits: Limits) -> Result<(), SheetError> {
    let room = part_bytes / MIN_SHARED_STRING_BYTES + 1;
    for attribute in [&b"uniqueCount=\""[..], &b" count=\""[..]] {
        let Some(at) = find(prolog, attribute) else { continue };
        let digits: Vec<u8> =
            prolog[at + attribute.len()..].iter().copied().take_while(u8::is_ascii_digit).take(20).collect();
        let declared = std::str::from_utf8(&digits).ok().and_then(|d| d.parse::<u64>().ok()).unwrap_or(u64::MAX);
        if attribute.starts_with(b"unique") && (declared > room || declared > limits.max_shared_strings) {
            return Err(SheetError::Declared { what: "shared strings", declared });
        }
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}
