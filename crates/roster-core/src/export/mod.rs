//! Files people download: tables written as CSV or XLSX that open correctly
//! in a spreadsheet and can never run anything (J7). Both formats are
//! written row by row with flat memory; the bytes finished so far can be
//! taken while writing goes on (uploads in parts).

pub mod users;
pub mod xlsx;

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use crate::Language;
use crate::sheet::neutralised;
use crate::time::Timestamp;
pub use xlsx::XlsxWriter;

/// The longest text a spreadsheet cell keeps; longer text is cut to it and
/// ends with "…", so the cut shows.
pub const MAX_CELL_CHARS: usize = crate::sheet::MAX_CELL_CHARS;

/// Why a file could not be written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The compressor or the CSV writer failed.
    #[error("the file could not be written: {0}")]
    Write(String),
}

/// One cell of an exported row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    /// Nothing.
    Empty,
    /// Free text (names, departments …): may hold anything, so it is
    /// neutralised in CSV and written as a text cell in XLSX.
    Text(&'a str),
    /// Text of a typed column that the product parsed itself and that
    /// cannot be a formula (an E.164 mobile number such as `+33612345678`):
    /// written as it is, so it stays usable.
    Typed(&'a str),
    /// A number.
    Number(f64),
    /// An instant: a date cell in XLSX, `2026-11-22 09:30` (UTC) in CSV.
    Date(Timestamp),
}

/// The file formats of exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Comma-separated values, UTF-8 with BOM.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

impl Format {
    /// Reads `csv` or `xlsx`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }

    /// The file name extension.
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    /// The media type to serve the file with.
    pub const fn media_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// The remarks of an import as a table to download (C7), headers in `lang`.
pub fn remarks_report(remarks: &[crate::import::ShownRemark], lang: Language) -> Table {
    let headers = match lang {
        Language::Fr => ["Ligne", "Colonne", "Gravité", "Message"],
        _ => ["Row", "Column", "Severity", "Message"],
    };
    Table {
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows: remarks
            .iter()
            .map(|r| vec![r.row.to_string(), r.column.clone(), r.severity.label(lang).to_owned(), r.message.clone()])
            .collect(),
    }
}

/// Text cut to what a cell keeps, with a visible mark that it was cut.
pub fn fitted(text: &str) -> Cow<'_, str> {
    if text.len() <= MAX_CELL_CHARS || text.chars().count() <= MAX_CELL_CHARS {
        return Cow::Borrowed(text);
    }
    let kept: String = text.chars().take(MAX_CELL_CHARS - 1).collect();
    Cow::Owned(format!("{kept}…"))
}

/// Bytes a writer produced that nobody has taken yet; the writer and its
/// owner each hold a handle.
#[derive(Clone, Default)]
struct Spool(Rc<RefCell<Vec<u8>>>);

impl Spool {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.borrow_mut())
    }
    fn len(&self) -> usize {
        self.0.borrow().len()
    }
}

impl std::io::Write for Spool {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A CSV file being written: UTF-8 with a BOM (so Excel reads accents),
/// comma-separated, quoted where RFC 4180 requires, CRLF line ends.
pub struct CsvWriter {
    writer: csv::Writer<Spool>,
    spool: Spool,
    line: Vec<String>,
}

impl CsvWriter {
    /// Starts a file with its header row.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn new(headers: &[String]) -> Result<Self, ExportError> {
        let spool = Spool::default();
        spool.0.borrow_mut().extend_from_slice(b"\xEF\xBB\xBF");
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(spool.clone());
        writer.write_record(headers.iter().map(|h| neutralised(&fitted(h)).into_owned())).map_err(csv_error)?;
        Ok(Self { writer, spool, line: Vec::new() })
    }

    /// Adds one row.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn row(&mut self, cells: &[Cell<'_>]) -> Result<(), ExportError> {
        self.line.clear();
        for cell in cells {
            self.line.push(match *cell {
                Cell::Empty => String::new(),
                Cell::Text(text) => neutralised(&fitted(text)).into_owned(),
                Cell::Typed(text) => text.to_owned(),
                Cell::Number(n) => n.to_string(),
                Cell::Date(at) => {
                    let mut iso = at.to_string();
                    iso.truncate(16);
                    iso.replace('T', " ")
                }
            });
        }
        self.writer.write_record(&self.line).map_err(csv_error)
    }

    /// The bytes written so far and not yet taken.
    pub fn take_output(&mut self) -> Vec<u8> {
        let _ = self.writer.flush();
        self.spool.take()
    }

    /// How many bytes wait in [`CsvWriter::take_output`] (up to the
    /// writer's small internal buffer).
    pub fn pending_output(&self) -> usize {
        self.spool.len()
    }

    /// Ends the file; gives the bytes not taken yet.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn finish(mut self) -> Result<Vec<u8>, ExportError> {
        self.writer.flush().map_err(|e| ExportError::Write(e.to_string()))?;
        Ok(self.spool.take())
    }
}

#[allow(clippy::needless_pass_by_value)] // shaped for map_err
fn csv_error(e: csv::Error) -> ExportError {
    ExportError::Write(e.to_string())
}

/// A file of either format being written row by row.
pub enum FileWriter {
    /// CSV.
    Csv(Box<CsvWriter>),
    /// XLSX.
    Xlsx(Box<XlsxWriter>),
}

impl FileWriter {
    /// Starts a file: `headers` first; for XLSX, sheets named `sheet` with
    /// column `widths`, dated `now`.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn new(
        format: Format,
        sheet: &str,
        headers: Vec<String>,
        widths: Vec<u8>,
        now: Timestamp,
    ) -> Result<Self, ExportError> {
        Ok(match format {
            Format::Csv => Self::Csv(Box::new(CsvWriter::new(&headers)?)),
            Format::Xlsx => Self::Xlsx(Box::new(XlsxWriter::new(sheet, headers, widths, now)?)),
        })
    }

    /// Adds one row.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn row(&mut self, cells: &[Cell<'_>]) -> Result<(), ExportError> {
        match self {
            Self::Csv(w) => w.row(cells),
            Self::Xlsx(w) => w.row(cells),
        }
    }

    /// The bytes written so far and not yet taken.
    pub fn take_output(&mut self) -> Vec<u8> {
        match self {
            Self::Csv(w) => w.take_output(),
            Self::Xlsx(w) => w.take_output(),
        }
    }

    /// How many bytes wait in [`FileWriter::take_output`].
    pub fn pending_output(&self) -> usize {
        match self {
            Self::Csv(w) => w.pending_output(),
            Self::Xlsx(w) => w.pending_output(),
        }
    }

    /// Ends the file; gives the bytes not taken yet.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn finish(self) -> Result<Vec<u8>, ExportError> {
        match self {
            Self::Csv(w) => w.finish(),
            Self::Xlsx(w) => w.finish(),
        }
    }
}

/// A small table to download whole (an import's remarks): a header row and
/// rows of text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Column titles.
    pub headers: Vec<String>,
    /// Rows, each as long as `headers`.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The table as a file of `format` (sheet `sheet` for XLSX), dated `now`.
    ///
    /// # Errors
    /// When the writer fails.
    pub fn to_file(&self, format: Format, sheet: &str, now: Timestamp) -> Result<Vec<u8>, ExportError> {
        let widths = vec![18; self.headers.len()];
        let mut writer = FileWriter::new(format, sheet, self.headers.clone(), widths, now)?;
        let mut cells = Vec::with_capacity(self.headers.len());
        for row in &self.rows {
            cells.clear();
            cells.extend(row.iter().map(|v| Cell::Text(v)));
            writer.row(&cells)?;
        }
        let mut bytes = writer.take_output();
        bytes.extend(writer.finish()?);
        Ok(bytes)
    }
}

/// The rows of a written file, as the import reader sees them (tests).
#[cfg(test)]
pub(crate) fn read_back(bytes: &[u8]) -> Vec<Vec<crate::sheet::Value>> {
    let mut rows = Vec::new();
    crate::sheet::read(bytes, crate::sheet::Limits::PRODUCT, &mut |row| rows.push(row.cells)).unwrap();
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::Value;

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

    #[test]
    fn the_remarks_report_speaks_the_reader_s_language() {
        use crate::import::{Severity, ShownRemark};
        let remarks =
            [ShownRemark { row: 3, column: "email".into(), severity: Severity::Blocking, message: "=bad".into() }];
        let table = remarks_report(&remarks, Language::Fr);
        assert_eq!(table.headers[0], "Ligne");
        assert_eq!(table.rows[0], ["3", "email", "bloquant", "=bad"]);
        let file = table.to_file(Format::Csv, "R", Timestamp::from_unix_seconds(0)).unwrap();
        assert!(String::from_utf8(file).unwrap().contains("3,email,bloquant,'=bad"));
    }

    #[test]
    fn formulas_are_neutralised_and_plain_text_is_untouched() {
        assert_eq!(neutralised("=1+1"), "'=1+1");
        assert_eq!(neutralised("\tx"), "'\tx");
        assert_eq!(neutralised("Martin"), "Martin");
        assert_eq!(neutralised("'=x"), "''=x", "an apostrophe already there is kept");
        for text in ["=1", "'=1", "''=1", "'x", "-", "Martin", "'"] {
            assert_eq!(crate::sheet::restored(&neutralised(text)), text);
        }
        assert!(matches!(neutralised("Martin"), Cow::Borrowed(_)));
    }

    #[test]
    fn csv_has_a_bom_crlf_quotes_and_no_live_formula() {
        let bytes = table().to_file(Format::Csv, "Report", Timestamp::from_unix_seconds(0)).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBFName,Note\r\n"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("\r\n\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\","), "{text}");
        assert!(text.contains(",'-1\r\n"), "{text}");
        // Read back by the product, the neutralised text is what was written.
        let rows = read_back(&bytes);
        assert_eq!(rows[1][0].text().unwrap(), "=HYPERLINK(\"http://evil.example\",\"click\")");
        assert_eq!(rows[2][0].text().unwrap(), "Zoé; \"Z\"");
        assert_eq!(rows[2][1].text().unwrap(), "two\nlines");
        assert_eq!(rows[3][1].text().unwrap(), "-1");
    }

    #[test]
    fn xlsx_cells_are_text_even_when_they_look_like_formulas() {
        let bytes = table().to_file(Format::Xlsx, "Report", Timestamp::from_unix_seconds(1_795_000_000)).unwrap();
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
