//! Reading spreadsheets people upload (C1): XLSX (first sheet) and CSV, into
//! rows of cells, row by row, within fixed bounds of size, time and memory.
//!
//! Anything that is not a readable spreadsheet within those bounds is refused
//! with a [`SheetError`] that says why; nothing here panics on input.

mod csv;
mod xlsx;

use std::fmt;

/// The bounds every file is read within.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest file accepted, in bytes.
    pub max_file_bytes: usize,
    /// The most data rows (the header row not counted).
    pub max_rows: u32,
    /// The most columns.
    pub max_columns: u16,
    /// The most bytes any one part of an XLSX file may inflate to.
    pub max_part_bytes: u64,
    /// The most bytes all the parts of an XLSX file read may inflate to.
    pub max_unzipped_bytes: u64,
    /// The most shared strings an XLSX file may hold.
    pub max_shared_strings: u64,
}

impl Limits {
    /// The product's bounds: 50 MB files, 200,000 rows of 200 columns.
    /// A 200,000-row user file of 12 columns is about 15 MB as XLSX and
    /// inflates to about 110 MB of XML, read as a stream.
    pub const PRODUCT: Self = Self {
        max_file_bytes: 50 * 1024 * 1024,
        max_rows: 200_000,
        max_columns: 200,
        max_part_bytes: 512 * 1024 * 1024,
        max_unzipped_bytes: 1024 * 1024 * 1024,
        max_shared_strings: 5_000_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::PRODUCT
    }
}

/// The longest text Excel keeps in one cell.
pub const MAX_CELL_CHARS: usize = 32_767;

/// One cell's value as the file gives it.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    /// Nothing.
    #[default]
    Empty,
    /// Text.
    Text(String),
    /// A number (identifiers and phone numbers typed without quotes land here).
    Number(f64),
    /// TRUE or FALSE.
    Bool(bool),
    /// An error the spreadsheet shows in the cell (`#N/A`, `#REF!` …).
    Error(String),
    /// Text longer than [`MAX_CELL_CHARS`]: only its length is kept.
    Oversized(usize),
}

impl Value {
    /// The value as text, as a person reads it in the cell: whole numbers
    /// without decimals, so an employee id typed as 42 reads "42".
    pub fn text(&self) -> Option<String> {
        match self {
            Self::Empty | Self::Oversized(_) => None,
            Self::Text(s) => Some(s.clone()),
            Self::Number(n) => Some(number_text(*n)),
            Self::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_owned()),
            Self::Error(e) => Some(e.clone()),
        }
    }

    /// The cell as text, as [`Value::text`], its own text moved rather than copied.
    pub fn into_text(self) -> Option<String> {
        match self {
            Self::Text(s) | Self::Error(s) => Some(s),
            other => other.text(),
        }
    }

    /// True when the cell holds nothing but spaces.
    pub fn is_blank(&self) -> bool {
        match self {
            Self::Empty => true,
            Self::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    fn from_text(text: String) -> Self {
        // A text has at most as many characters as bytes: count only long ones.
        let chars = if text.len() <= MAX_CELL_CHARS { 0 } else { text.chars().count() };
        if chars > MAX_CELL_CHARS {
            Self::Oversized(chars)
        } else if text.is_empty() {
            Self::Empty
        } else {
            Self::Text(text)
        }
    }
}

fn number_text(n: f64) -> String {
    // Whole numbers up to 2^53 print without a fraction; others as Rust prints them.
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 { format!("{n:.0}") } else { n.to_string() }
}

/// A row of the sheet: its number as the spreadsheet shows it (header = 1)
/// and its cells by column, empty trailing cells dropped.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The row number people see in the spreadsheet.
    pub number: u32,
    /// Cells by column (A = 0).
    pub cells: Vec<Value>,
}

impl Row {
    /// True when every cell is blank.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Value::is_blank)
    }
}

/// The kind of file, recognised from its bytes rather than its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Office Open XML workbook.
    Xlsx,
    /// Comma-, semicolon- or tab-separated text.
    Csv,
}

/// Why a file cannot be read. Each says what a person can do about it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    /// Zero bytes, or no row at all.
    #[error("the file is empty")]
    Empty,
    /// Larger than accepted.
    #[error("the file is {bytes} bytes; the most accepted is {max}")]
    TooLarge {
        /// The file's size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// An Excel 97–2003 workbook.
    #[error("this is an Excel 97-2003 workbook (.xls); save it as .xlsx or CSV")]
    LegacyXls,
    /// An `OpenDocument` spreadsheet.
    #[error("this is an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV")]
    OpenDocument,
    /// A password-protected workbook.
    #[error("the workbook is protected by a password; remove the protection and save it again")]
    Encrypted,
    /// Bytes that are neither a workbook nor text.
    #[error("this is not a spreadsheet (neither XLSX nor CSV)")]
    NotASpreadsheet,
    /// A zip that is not a valid workbook.
    #[error("the workbook is damaged: {0}")]
    Damaged(String),
    /// A part that inflates beyond the bounds (a zip bomb, or a sheet far too large).
    #[error("the workbook's part {part} inflates beyond {max} bytes")]
    Inflates {
        /// The part's name inside the workbook.
        part: String,
        /// The bound it crossed.
        max: u64,
    },
    /// A size or count declared inside the file that its content cannot hold.
    #[error("the workbook declares {declared} {what}, more than it can hold or than we read")]
    Declared {
        /// What is counted.
        what: &'static str,
        /// The number declared.
        declared: u64,
    },
    /// XML with a document type declaration (entity tricks); spreadsheets never hold one.
    #[error("the workbook's part {0} holds a document type declaration, which spreadsheets never need")]
    Doctype(String),
    /// More rows than the product takes.
    #[error("the file has more than {max} data rows; split it into several files")]
    TooManyRows {
        /// The limit.
        max: u32,
    },
    /// A cell beyond the last column accepted.
    #[error("row {row} has data in column {column}, beyond the {max} columns read")]
    TooManyColumns {
        /// The row.
        row: u32,
        /// The column (1 = A).
        column: u32,
        /// The limit.
        max: u16,
    },
    /// A quote opened and never closed: every following line would be swallowed.
    #[error("a quote opened on line {line} is never closed, which would swallow the rest of the file")]
    UnclosedQuote {
        /// The line the quote opened on.
        line: u64,
    },
    /// CSV that cannot be read.
    #[error("line {line} cannot be read: {reason}")]
    Malformed {
        /// The line.
        line: u64,
        /// What is wrong.
        reason: String,
    },
}

impl SheetError {
    /// A stable code for programs (`too_large`, `unclosed_quote` …).
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::TooLarge { .. } => "too_large",
            Self::LegacyXls => "legacy_xls",
            Self::OpenDocument => "open_document",
            Self::Encrypted => "encrypted",
            Self::NotASpreadsheet => "not_a_spreadsheet",
            Self::Damaged(_) => "damaged",
            Self::Inflates { .. } => "inflates",
            Self::Declared { .. } => "declared",
            Self::Doctype(_) => "doctype",
            Self::TooManyRows { .. } => "too_many_rows",
            Self::TooManyColumns { .. } => "too_many_columns",
            Self::UnclosedQuote { .. } => "unclosed_quote",
            Self::Malformed { .. } => "malformed",
        }
    }

    /// The reason in words, in `lang` (English wording is the `Display` one).
    pub fn message(&self, lang: crate::Language) -> String {
        if lang != crate::Language::Fr {
            return self.to_string();
        }
        match self {
            Self::Empty => "Le fichier est vide.".into(),
            Self::TooLarge { bytes, max } => format!("Le fichier fait {bytes} octets ; le maximum accepté est {max}."),
            Self::LegacyXls => "C’est un classeur Excel 97-2003 (.xls) : enregistrez-le en .xlsx ou en CSV.".into(),
            Self::OpenDocument => "C’est un classeur OpenDocument (.ods) : enregistrez-le en .xlsx ou en CSV.".into(),
            Self::Encrypted => {
                "Le classeur est protégé par un mot de passe : retirez la protection et enregistrez-le.".into()
            }
            Self::NotASpreadsheet => "Ce fichier n’est pas un tableur (ni XLSX, ni CSV).".into(),
            Self::Damaged(why) => format!("Le classeur est endommagé : {why}"),
            Self::Inflates { part, max } => {
                format!("La partie {part} du classeur dépasse {max} octets une fois décompressée.")
            }
            Self::Declared { what, declared } => {
                format!("Le classeur annonce {declared} éléments ({what}), plus qu’il ne peut en contenir.")
            }
            Self::Doctype(part) => {
                format!("La partie {part} du classeur contient une déclaration de type de document, refusée.")
            }
            Self::TooManyRows { max } => {
                format!("Le fichier dépasse {max} lignes de données : découpez-le en plusieurs fichiers.")
            }
            Self::TooManyColumns { row, column, max } => {
                format!("La ligne {row} a des données en colonne {column}, au-delà des {max} colonnes lues.")
            }
            Self::UnclosedQuote { line } => {
                format!("Un guillemet ouvert ligne {line} n’est jamais fermé : le reste du fichier serait avalé.")
            }
            Self::Malformed { line, reason } => format!("La ligne {line} est illisible : {reason}"),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Xlsx => "XLSX",
            Self::Csv => "CSV",
        })
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Recognises the file's format from its first bytes.
///
/// # Errors
/// [`SheetError`] for empty files, legacy or protected workbooks and binary
/// files that are not spreadsheets.
pub fn detect(bytes: &[u8]) -> Result<Format, SheetError> {
    if bytes.is_empty() {
        return Err(SheetError::Empty);
    }
    if bytes.starts_with(ZIP_MAGIC) {
        return Ok(Format::Xlsx);
    }
    if bytes.starts_with(OLE_MAGIC) {
        // Protected XLSX files are wrapped in the same container as .xls files.
        let marker: Vec<u8> = "EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes).collect();
        return Err(if bytes.windows(marker.len()).any(|w| w == marker) {
            SheetError::Encrypted
        } else {
            SheetError::LegacyXls
        });
    }
    // Text has no NUL bytes, UTF-16 text aside, which starts with its mark.
    if encoding_rs::Encoding::for_bom(bytes).is_none() && bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(SheetError::NotASpreadsheet);
    }
    Ok(Format::Csv)
}

/// How often, in rows, progress is reported.
pub const PROGRESS_EVERY: u32 = 2_000;

/// Reads every non-blank row of the file's first sheet, in order, handing
/// each to `on_row`; row numbers are those the spreadsheet shows.
///
/// # Errors
/// [`SheetError`] when the file is refused; rows already handed out stay valid.
pub fn read(bytes: &[u8], limits: Limits, on_row: &mut dyn FnMut(Row)) -> Result<Format, SheetError> {
    read_with_progress(bytes, limits, on_row, &mut |_| {})
}

/// As [`read`], also calling `on_progress` with the share of the file read
/// (0.0 to 1.0) every [`PROGRESS_EVERY`] rows.
///
/// # Errors
/// [`SheetError`] when the file is refused.
pub fn read_with_progress(
    bytes: &[u8],
    limits: Limits,
    on_row: &mut dyn FnMut(Row),
    on_progress: &mut dyn FnMut(f64),
) -> Result<Format, SheetError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(SheetError::TooLarge { bytes: bytes.len(), max: limits.max_file_bytes });
    }
    let format = detect(bytes)?;
    let mut counted = RowCounter { limits, data_rows: 0, seen_header: false, on_row, on_progress, expected_rows: 0 };
    match format {
        Format::Xlsx => xlsx::read(bytes, limits, &mut counted)?,
        Format::Csv => csv::read(bytes, limits, &mut counted)?,
    }
    if !counted.seen_header {
        return Err(SheetError::Empty);
    }
    (counted.on_progress)(1.0);
    Ok(format)
}

/// Enforces the row and column bounds for both formats, and reports progress.
struct RowCounter<'a> {
    limits: Limits,
    data_rows: u32,
    seen_header: bool,
    on_row: &'a mut dyn FnMut(Row),
    on_progress: &'a mut dyn FnMut(f64),
    /// The last row number the file declares, when it does (XLSX), for progress.
    expected_rows: u32,
}

impl RowCounter<'_> {
    /// Reports progress as `done` of `total` (bytes or rows) every so often.
    fn progress(&mut self, done: u64, total: u64) {
        if self.data_rows > 0 && self.data_rows.is_multiple_of(PROGRESS_EVERY) && total > 0 {
            #[allow(clippy::cast_precision_loss)] // a share for a progress bar
            (self.on_progress)((done as f64 / total as f64).min(1.0));
        }
    }

    fn push(&mut self, row: Row) -> Result<(), SheetError> {
        if row.cells.len() > usize::from(self.limits.max_columns) {
            let column = u32::try_from(row.cells.len()).unwrap_or(u32::MAX);
            return Err(SheetError::TooManyColumns { row: row.number, column, max: self.limits.max_columns });
        }
        if row.is_blank() {
            return Ok(());
        }
        if self.seen_header {
            self.data_rows += 1;
            if self.data_rows > self.limits.max_rows {
                return Err(SheetError::TooManyRows { max: self.limits.max_rows });
            }
        }
        self.seen_header = true;
        (self.on_row)(row);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_recognised_from_bytes_not_names() {
        assert_eq!(detect(b"PK\x03\x04rest"), Ok(Format::Xlsx));
        assert_eq!(detect(b"nom;email\r\n"), Ok(Format::Csv));
        assert_eq!(detect(b""), Err(SheetError::Empty));
        assert_eq!(detect(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]), Err(SheetError::LegacyXls));
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Err(SheetError::NotASpreadsheet));
    }

    #[test]
    fn whole_numbers_read_as_people_typed_them() {
        assert_eq!(Value::Number(42.0).text().as_deref(), Some("42"));
        assert_eq!(Value::Number(33_612_345_678.0).text().as_deref(), Some("33612345678"));
        assert_eq!(Value::Number(1.5).text().as_deref(), Some("1.5"));
    }

    #[test]
    fn cells_over_excel_limit_keep_only_their_length() {
        assert_eq!(Value::from_text("x".repeat(MAX_CELL_CHARS + 1)), Value::Oversized(MAX_CELL_CHARS + 1));
        assert_eq!(Value::from_text("x".repeat(MAX_CELL_CHARS)).text().map(|t| t.len()), Some(MAX_CELL_CHARS));
    }

    #[test]
    fn files_over_the_size_limit_are_refused_before_reading() {
        let limits = Limits { max_file_bytes: 4, ..Limits::PRODUCT };
        let result = read(b"a,b,c\n", limits, &mut |_| {});
        assert_eq!(result, Err(SheetError::TooLarge { bytes: 6, max: 4 }));
    }
}
