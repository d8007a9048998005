//! Reading spreadsheets people upload (C1): XLSX (first sheet) and CSV, into
//! rows of cells, row by row, within fixed bounds of size, time and memory.
//!
//! Anything that is not a readable spreadsheet within those bounds is refused
//! with a [`SheetError`] that says why; nothing here panics on input.

mod csv;
mod formula;
mod number_format;
mod xlsx;

use std::fmt;

pub use formula::{neutralised, restored};
pub use number_format::{CellDate, DateKind};

use crate::Language;
use crate::messages::in_language as pick;

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
    /// A number shown as itself (identifiers and phone numbers typed
    /// without quotes land here).
    Number(f64),
    /// A number whose format shows it otherwise (`00042`, `06 12 34 56 78`):
    /// the number, and the text the spreadsheet shows.
    Formatted {
        /// The number the cell holds.
        number: f64,
        /// What the cell shows.
        text: String,
    },
    /// A date, a time or both, from a cell formatted as one.
    Date(CellDate),
    /// TRUE or FALSE.
    Bool(bool),
    /// An error the spreadsheet shows in the cell (`#N/A`, `#REF!` …).
    Error(String),
    /// Text longer than [`MAX_CELL_CHARS`]: only its length is kept.
    Oversized(usize),
}

impl Value {
    /// The value as text, as a person reads it in the cell: whole numbers
    /// without decimals (an employee id typed as 42 reads "42"), formatted
    /// numbers as shown (`00042`), dates and times in ISO 8601.
    pub fn text(&self) -> Option<String> {
        match self {
            Self::Empty | Self::Oversized(_) => None,
            Self::Text(s) | Self::Formatted { text: s, .. } => Some(s.clone()),
            Self::Number(n) => Some(number_text(*n)),
            Self::Date(date) => Some(date.text()),
            Self::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_owned()),
            Self::Error(e) => Some(e.clone()),
        }
    }

    /// The cell as text, as [`Value::text`], its own text moved rather than copied.
    pub fn into_text(self) -> Option<String> {
        match self {
            Self::Text(s) | Self::Error(s) | Self::Formatted { text: s, .. } => Some(s),
            other => other.text(),
        }
    }

    /// The number a numeric or date cell holds (dates as 1900-system serials).
    pub const fn number(&self) -> Option<f64> {
        match self {
            Self::Number(n) | Self::Formatted { number: n, .. } => Some(*n),
            Self::Date(date) => Some(date.serial),
            _ => None,
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

/// A number as a cell formatted `General` shows it: whole numbers up to
/// 2^53 without a fraction, others as Rust prints them.
pub(crate) fn number_text(n: f64) -> String {
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

/// Why a file cannot be read. Each says what a person can do about it, in
/// their language ([`SheetError::message`]); `Display` gives the English.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    /// Zero bytes, or no row at all.
    #[error("{}", self.message(Language::En))]
    Empty,
    /// Larger than accepted.
    #[error("{}", self.message(Language::En))]
    TooLarge {
        /// The file's size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// An Excel 97–2003 workbook.
    #[error("{}", self.message(Language::En))]
    LegacyXls,
    /// An `OpenDocument` spreadsheet.
    #[error("{}", self.message(Language::En))]
    OpenDocument,
    /// A password-protected workbook.
    #[error("{}", self.message(Language::En))]
    Encrypted,
    /// Bytes that are neither a workbook nor text: what they look like.
    #[error("{}", self.message(Language::En))]
    NotASpreadsheet(FileKind),
    /// A workbook whose content is broken.
    #[error("{}", self.message(Language::En))]
    Damaged(Damage),
    /// A part that inflates beyond the bounds (a zip bomb, or a sheet far too large).
    #[error("{}", self.message(Language::En))]
    Inflates {
        /// The part's name inside the workbook.
        part: String,
        /// The bound it crossed.
        max: u64,
    },
    /// A size or count declared inside the file that its content cannot hold.
    #[error("{}", self.message(Language::En))]
    Declared {
        /// What is counted.
        what: Counted,
        /// The number declared.
        declared: u64,
    },
    /// XML with a document type declaration (entity tricks); spreadsheets never hold one.
    #[error("{}", self.message(Language::En))]
    Doctype(String),
    /// More rows than the product takes.
    #[error("{}", self.message(Language::En))]
    TooManyRows {
        /// The limit.
        max: u32,
    },
    /// A cell beyond the last column accepted.
    #[error("{}", self.message(Language::En))]
    TooManyColumns {
        /// The row.
        row: u32,
        /// The column (1 = A).
        column: u32,
        /// The limit.
        max: u16,
    },
    /// A quote opened and never closed: every following line would be swallowed.
    #[error("{}", self.message(Language::En))]
    UnclosedQuote {
        /// The line the quote opened on.
        line: u64,
    },
    /// CSV that cannot be read.
    #[error("{}", self.message(Language::En))]
    Malformed {
        /// The line.
        line: u64,
    },
}

/// What a file that is not a spreadsheet looks like, from its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// A PDF document.
    Pdf,
    /// A picture (PNG, JPEG, GIF, WebP, TIFF, HEIC).
    Image,
    /// A word-processing document (Word, `OpenDocument` text, RTF).
    TextDocument,
    /// A presentation (`PowerPoint`, `OpenDocument`).
    Presentation,
    /// An Excel binary workbook (.xlsb).
    BinaryWorkbook,
    /// An Apple Numbers document.
    Numbers,
    /// An Excel 2003 XML spreadsheet.
    XmlSpreadsheet,
    /// A web page (HTML), as some programs save tables "for Excel".
    WebPage,
    /// Some other XML document.
    Xml,
    /// A compressed archive (ZIP, gzip, RAR, 7z) that holds no workbook.
    Archive,
    /// A program.
    Program,
    /// Bytes that are not text.
    Binary,
}

impl FileKind {
    /// What the file looks like, in `lang`.
    pub const fn label(self, lang: Language) -> &'static str {
        let (fr, en) = match self {
            Self::Pdf => ("un document PDF", "a PDF document"),
            Self::Image => ("une image", "an image"),
            Self::TextDocument => ("un document de traitement de texte", "a word-processing document"),
            Self::Presentation => ("une présentation", "a presentation"),
            Self::BinaryWorkbook => ("un classeur Excel binaire (.xlsb)", "an Excel binary workbook (.xlsb)"),
            Self::Numbers => ("un document Numbers", "a Numbers document"),
            Self::XmlSpreadsheet => ("un classeur XML Excel 2003", "an Excel 2003 XML spreadsheet"),
            Self::WebPage => ("une page web (HTML)", "a web page (HTML)"),
            Self::Xml => ("un document XML", "an XML document"),
            Self::Archive => ("une archive compressée", "a compressed archive"),
            Self::Program => ("un programme", "a program"),
            Self::Binary => ("un fichier binaire", "a binary file"),
        };
        pick(lang, fr, en)
    }
}

/// What a workbook declares a count of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    /// Files inside the workbook.
    Parts,
    /// Shared strings.
    SharedStrings,
    /// Cell styles.
    Styles,
}

impl Counted {
    const fn label(self, lang: Language) -> &'static str {
        match self {
            Self::Parts => pick(lang, "parties", "parts"),
            Self::SharedStrings => pick(lang, "textes partagés", "shared strings"),
            Self::Styles => pick(lang, "styles de cellule", "cell styles"),
        }
    }
}

/// What is broken inside a workbook.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "damage")]
pub enum Damage {
    /// The ZIP container cannot be read (cut short, or altered).
    Archive,
    /// A part is compressed in a way workbooks never are.
    Compression,
    /// A part's data is cut short or altered.
    Corrupt {
        /// The part.
        part: String,
    },
    /// A part the workbook needs is not in the file.
    MissingPart {
        /// The part.
        part: String,
    },
    /// A part's text is not UTF-8.
    NotUtf8 {
        /// The part.
        part: String,
    },
    /// A part's XML ends inside a tag.
    UnendedTag {
        /// The part.
        part: String,
    },
    /// An entity (`&…;`) that never ends or that XML does not define.
    BadEntity {
        /// The part.
        part: String,
        /// The entity as written (at most 32 characters).
        entity: String,
    },
    /// A tag or a text far longer than any cell holds.
    TooLong {
        /// The part.
        part: String,
    },
    /// A row number or a cell reference that is not one.
    BadReference {
        /// The reference as written (at most 32 characters).
        reference: String,
    },
    /// A cell points at a shared string that does not exist.
    MissingSharedString {
        /// The index the cell gives (at most 32 characters).
        index: String,
    },
    /// The worksheet part is not a worksheet's XML: plain text, random
    /// bytes, another document, or XML whose tags do not match.
    NotWorksheet {
        /// The part.
        part: String,
    },
}

/// At most `max` characters of a text quoted in a message.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

impl Damage {
    fn message(&self, lang: Language) -> String {
        let fr = lang == Language::Fr;
        match self {
            Self::Archive => pick(
                lang,
                "son enveloppe ZIP est illisible (coupée ou altérée)",
                "its ZIP container cannot be read (cut short or altered)",
            )
            .into(),
            Self::Compression => pick(
                lang,
                "une partie est compressée d’une façon inconnue des tableurs",
                "a part is compressed in a way spreadsheets never use",
            )
            .into(),
            Self::Corrupt { part } if fr => format!("la partie {part} est coupée ou altérée"),
            Self::Corrupt { part } => format!("its part {part} is cut short or altered"),
            Self::MissingPart { part } if fr => format!("la partie {part} manque"),
            Self::MissingPart { part } => format!("its part {part} is missing"),
            Self::NotUtf8 { part } if fr => format!("la partie {part} n’est pas du texte UTF-8"),
            Self::NotUtf8 { part } => format!("its part {part} is not UTF-8 text"),
            Self::UnendedTag { part } if fr => format!("le XML de la partie {part} s’arrête au milieu d’une balise"),
            Self::UnendedTag { part } => format!("the XML of its part {part} ends inside a tag"),
            Self::BadEntity { part, entity } if fr => {
                format!("la partie {part} contient une entité XML invalide « {entity} »")
            }
            Self::BadEntity { part, entity } => format!("its part {part} holds an invalid XML entity “{entity}”"),
            Self::TooLong { part } if fr => {
                format!("la partie {part} contient une balise ou un texte bien plus long qu’une cellule")
            }
            Self::TooLong { part } => format!("its part {part} holds a tag or a text far longer than a cell"),
            Self::BadReference { reference } if fr => {
                format!("la référence de cellule ou de ligne « {reference} » est invalide")
            }
            Self::BadReference { reference } => format!("the cell or row reference “{reference}” is not valid"),
            Self::MissingSharedString { index } if fr => {
                format!("une cellule renvoie au texte partagé n° {index}, absent")
            }
            Self::MissingSharedString { index } => {
                format!("a cell points at shared string {index}, which does not exist")
            }
            Self::NotWorksheet { part } if fr => {
                format!(
                    "la partie {part} n’est pas le XML d’une feuille (texte, octets quelconques ou balises qui ne se ferment pas)"
                )
            }
            Self::NotWorksheet { part } => {
                format!("its part {part} is not a worksheet's XML (plain text, random bytes or tags that do not match)")
            }
        }
    }
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
            Self::NotASpreadsheet(_) => "not_a_spreadsheet",
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

    /// The reason in words, wholly in `lang` (German falls back to English).
    pub fn message(&self, lang: Language) -> String {
        let fr = lang == Language::Fr;
        match self {
            Self::Empty => pick(lang, "Le fichier est vide.", "The file is empty.").into(),
            Self::TooLarge { bytes, max } if fr => {
                format!("Le fichier fait {bytes} octets ; le maximum accepté est {max}.")
            }
            Self::TooLarge { bytes, max } => format!("The file is {bytes} bytes; the most accepted is {max}."),
            Self::LegacyXls => pick(
                lang,
                "C’est un classeur Excel 97-2003 (.xls) : enregistrez-le en .xlsx ou en CSV.",
                "This is an Excel 97-2003 workbook (.xls): save it as .xlsx or CSV.",
            )
            .into(),
            Self::OpenDocument => pick(
                lang,
                "C’est un classeur OpenDocument (.ods) : enregistrez-le en .xlsx ou en CSV.",
                "This is an OpenDocument spreadsheet (.ods): save it as .xlsx or CSV.",
            )
            .into(),
            Self::Encrypted => pick(
                lang,
                "Le classeur est protégé par un mot de passe : retirez la protection et enregistrez-le.",
                "The workbook is protected by a password: remove the protection and save it again.",
            )
            .into(),
            Self::NotASpreadsheet(kind) if fr => {
                format!(
                    "Ce fichier n’est pas un tableur : c’est {}. Envoyez un fichier .xlsx ou CSV.",
                    kind.label(lang)
                )
            }
            Self::NotASpreadsheet(kind) => {
                format!(
                    "This file is not a spreadsheet: it looks like {}. Send an .xlsx or CSV file.",
                    kind.label(lang)
                )
            }
            Self::Damaged(damage) if fr => format!("Le classeur est endommagé : {}.", damage.message(lang)),
            Self::Damaged(damage) => format!("The workbook is damaged: {}.", damage.message(lang)),
            Self::Inflates { part, max } if fr => {
                format!("La partie {part} du classeur dépasse {max} octets une fois décompressée.")
            }
            Self::Inflates { part, max } => format!("The workbook's part {part} inflates beyond {max} bytes."),
            Self::Declared { what, declared } if fr => format!(
                "Le classeur annonce {declared} {}, plus qu’il ne peut en contenir ou qu’il n’en est lu.",
                what.label(lang)
            ),
            Self::Declared { what, declared } => {
                format!("The workbook declares {declared} {}, more than it can hold or than is read.", what.label(lang))
            }
            Self::Doctype(part) if fr => {
                format!("La partie {part} du classeur contient une déclaration de type de document, refusée.")
            }
            Self::Doctype(part) => {
                format!("The workbook's part {part} holds a document type declaration, which spreadsheets never need.")
            }
            Self::TooManyRows { max } if fr => {
                format!("Le fichier dépasse {max} lignes de données : découpez-le en plusieurs fichiers.")
            }
            Self::TooManyRows { max } => {
                format!("The file has more than {max} data rows: split it into several files.")
            }
            Self::TooManyColumns { row, column, max } if fr => {
                format!("La ligne {row} a des données en colonne {column}, au-delà des {max} colonnes lues.")
            }
            Self::TooManyColumns { row, column, max } => {
                format!("Row {row} has data in column {column}, beyond the {max} columns read.")
            }
            Self::UnclosedQuote { line } if fr => {
                format!("Un guillemet ouvert ligne {line} n’est jamais fermé : le reste du fichier serait avalé.")
            }
            Self::UnclosedQuote { line } => {
                format!("A quote opened on line {line} is never closed, which would swallow the rest of the file.")
            }
            Self::Malformed { line } if fr => format!("La ligne {line} ne peut pas être lue comme du CSV."),
            Self::Malformed { line } => format!("Line {line} cannot be read as CSV."),
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
/// How much of a file is looked at to tell text from binary.
const SNIFF_BYTES: usize = 64 * 1024;

/// Recognises the file's format from its bytes, whatever its name.
///
/// # Errors
/// [`SheetError`] for empty files, legacy or protected workbooks, and
/// files that are not spreadsheets, saying what they look like.
pub fn detect(bytes: &[u8]) -> Result<Format, SheetError> {
    if bytes.is_empty() {
        return Err(SheetError::Empty);
    }
    if bytes.starts_with(ZIP_MAGIC) {
        // What the ZIP holds is checked when it is opened.
        return Ok(Format::Xlsx);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Err(ole_kind(bytes));
    }
    if let Some(kind) = magic_kind(bytes) {
        return Err(SheetError::NotASpreadsheet(kind));
    }
    if encoding_rs::Encoding::for_bom(bytes).is_some_and(|(e, _)| e != encoding_rs::UTF_8) {
        return Ok(Format::Csv); // UTF-16 text: its NUL bytes are expected
    }
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if let Some(kind) = markup_kind(sample) {
        return Err(SheetError::NotASpreadsheet(kind));
    }
    // Text holds no NUL and hardly any other control character; a stray
    // one (an old end-of-file mark) is forgiven.
    let controls =
        sample.iter().filter(|&&b| matches!(b, 0x01..=0x08 | 0x0B | 0x0E..=0x1A | 0x1C..=0x1F | 0x7F)).count();
    if memchr::memchr(0, sample).is_some() || (controls > 4 && controls * 200 > sample.len()) {
        return Err(SheetError::NotASpreadsheet(FileKind::Binary));
    }
    Ok(Format::Csv)
}

/// What an OLE compound file (the container of .xls, .doc and protected
/// workbooks) holds, from its stream names (UTF-16 in its directory).
fn ole_kind(bytes: &[u8]) -> SheetError {
    let holds = |name: &str| {
        let marker: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        memchr::memmem::find(bytes, &marker).is_some()
    };
    if holds("EncryptionInfo") {
        SheetError::Encrypted
    } else if holds("WordDocument") {
        SheetError::NotASpreadsheet(FileKind::TextDocument)
    } else if holds("PowerPoint Document") {
        SheetError::NotASpreadsheet(FileKind::Presentation)
    } else {
        SheetError::LegacyXls
    }
}

/// Binary formats recognised by their first bytes.
fn magic_kind(bytes: &[u8]) -> Option<FileKind> {
    const MAGIC: [(&[u8], FileKind); 14] = [
        (b"%PDF-", FileKind::Pdf),
        (b"\x89PNG\r\n\x1a\n", FileKind::Image),
        (b"\xFF\xD8\xFF", FileKind::Image),
        (b"GIF87a", FileKind::Image),
        (b"GIF89a", FileKind::Image),
        (b"II*\0", FileKind::Image),
        (b"MM\0*", FileKind::Image),
        (b"{\\rtf", FileKind::TextDocument),
        (b"\x1F\x8B", FileKind::Archive),
        (b"Rar!\x1A\x07", FileKind::Archive),
        (b"7z\xBC\xAF\x27\x1C", FileKind::Archive),
        (b"PK\x05\x06", FileKind::Archive),
        (b"\x7FELF", FileKind::Program),
        (b"\0asm", FileKind::Program),
    ];
    if let Some(&(_, kind)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some(kind);
    }
    let riff_webp = bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP");
    let heic = bytes.get(4..8) == Some(b"ftyp");
    let windows_program = bytes.starts_with(b"MZ") && bytes.get(..512).is_some_and(|h| h.contains(&0));
    match () {
        () if riff_webp || heic => Some(FileKind::Image),
        () if windows_program => Some(FileKind::Program),
        () => None,
    }
}

/// HTML and XML files, which some programs save under spreadsheet names.
fn markup_kind(sample: &[u8]) -> Option<FileKind> {
    let text = sample.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(sample).trim_ascii_start();
    let head = &text[..text.len().min(512)];
    let lower = head.to_ascii_lowercase();
    if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") || lower.starts_with(b"<table") {
        return Some(FileKind::WebPage);
    }
    if lower.starts_with(b"<?xml") || lower.starts_with(b"<!--") {
        if memchr::memmem::find(sample, b"urn:schemas-microsoft-com:office:spreadsheet").is_some() {
            return Some(FileKind::XmlSpreadsheet);
        }
        if memchr::memmem::find(&lower, b"<html").is_some() {
            return Some(FileKind::WebPage);
        }
        return Some(FileKind::Xml);
    }
    None
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
        assert_eq!(
            detect(&[
                0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, b'W', 0, b'o', 0, b'r', 0, b'd', 0, b'D', 0, b'o', 0,
                b'c', 0, b'u', 0, b'm', 0, b'e', 0, b'n', 0, b't', 0
            ]),
            Err(SheetError::NotASpreadsheet(FileKind::TextDocument))
        );
        assert_eq!(detect(b""), Err(SheetError::Empty));
        assert_eq!(detect(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]), Err(SheetError::LegacyXls));
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Err(SheetError::NotASpreadsheet(FileKind::Image)));
        assert_eq!(detect(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), Err(SheetError::NotASpreadsheet(FileKind::Pdf)));
        assert_eq!(detect(b"<!DOCTYPE html><table>"), Err(SheetError::NotASpreadsheet(FileKind::WebPage)));
        let xml2003 = b"<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">";
        assert_eq!(detect(xml2003), Err(SheetError::NotASpreadsheet(FileKind::XmlSpreadsheet)));
        let noise: Vec<u8> = (0..4096u32).map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes()[2] | 1).collect();
        assert_eq!(detect(&noise), Err(SheetError::NotASpreadsheet(FileKind::Binary)));
        assert_eq!(detect("Nom;Prénom\r\nLévy;Zoé\x1A".as_bytes()), Ok(Format::Csv), "a stray end-of-file mark");
        assert_eq!(detect(b"\xFF\xFEN\0o\0m\0"), Ok(Format::Csv), "UTF-16 text");
    }

    #[test]
    fn every_refusal_reads_wholly_in_french() {
        let errors = [
            SheetError::Damaged(Damage::BadEntity { part: "xl/sharedStrings.xml".into(), entity: "&nbsp".into() }),
            SheetError::Damaged(Damage::Archive),
            SheetError::Declared { what: Counted::SharedStrings, declared: 9 },
            SheetError::NotASpreadsheet(FileKind::Pdf),
            SheetError::Malformed { line: 3 },
        ];
        for error in errors {
            let fr = error.message(Language::Fr);
            for english in [" the ", " is ", " its ", " an ", "shared strings", "PDF document"] {
                assert!(!fr.contains(english), "{fr}");
            }
            assert_ne!(fr, error.message(Language::En));
        }
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
