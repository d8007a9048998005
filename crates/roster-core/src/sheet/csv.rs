//! CSV as spreadsheets save it: UTF-8 with or without BOM, UTF-16 ("Unicode
//! text"), or Windows-1252 when the bytes are not UTF-8; `,` `;` or tab,
//! detected from the header line; CRLF or LF.

use std::borrow::Cow;

use super::{Limits, Row, RowCounter, SheetError, Value};

const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];

pub(super) fn read(bytes: &[u8], _limits: Limits, out: &mut RowCounter<'_>) -> Result<(), SheetError> {
    let text = decode(bytes);
    let delimiter = delimiter(&text);
    check_quotes(&text, delimiter)?;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut row_number: u64 = 0;
    loop {
        let before = reader.position().clone();
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => {
                // Text was decoded before, so only a broken record lands here.
                let line = e.position().map_or(before.line(), csv::Position::line);
                return Err(SheetError::Malformed { line });
            }
        }
        row_number += 1 + blank_lines_at(text.as_bytes(), before.byte());
        // Text the product neutralised when it exported it comes back as it was.
        let mut cells: Vec<Value> =
            record.iter().map(|field| Value::from_text(super::restored(field).to_owned())).collect();
        while cells.last().is_some_and(|c| *c == Value::Empty) {
            cells.pop();
        }
        let number = u32::try_from(row_number).unwrap_or(u32::MAX);
        out.push(Row { number, cells })?;
        out.progress(reader.position().byte(), text.len() as u64);
    }
}

/// How many blank lines start at byte `at` (where the reader resumed, which
/// may be between the two bytes of a CRLF). The reader skips them; a
/// spreadsheet shows each as a row.
fn blank_lines_at(bytes: &[u8], at: u64) -> u64 {
    let mut at = usize::try_from(at).unwrap_or(usize::MAX).min(bytes.len());
    if at > 0 && bytes[at - 1] == b'\r' && bytes.get(at) == Some(&b'\n') {
        at += 1;
    }
    let run = bytes[at..].iter().take_while(|&&b| b == b'\n' || b == b'\r');
    run.filter(|&&b| b == b'\n').count() as u64
}

/// The file as text: UTF-8 (BOM dropped), UTF-16 with a BOM, or Windows-1252.
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return text;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// The separator used most on the first non-blank line outside quotes;
/// `,` on a tie.
fn delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in text.trim_start_matches(['\r', '\n']).bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], std::cmp::Reverse(i))).unwrap_or(0);
    CANDIDATES[best]
}

/// Refuses a quote that opens a field and never closes: a CSV reader would
/// otherwise read every following line into that one cell, silently.
fn check_quotes(text: &str, delimiter: u8) -> Result<(), SheetError> {
    let bytes = text.as_bytes();
    let (mut line, mut opened_on) = (1u64, 0u64);
    let (mut at_field_start, mut quoted) = (true, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            line += 1;
        }
        if quoted {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1; // an escaped quote
                } else {
                    quoted = false;
                }
            }
        } else if b == b'"' && at_field_start {
            quoted = true;
            opened_on = line;
        }
        at_field_start = !quoted && (b == delimiter || b == b'\n' || b == b'\r');
        i += 1;
    }
    if quoted { Err(SheetError::UnclosedQuote { line: opened_on }) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::super::{Limits, Row, SheetError, Value, read};

    fn rows(bytes: &[u8]) -> Result<Vec<Row>, SheetError> {
        let mut rows = Vec::new();
        read(bytes, Limits::PRODUCT, &mut |row| rows.push(row))?;
        Ok(rows)
    }

    fn texts(row: &Row) -> Vec<String> {
        row.cells.iter().map(|c| c.text().unwrap_or_default()).collect()
    }

    #[test]
    fn french_excel_csv_is_semicolons_in_windows_1252() {
        let bytes = b"nom;pr\xe9nom;adresse mail\r\nL\xe9vy;Zo\xe9;zoe@example.fr\r\n";
        let rows = rows(bytes).unwrap();
        assert_eq!(texts(&rows[0]), ["nom", "prénom", "adresse mail"]);
        assert_eq!(texts(&rows[1]), ["Lévy", "Zoé", "zoe@example.fr"]);
        assert_eq!(rows[1].number, 2);
    }

    #[test]
    fn utf8_with_bom_and_commas() {
        let rows = rows("\u{feff}last_name,email\nMüller,m@example.de\n".as_bytes()).unwrap();
        assert_eq!(texts(&rows[0]), ["last_name", "email"]);
        assert_eq!(texts(&rows[1]), ["Müller", "m@example.de"]);
    }

    #[test]
    fn utf16_unicode_text_with_tabs() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("nom\temail\r\nŒuvre\to@example.fr\r\n".encode_utf16().flat_map(u16::to_le_bytes));
        let rows = rows(&bytes).unwrap();
        assert_eq!(texts(&rows[1]), ["Œuvre", "o@example.fr"]);
    }

    #[test]
    fn quoted_cells_keep_separators_and_line_breaks() {
        let rows = rows(b"name;note\n\"Dupont; Jean\";\"two\nlines \"\"quoted\"\"\"\nNext;x\n").unwrap();
        assert_eq!(texts(&rows[1]), ["Dupont; Jean", "two\nlines \"quoted\""]);
        assert_eq!(rows[2].number, 3, "a cell over two lines is still one row");
    }

    #[test]
    fn blank_lines_keep_the_row_numbers_a_spreadsheet_shows() {
        for bytes in [&b"a,b\n\n\nx,y\n"[..], b"a,b\r\n\r\n\r\nx,y\r\n", b"\na,b\n\n\nx,y"] {
            let rows = rows(bytes).unwrap();
            assert_eq!(rows.len(), 2);
            assert_eq!(rows[1].number - rows[0].number, 3, "{bytes:?}");
        }
    }

    #[test]
    fn an_unclosed_quote_is_refused_with_its_line() {
        let result = rows(b"name,email\nok,a@b.fr\n\"broken,c@d.fr\nlost,e@f.fr\nlost,g@h.fr\n");
        assert_eq!(result, Err(SheetError::UnclosedQuote { line: 3 }));
    }

    #[test]
    fn a_quote_inside_an_unquoted_cell_is_just_a_character() {
        let rows = rows(b"name,size\nscreen 27\",x\n").unwrap();
        assert_eq!(texts(&rows[1]), ["screen 27\"", "x"]);
    }

    #[test]
    fn a_huge_cell_is_kept_as_its_length_only() {
        let mut bytes = b"name\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', 32_768));
        let rows = rows(&bytes).unwrap();
        assert_eq!(rows[1].cells, [Value::Oversized(32_768)]);
    }

    #[test]
    fn too_many_rows_are_refused() {
        let limits = Limits { max_rows: 2, ..Limits::PRODUCT };
        let result = read(b"h\n1\n2\n3\n", limits, &mut |_| {});
        assert_eq!(result, Err(SheetError::TooManyRows { max: 2 }));
    }

    #[test]
    fn too_many_columns_are_refused() {
        let limits = Limits { max_columns: 2, ..Limits::PRODUCT };
        let result = read(b"a,b,c\n", limits, &mut |_| {});
        assert!(matches!(result, Err(SheetError::TooManyColumns { row: 1, column: 3, max: 2 })));
    }

    #[test]
    fn a_file_of_blank_lines_is_empty() {
        assert_eq!(rows(b"\n\n;;\n"), Err(SheetError::Empty));
    }
}
