//! Files people download: tables written as CSV or XLSX that open correctly
//! in a spreadsheet and can never run anything (J7).

use std::borrow::Cow;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use crate::time::Timestamp;

/// The longest text a spreadsheet cell keeps.
pub const MAX_CELL_CHARS: usize = crate::sheet::MAX_CELL_CHARS;

/// Text as it may go into a CSV cell: anything a spreadsheet would read as a
/// formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets
/// a leading `'`, which spreadsheets show as text and do not evaluate.
pub fn neutralised(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// Text cut to what a cell keeps, with a visible mark that it was cut.
pub fn fitted(text: &str) -> Cow<'_, str> {
    if text.chars().count() <= MAX_CELL_CHARS {
        return Cow::Borrowed(text);
    }
    let kept: String = text.chars().take(MAX_CELL_CHARS - 1).collect();
    Cow::Owned(format!("{kept}…"))
}

/// A table to download: a header row and rows of text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Column titles.
    pub headers: Vec<String>,
    /// Rows, each as long as `headers`.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The table as CSV for spreadsheets: UTF-8 with a BOM (so Excel reads
    /// accents), comma-separated, quoted where RFC 4180 requires, CRLF.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
        let write = |writer: &mut csv::Writer<&mut Vec<u8>>, cells: &[String]| {
            let cells: Vec<Cow<'_, str>> = cells.iter().map(|c| fitted(c)).collect();
            let _ = writer.write_record(cells.iter().map(|c| neutralised(c).into_owned()));
        };
        write(&mut writer, &self.headers);
        for row in &self.rows {
            write(&mut writer, row);
        }
        drop(writer);
        out
    }

    /// The table as an XLSX workbook of one sheet named `sheet`, dated
    /// `now`. Every cell is written as text, never as a formula.
    ///
    /// # Errors
    /// When the writer refuses the sheet name or a value.
    pub fn to_xlsx(&self, sheet: &str, now: Timestamp) -> Result<Vec<u8>, XlsxError> {
        let mut workbook = Workbook::new();
        let created = ExcelDateTime::from_timestamp(now.unix_seconds())?;
        workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
        let bold = Format::new().set_bold();
        let worksheet = workbook.add_worksheet().set_name(sheet)?;
        for (c, header) in (0u16..).zip(&self.headers) {
            worksheet.write_string_with_format(0, c, fitted(header), &bold)?;
            worksheet.set_column_width(c, 18)?;
        }
        for (r, row) in (1u32..).zip(&self.rows) {
            for (c, value) in (0u16..).zip(row) {
                if !value.is_empty() {
                    worksheet.write_string(r, c, fitted(value))?;
                }
            }
        }
        worksheet.set_freeze_panes(1, 0)?;
        if !self.rows.is_empty() {
            let last_row = u32::try_from(self.rows.len()).unwrap_or(u32::MAX);
            let last_column = u16::try_from(self.headers.len().saturating_sub(1)).unwrap_or(0);
            worksheet.autofilter(0, 0, last_row, last_column)?;
        }
        workbook.save_to_buffer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::{self, Limits, Value};

    fn table() -> Table {
        Table {
            headers: vec!["Name".into(), "Note".into()],
            rows: vec![
                vec!["=HYPERLINK(\"http://evil.example\",\"click\")".into(), "+33 6 12 34 56 78".into()],
                vec!["Zoé; \"Z\"".into(), "two\nlines".into()],
                vec!["@SUM(A1)".into(), "-1".into()],
            ],
        }
    }

    fn read_back(bytes: &[u8]) -> Vec<Vec<Value>> {
        let mut rows = Vec::new();
        sheet::read(bytes, Limits::PRODUCT, &mut |row| rows.push(row.cells)).unwrap();
        rows
    }

    #[test]
    fn formulas_are_neutralised_and_plain_text_is_untouched() {
        assert_eq!(neutralised("=1+1"), "'=1+1");
        assert_eq!(neutralised("\tx"), "'\tx");
        assert_eq!(neutralised("Martin"), "Martin");
        assert!(matches!(neutralised("Martin"), Cow::Borrowed(_)));
    }

    #[test]
    fn csv_has_a_bom_crlf_quotes_and_no_live_formula() {
        let bytes = table().to_csv();
        assert!(bytes.starts_with(b"\xEF\xBB\xBFName,Note\r\n"));
        let rows = read_back(&bytes);
        assert_eq!(rows[1][0].text().unwrap(), "'=HYPERLINK(\"http://evil.example\",\"click\")");
        assert_eq!(rows[2][0].text().unwrap(), "Zoé; \"Z\"");
        assert_eq!(rows[2][1].text().unwrap(), "two\nlines");
        assert_eq!(rows[3][1].text().unwrap(), "'-1");
    }

    #[test]
    fn xlsx_cells_are_text_even_when_they_look_like_formulas() {
        let bytes = table().to_xlsx("Report", Timestamp::from_unix_seconds(1_795_000_000)).unwrap();
        let rows = read_back(&bytes);
        assert_eq!(rows[1][0], Value::Text("=HYPERLINK(\"http://evil.example\",\"click\")".into()));
        assert_eq!(rows[1][1], Value::Text("+33 6 12 34 56 78".into()));
    }

    #[test]
    fn overlong_text_is_cut_visibly_not_silently() {
        let long = "x".repeat(MAX_CELL_CHARS + 10);
        let fitted = fitted(&long);
        assert_eq!(fitted.chars().count(), MAX_CELL_CHARS);
        assert!(fitted.ends_with('…'));
    }
}
