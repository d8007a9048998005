//! XLSX, first sheet, read as a stream of cells. Before the workbook is
//! opened, every part's declared size is checked against the bounds and each
//! XML part's prolog is read, so a zip bomb, an absurd count declared inside
//! the file or a document type declaration is refused before any reader
//! trusts the file. The zip reader refuses to inflate a part past its
//! declared size, so a part that lies about it fails as damaged.
//!
//! The sheet's XML is then scanned a chunk at a time for the few elements a
//! table of cells needs (rows, cells, values, inline and shared strings),
//! with nothing allocated per cell but its text: several times faster than a
//! general XML reader, and memory bounded by a chunk and the shared strings.
//! The styles are read once, so each number reads as the cell shows it: a
//! date, a time, or digits shaped by their format (`00042`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Cursor, Read};

use super::number_format::{CellDate, DAYS_1904, Shape};
use super::{Counted, Damage, FileKind, Limits, Row, RowCounter, SheetError, Value, excerpt};

/// The longest tag or text read at once: a cell holds 32,767 characters at
/// most, so anything far longer is a broken or hostile file.
const MAX_TOKEN_BYTES: usize = 4 * 1024 * 1024;
/// The most text the shared strings may hold in memory.
const MAX_SHARED_TEXT_BYTES: usize = 96 * 1024 * 1024;
/// The most cell styles read (spreadsheets allow 64,000).
const MAX_STYLES: usize = 65_536;

/// The most parts (files inside the zip) a workbook may have.
const MAX_PARTS: usize = 10_000;
/// How far into a part its prolog (where a document type would be) is searched.
const PROLOG_BYTES: usize = 64 * 1024;
/// The smallest a shared string can be in its part: `<si/>`.
const MIN_SHARED_STRING_BYTES: u64 = 5;

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

pub(super) fn read(bytes: &[u8], limits: Limits, out: &mut RowCounter<'_>) -> Result<(), SheetError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| zip_error(&e, ""))?;
    prescan(&mut archive, limits)?;
    let workbook = workbook_part(&mut archive)?;
    let book = Workbook::read(&mut archive, &workbook)?;
    // A workbook without text cells may have no shared strings at all.
    let shared = match book.strings.as_deref().map(|path| (path, archive.by_name(path))) {
        Some((path, Ok(part))) => SharedStrings::read(part, path)?,
        _ => SharedStrings::default(),
    };
    let styles = match book.styles.as_deref().map(|path| (path, archive.by_name(path))) {
        Some((path, Ok(part))) => Styles::read(part, path, book.date1904)?,
        _ => Styles::default(),
    };
    let part = archive.by_name(&book.sheet).map_err(|e| zip_error(&e, &book.sheet))?;
    let reader = SheetReader {
        shared: &shared,
        styles: &styles,
        limits,
        row: Row { number: 0, cells: Vec::new() },
        next_column: 0,
    };
    reader.read(Tags::new(part, &book.sheet), out)
}

/// The workbook's main part, as the package's relationships name it; a
/// ZIP without one is refused as what it holds instead.
fn workbook_part(archive: &mut Archive<'_>) -> Result<String, SheetError> {
    if let Ok(mut mimetype) = archive.by_name("mimetype") {
        let mut head = Vec::new();
        let _ = mimetype.by_ref().take(128).read_to_end(&mut head);
        let has = |word: &[u8]| memchr::memmem::find(&head, word).is_some();
        return Err(if has(b"opendocument.spreadsheet") {
            SheetError::OpenDocument
        } else if has(b"opendocument.text") {
            SheetError::NotASpreadsheet(FileKind::TextDocument)
        } else if has(b"opendocument.presentation") {
            SheetError::NotASpreadsheet(FileKind::Presentation)
        } else {
            SheetError::NotASpreadsheet(FileKind::Archive)
        });
    }
    let mut main = None;
    if let Ok(rels) = archive.by_name("_rels/.rels") {
        for relationship in relationships(rels, "_rels/.rels", "")? {
            if relationship.kind.ends_with("/officeDocument") {
                main = Some(relationship.target);
                break;
            }
        }
    }
    let main = main.unwrap_or_else(|| "xl/workbook.xml".to_owned());
    let has = |name: &str| archive.index_for_name(name).is_some();
    let extension = std::path::Path::new(&main).extension().and_then(|e| e.to_str()).unwrap_or_default();
    if extension.eq_ignore_ascii_case("bin") || has("xl/workbook.bin") {
        return Err(SheetError::NotASpreadsheet(FileKind::BinaryWorkbook));
    }
    if has(&main) && extension.eq_ignore_ascii_case("xml") {
        return Ok(main);
    }
    Err(SheetError::NotASpreadsheet(if has("word/document.xml") {
        FileKind::TextDocument
    } else if has("ppt/presentation.xml") {
        FileKind::Presentation
    } else if has("Index/Document.iwa") {
        FileKind::Numbers
    } else {
        FileKind::Archive
    }))
}

/// One relationship of a part: its id, what it points at, and its type.
struct Relationship {
    id: Vec<u8>,
    target: String,
    kind: String,
}

/// The internal relationships in a `.rels` part, targets resolved against `folder`.
fn relationships(part: impl Read, path: &str, folder: &str) -> Result<Vec<Relationship>, SheetError> {
    let mut found = Vec::new();
    let mut tags = Tags::new(part, path);
    while let Some(tag) = tags.next()? {
        if !matches!(tag, Tag::Open { name: b"Relationship", .. }) {
            continue;
        }
        if tags.attribute(b"TargetMode").is_some_and(|m| m.eq_ignore_ascii_case(b"external")) {
            continue;
        }
        let (Some(target), Some(kind)) = (tags.attribute_text(b"Target")?, tags.attribute_text(b"Type")?) else {
            continue;
        };
        let target = resolve(folder, &target);
        let kind = kind.into_owned();
        found.push(Relationship { id: tags.attribute(b"Id").unwrap_or_default().to_vec(), target, kind });
    }
    Ok(found)
}

/// A relationship's target as a path inside the zip: absolute targets from
/// the root, others from the folder of the part that names them.
fn resolve(folder: &str, target: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let (base, target) = match target.strip_prefix('/') {
        Some(absolute) => ("", absolute),
        None => (folder, target),
    };
    for segment in base.split('/').chain(target.split('/')) {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    segments.join("/")
}

/// What the workbook part says: where the first sheet, the shared strings
/// and the styles are, and which date system it counts in.
struct Workbook {
    sheet: String,
    strings: Option<String>,
    styles: Option<String>,
    date1904: bool,
}

impl Workbook {
    fn read(archive: &mut Archive<'_>, path: &str) -> Result<Self, SheetError> {
        let (mut first_id, mut first_visible_id, mut date1904) = (None, None, false);
        {
            let part = archive.by_name(path).map_err(|e| zip_error(&e, path))?;
            let mut tags = Tags::new(part, path);
            while let Some(tag) = tags.next()? {
                match tag {
                    Tag::Open { name: b"workbookPr", .. } => {
                        date1904 = tags.attribute(b"date1904").is_some_and(|v| v == b"1" || v == b"true");
                    }
                    Tag::Open { name: b"sheet", .. } => {
                        let id = tags.attribute_where(|name| name.ends_with(b":id")).map(<[u8]>::to_vec);
                        let hidden = tags.attribute(b"state").is_some_and(|s| s != b"visible");
                        if first_id.is_none() {
                            first_id.clone_from(&id);
                        }
                        if !hidden {
                            // The first sheet the admin sees when the workbook opens.
                            first_visible_id = id;
                            break;
                        }
                    }
                    Tag::Close { name: b"sheets" } => break,
                    _ => {}
                }
            }
        }
        let sheet_id = first_visible_id.or(first_id).ok_or(SheetError::Empty)?;
        let (folder, file) = path.rsplit_once('/').unwrap_or(("", path));
        let rels_path =
            if folder.is_empty() { format!("_rels/{file}.rels") } else { format!("{folder}/_rels/{file}.rels") };
        let mut book = Self { sheet: String::new(), strings: None, styles: None, date1904 };
        if let Ok(rels) = archive.by_name(&rels_path) {
            for relationship in relationships(rels, &rels_path, folder)? {
                if relationship.id == sheet_id {
                    book.sheet = relationship.target;
                } else if relationship.kind.ends_with("/sharedStrings") {
                    book.strings = Some(relationship.target);
                } else if relationship.kind.ends_with("/styles") {
                    book.styles = Some(relationship.target);
                }
            }
        }
        // Packages written by hand may omit relationships: the usual names then.
        let usual =
            |name: &str| format!("{}{name}", if folder.is_empty() { String::new() } else { format!("{folder}/") });
        if book.sheet.is_empty() {
            book.sheet = usual("worksheets/sheet1.xml");
        }
        book.strings = book.strings.or_else(|| Some(usual("sharedStrings.xml")));
        book.styles = book.styles.or_else(|| Some(usual("styles.xml")));
        Ok(book)
    }
}

/// The workbook's shared strings, kept as one text and the end of each.
#[derive(Default)]
struct SharedStrings {
    text: String,
    ends: Vec<usize>,
}

impl SharedStrings {
    fn read(part: impl Read, path: &str) -> Result<Self, SheetError> {
        let mut strings = Self::default();
        let mut tags = Tags::new(part, path);
        let (mut text, mut in_phonetic) = (None::<TextElement>, false);
        while let Some(tag) = tags.next()? {
            match tag {
                Tag::Open { name: b"t", empty: false } if !in_phonetic => {
                    text = Some(TextElement::open(&tags, strings.text.len()));
                }
                Tag::Close { name: b"t" } => {
                    if let Some(element) = text.take() {
                        element.close(&mut strings.text);
                    }
                }
                Tag::Open { name: b"rPh", empty: false } => in_phonetic = true,
                Tag::Close { name: b"rPh" } => in_phonetic = false,
                Tag::Close { name: b"si" } | Tag::Open { name: b"si", empty: true } => {
                    strings.ends.push(strings.text.len());
                }
                Tag::Text { range, raw } if text.is_some() => {
                    tags.text_into(range, raw, &mut strings.text)?;
                    if strings.text.len() > MAX_SHARED_TEXT_BYTES {
                        return Err(SheetError::Inflates { part: path.to_owned(), max: MAX_SHARED_TEXT_BYTES as u64 });
                    }
                }
                _ => {}
            }
        }
        Ok(strings)
    }

    fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        self.text.get(start..end)
    }
}

/// A `<t>` element being read into a text that started at `start`: as
/// spreadsheets read it, its ASCII spaces and line breaks at both ends are
/// dropped unless it says `xml:space="preserve"`, and its spreadsheet
/// escapes (`_x000D_`) are decoded.
struct TextElement {
    start: usize,
    preserve: bool,
}

impl TextElement {
    fn open<R: Read>(tags: &Tags<R>, start: usize) -> Self {
        Self { start, preserve: tags.attribute(b"xml:space") == Some(b"preserve") }
    }

    fn close(self, text: &mut String) {
        let element = &text[self.start..];
        let kept = if self.preserve { element } else { element.trim_matches([' ', '\t', '\r', '\n']) };
        if kept.len() == element.len() && !kept.contains("_x") {
            return;
        }
        let decoded = excel_escapes(kept).into_owned();
        text.truncate(self.start);
        text.push_str(&decoded);
    }
}

/// How the numbers of each cell style are shown, by style index.
#[derive(Default)]
struct Styles {
    shapes: Vec<Shape>,
    /// Added to date serials: the 1904 system counts from 1904-01-01.
    date_offset: f64,
}

impl Styles {
    fn read(part: impl Read, path: &str, date1904: bool) -> Result<Self, SheetError> {
        let mut formats: HashMap<u32, Shape> = HashMap::new();
        let mut shapes = Vec::new();
        let mut tags = Tags::new(part, path);
        let mut in_cell_formats = false;
        while let Some(tag) = tags.next()? {
            match tag {
                Tag::Open { name: b"numFmt", .. } => {
                    let id = tags.attribute(b"numFmtId").and_then(digits);
                    let code = tags.attribute_text(b"formatCode")?;
                    if let (Some(id), Some(code)) = (id, code) {
                        if formats.len() >= MAX_STYLES {
                            return Err(SheetError::Declared { what: Counted::Styles, declared: formats.len() as u64 });
                        }
                        formats.insert(id, Shape::parse(&code));
                    }
                }
                Tag::Open { name: b"cellXfs", empty } => in_cell_formats = !empty,
                Tag::Close { name: b"cellXfs" } => break,
                Tag::Open { name: b"xf", .. } if in_cell_formats => {
                    if shapes.len() >= MAX_STYLES {
                        return Err(SheetError::Declared { what: Counted::Styles, declared: shapes.len() as u64 });
                    }
                    let id = tags.attribute(b"numFmtId").and_then(digits).unwrap_or(0);
                    let shape = formats.get(&id).cloned().or_else(|| Shape::built_in(id)).unwrap_or(Shape::General);
                    shapes.push(shape);
                }
                _ => {}
            }
        }
        Ok(Self { shapes, date_offset: if date1904 { DAYS_1904 } else { 0.0 } })
    }

    /// A number as a cell of style `style` shows it.
    fn value(&self, style: Option<u32>, n: f64) -> Value {
        let shape = style.and_then(|s| self.shapes.get(s as usize));
        match shape {
            None | Some(Shape::General) => Value::Number(n),
            Some(Shape::Date(kind)) => Value::Date(CellDate { serial: n + self.date_offset, kind: *kind }),
            Some(Shape::Digits(pattern)) => Value::Formatted { number: n, text: pattern.render(n) },
        }
    }
}

/// Reads a sheet's rows from its XML, a chunk at a time.
struct SheetReader<'s> {
    shared: &'s SharedStrings,
    styles: &'s Styles,
    limits: Limits,
    row: Row,
    next_column: u32,
}

/// What a cell's `t` attribute says its value is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CellType {
    Number,
    Shared,
    /// Text as the file holds it (`<v>`), spreadsheet escapes still in it.
    Text,
    /// Text of `<t>` elements, escapes already decoded.
    DecodedText,
    Bool,
    Error,
}

/// A cell being read: its column, type and style.
#[derive(Clone, Copy)]
struct Cell {
    column: u32,
    kind: CellType,
    style: Option<u32>,
}

impl SheetReader<'_> {
    fn read(mut self, mut tags: Tags<impl Read>, out: &mut RowCounter<'_>) -> Result<(), SheetError> {
        let mut cell: Option<Cell> = None;
        let mut value = String::new();
        // A `<t>` of an inline string being read; its escapes are decoded when it closes.
        let mut text: Option<TextElement> = None;
        let (mut in_value, mut in_phonetic, mut decoded) = (false, false, false);
        let mut nesting = Nesting::default();
        while let Some(tag) = tags.next()? {
            if !nesting.step(&tag) {
                return Err(tags.not_worksheet());
            }
            match tag {
                Tag::Text { range, .. } if !nesting.inside() => tags.outside_root(range)?,
                Tag::Open { name: b"dimension", .. } => {
                    // Only drives the progress bar: never trusted for memory.
                    let last = tags.attribute(b"ref").and_then(|r| r.rsplit(|&b| b == b':').next()).map(cell_ref);
                    out.expected_rows = last.and_then(|r| r.map(|(_, row)| row)).unwrap_or(0);
                }
                Tag::Open { name: b"row", empty } => {
                    let number = match tags.attribute(b"r") {
                        Some(r) => digits(r).ok_or_else(|| bad_reference(r))?,
                        None => self.row.number.saturating_add(1),
                    };
                    self.flush(out)?;
                    self.row.number = number;
                    self.next_column = 0;
                    if empty {
                        self.flush(out)?;
                    }
                }
                Tag::Close { name: b"row" } => self.flush(out)?,
                Tag::Open { name: b"c", empty } => {
                    let [reference, kind, style] = tags.cell_attributes();
                    let column = match reference {
                        Some(r) => cell_ref(r).ok_or_else(|| bad_reference(r))?.0,
                        None => self.next_column,
                    };
                    let kind = match kind {
                        Some(b"s") => CellType::Shared,
                        Some(b"str" | b"inlineStr" | b"d") => CellType::Text,
                        Some(b"b") => CellType::Bool,
                        Some(b"e") => CellType::Error,
                        _ => CellType::Number,
                    };
                    let this = Cell { column, kind, style: style.and_then(digits) };
                    self.check_column(column)?;
                    self.next_column = column.saturating_add(1);
                    value.clear();
                    decoded = false;
                    cell = None;
                    if empty {
                        continue;
                    }
                    // Most cells are `<v>…</v></c>` with plain text: read them at once.
                    if let Some(range) = tags.plain_value() {
                        nesting.close_read_ahead();
                        let text = std::str::from_utf8(&tags.buffer[range]).map_err(|_| tags.damage_not_utf8())?;
                        let parsed = self.value(this, text)?;
                        self.set(column, parsed);
                        continue;
                    }
                    cell = Some(this);
                }
                Tag::Open { name: b"v", empty: false } if cell.is_some() => in_value = true,
                Tag::Open { name: b"t", empty: false } if cell.is_some() && !in_phonetic => {
                    in_value = true;
                    decoded = true;
                    text = Some(TextElement::open(&tags, value.len()));
                }
                Tag::Close { name: b"v" } => in_value = false,
                Tag::Close { name: b"t" } => {
                    in_value = false;
                    if let Some(element) = text.take() {
                        element.close(&mut value);
                    }
                }
                Tag::Open { name: b"rPh", empty: false } => in_phonetic = true,
                Tag::Close { name: b"rPh" } => in_phonetic = false,
                Tag::Text { range, raw } if in_value => {
                    tags.text_into(range, raw, &mut value)?;
                    if value.len() > MAX_TOKEN_BYTES {
                        return Err(tags.damage_too_long());
                    }
                }
                Tag::Close { name: b"c" } => {
                    if let Some(mut this) = cell.take() {
                        if decoded {
                            this.kind = CellType::DecodedText;
                        }
                        let parsed = self.value(this, &value)?;
                        self.set(this.column, parsed);
                    }
                }
                Tag::Close { name: b"sheetData" } => break,
                _ => {}
            }
        }
        if !nesting.read_every_row() {
            return Err(tags.not_worksheet());
        }
        self.flush(out)
    }

    fn check_column(&self, column: u32) -> Result<(), SheetError> {
        if column >= u32::from(self.limits.max_columns) {
            return Err(SheetError::TooManyColumns {
                row: self.row.number,
                column: column.saturating_add(1),
                max: self.limits.max_columns,
            });
        }
        Ok(())
    }

    fn value(&self, cell: Cell, text: &str) -> Result<Value, SheetError> {
        Ok(match cell.kind {
            _ if text.is_empty() => Value::Empty,
            CellType::Shared => {
                let index = digits(text.as_bytes()).and_then(|i| usize::try_from(i).ok());
                let shared = index
                    .and_then(|i| self.shared.get(i))
                    .ok_or_else(|| SheetError::Damaged(Damage::MissingSharedString { index: excerpt(text, 32) }))?;
                Value::from_text(shared.to_owned())
            }
            CellType::Text => Value::from_text(excel_escapes(text).into_owned()),
            CellType::DecodedText => Value::from_text(text.to_owned()),
            CellType::Bool => Value::Bool(text == "1" || text.eq_ignore_ascii_case("true")),
            CellType::Error => Value::Error(text.to_owned()),
            CellType::Number => match text.trim().parse::<f64>() {
                Ok(n) => self.styles.value(cell.style, n),
                Err(_) => Value::from_text(text.to_owned()),
            },
        })
    }

    fn set(&mut self, column: u32, value: Value) {
        if value == Value::Empty {
            return;
        }
        let column = column as usize; // below max_columns, checked
        if self.row.cells.len() <= column {
            self.row.cells.resize(column + 1, Value::Empty);
        }
        self.row.cells[column] = value;
    }

    fn flush(&mut self, out: &mut RowCounter<'_>) -> Result<(), SheetError> {
        if self.row.number == 0 || self.row.cells.is_empty() {
            return Ok(());
        }
        let number = self.row.number;
        out.push(std::mem::replace(&mut self.row, Row { number, cells: Vec::new() }))?;
        let expected = out.expected_rows;
        out.progress(u64::from(number), u64::from(expected));
        Ok(())
    }
}

fn bad_reference(reference: &[u8]) -> SheetError {
    SheetError::Damaged(Damage::BadReference { reference: excerpt(&String::from_utf8_lossy(reference), 32) })
}

/// A cell reference (`B12`, `XFD1048576`) as a 0-based column and the row
/// number; `None` when it is not one.
fn cell_ref(reference: &[u8]) -> Option<(u32, u32)> {
    let letters = reference.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let column = reference[..letters].iter().fold(0u32, |n, b| n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1);
    Some((column - 1, digits(&reference[letters..])?))
}

/// A whole number written in decimal digits (at most nine).
fn digits(text: &[u8]) -> Option<u32> {
    if text.is_empty() || text.len() > 9 || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(text.iter().fold(0u32, |n, b| n * 10 + u32::from(b - b'0')))
}

/// The tags of an XML part that matter here, read a chunk at a time:
/// element names without their namespace prefix, and text between tags.
/// Comments, processing instructions and declarations are skipped (the
/// prescan refused document types before).
struct Tags<R> {
    reader: R,
    /// The part's name, for errors.
    part: String,
    buffer: Vec<u8>,
    at: usize,
    done: bool,
    attributes: std::ops::Range<usize>,
}

/// One step through an XML part. Text is a range of the reader's buffer,
/// valid until the next step; `raw` text (CDATA) holds no entities.
#[derive(Debug)]
enum Tag<'a> {
    Open { name: &'a [u8], empty: bool },
    Close { name: &'a [u8] },
    Text { range: std::ops::Range<usize>, raw: bool },
}

/// What the worksheet reader checks of the part's structure, cheaply: the
/// root is a `worksheet`, its `sheetData` ends, and every
/// closing tag closes the element last opened (compared by a hash of the
/// name, so nothing is stored per element). Plain text, random bytes,
/// another XML document or mismatched tags are refused as damaged instead
/// of reading as a sheet without rows.
#[derive(Default)]
struct Nesting {
    /// A hash of each open element's name, outermost first.
    open: Vec<u64>,
    seen_root: bool,
    /// `sheetData` was closed (or written empty): the rows were all read.
    ended_sheet_data: bool,
}

impl Nesting {
    fn hash(name: &[u8]) -> u64 {
        // FNV-1a: names are a few bytes, and only compared with each other.
        name.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
    }

    /// Takes one step; false when the structure is not a worksheet's.
    fn step(&mut self, tag: &Tag<'_>) -> bool {
        match *tag {
            Tag::Open { name, empty } => {
                if !self.seen_root {
                    self.seen_root = true;
                    if name != b"worksheet" {
                        return false;
                    }
                } else if self.open.is_empty() {
                    return false; // a second root
                }
                self.ended_sheet_data |= empty && name == b"sheetData";
                if !empty {
                    self.open.push(Self::hash(name));
                }
                true
            }
            Tag::Close { name } => {
                self.ended_sheet_data |= name == b"sheetData";
                self.open.pop() == Some(Self::hash(name))
            }
            Tag::Text { .. } => true,
        }
    }

    /// True inside the root element, where text belongs.
    fn inside(&self) -> bool {
        !self.open.is_empty()
    }

    /// The reader stepped past `<v>…</v></c>` itself: the cell is closed.
    fn close_read_ahead(&mut self) {
        self.open.pop();
    }

    fn read_every_row(&self) -> bool {
        self.ended_sheet_data
    }
}

/// Bytes read from a part at a time.
const CHUNK: usize = 256 * 1024;

impl<R: Read> Tags<R> {
    fn new(reader: R, part: &str) -> Self {
        Self { reader, part: part.to_owned(), buffer: Vec::with_capacity(CHUNK), at: 0, done: false, attributes: 0..0 }
    }

    fn damage_too_long(&self) -> SheetError {
        SheetError::Damaged(Damage::TooLong { part: self.part.clone() })
    }

    /// Refuses text outside the root element: only white space (and a
    /// byte order mark) may stand there.
    fn outside_root(&self, range: std::ops::Range<usize>) -> Result<(), SheetError> {
        let outside = &self.buffer[range];
        let blank = outside.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(outside).trim_ascii().is_empty();
        if blank { Ok(()) } else { Err(self.not_worksheet()) }
    }

    fn not_worksheet(&self) -> SheetError {
        SheetError::Damaged(Damage::NotWorksheet { part: self.part.clone() })
    }

    fn damage_not_utf8(&self) -> SheetError {
        SheetError::Damaged(Damage::NotUtf8 { part: self.part.clone() })
    }

    /// Reads more of the part, dropping what was handled; false at its end.
    fn fill(&mut self) -> Result<bool, SheetError> {
        if self.done {
            return Ok(false);
        }
        if self.buffer.len() - self.at > MAX_TOKEN_BYTES {
            return Err(self.damage_too_long());
        }
        self.buffer.drain(..self.at);
        self.at = 0;
        let start = self.buffer.len();
        self.buffer.resize(start + CHUNK, 0);
        let read = self.reader.read(&mut self.buffer[start..]).map_err(|_| corrupt(&self.part))?;
        self.buffer.truncate(start + read);
        self.done = read == 0;
        Ok(read > 0)
    }

    fn next(&mut self) -> Result<Option<Tag<'_>>, SheetError> {
        loop {
            let rest = &self.buffer[self.at..];
            if rest.is_empty() {
                if self.fill()? {
                    continue;
                }
                return Ok(None);
            }
            if rest[0] != b'<' {
                let Some(end) = memchr::memchr(b'<', rest) else {
                    if self.fill()? {
                        continue;
                    }
                    self.at = self.buffer.len();
                    return Ok(None); // trailing text after the root
                };
                let range = self.at..self.at + end;
                self.at += end;
                return Ok(Some(Tag::Text { range, raw: false }));
            }
            let closing: &[u8] = if rest.starts_with(b"<!--") {
                b"-->"
            } else if rest.starts_with(b"<![CDATA[") {
                b"]]>"
            } else if rest.starts_with(b"<?") {
                b"?>"
            } else if rest.len() < 9 && (b"<![CDATA[".starts_with(rest) || b"<!--".starts_with(rest)) && !self.done {
                // Too little read to tell a CDATA section or a comment from a tag.
                self.fill()?;
                continue;
            } else {
                b">"
            };
            let found =
                if closing.len() == 1 { memchr::memchr(b'>', rest) } else { memchr::memmem::find(rest, closing) };
            let Some(end) = found else {
                if self.fill()? {
                    continue;
                }
                return Err(SheetError::Damaged(Damage::UnendedTag { part: self.part.clone() }));
            };
            let start = self.at;
            self.at += end + closing.len();
            if rest.starts_with(b"<![CDATA[") {
                return Ok(Some(Tag::Text { range: start + 9..start + end, raw: true }));
            }
            if rest[1] == b'!' || rest[1] == b'?' {
                continue;
            }
            let inner = &self.buffer[start + 1..start + end];
            if let Some(name) = inner.strip_prefix(b"/") {
                return Ok(Some(Tag::Close { name: local_name(name.trim_ascii_end()) }));
            }
            let empty = inner.ends_with(b"/");
            let inner = if empty { &inner[..inner.len() - 1] } else { inner };
            let name_len = inner.iter().position(u8::is_ascii_whitespace).unwrap_or(inner.len());
            self.attributes = start + 1 + name_len..start + 1 + inner.len();
            return Ok(Some(Tag::Open { name: local_name(&inner[..name_len]), empty }));
        }
    }

    /// The value of the last opened tag's first attribute whose name passes
    /// `wanted`, undecoded.
    fn attribute_where(&self, wanted: impl Fn(&[u8]) -> bool) -> Option<&[u8]> {
        let mut rest = self.buffer.get(self.attributes.clone())?;
        loop {
            rest = rest.trim_ascii_start();
            let eq = memchr::memchr(b'=', rest)?;
            let name = rest[..eq].trim_ascii();
            let after = rest[eq + 1..].trim_ascii_start();
            let quote = *after.first()?;
            if quote != b'"' && quote != b'\'' {
                return None;
            }
            let end = memchr::memchr(quote, &after[1..])?;
            if wanted(name) {
                return Some(&after[1..=end]);
            }
            rest = &after[end + 2..];
        }
    }

    /// The `r`, `t` and `s` attributes of the cell tag just opened, in one pass.
    fn cell_attributes(&self) -> [Option<&[u8]>; 3] {
        let (mut reference, mut kind, mut style) = (None, None, None);
        let mut rest = &self.buffer[self.attributes.clone()];
        while let Some(eq) = rest.iter().position(|&b| b == b'=') {
            let name = local_name(rest[..eq].trim_ascii());
            let after = rest[eq + 1..].trim_ascii_start();
            let Some(&quote) = after.first().filter(|q| matches!(q, b'"' | b'\'')) else { break };
            let Some(end) = after[1..].iter().position(|&b| b == quote) else { break };
            let value = &after[1..=end];
            match name {
                b"r" => reference = Some(value),
                b"t" => kind = Some(value),
                b"s" => style = Some(value),
                _ => {}
            }
            rest = &after[end + 2..];
        }
        [reference, kind, style]
    }

    /// When what follows is `<v>text</v></c>` with no markup or entity in
    /// the text (most cells), steps past it and gives the text's range.
    fn plain_value(&mut self) -> Option<std::ops::Range<usize>> {
        let rest = self.buffer.get(self.at..)?;
        let body = rest.strip_prefix(b"<v>")?;
        let len = body.iter().take(64).position(|&b| b == b'<' || b == b'&')?;
        if body[len] != b'<' || !body[len..].starts_with(b"</v></c>") {
            return None;
        }
        let start = self.at + 3;
        self.at = start + len + b"</v></c>".len();
        Some(start..start + len)
    }

    /// The value of the last opened tag's attribute `name`, undecoded.
    fn attribute(&self, name: &[u8]) -> Option<&[u8]> {
        self.attribute_where(|n| n == name)
    }

    /// The value of the last opened tag's attribute `name`, entities decoded.
    fn attribute_text(&self, name: &[u8]) -> Result<Option<Cow<'_, str>>, SheetError> {
        let Some(raw) = self.attribute(name) else { return Ok(None) };
        let raw = std::str::from_utf8(raw).map_err(|_| self.damage_not_utf8())?;
        if !raw.contains('&') {
            return Ok(Some(Cow::Borrowed(raw)));
        }
        let mut out = String::with_capacity(raw.len());
        unescape_into(raw, &mut out).map_err(|entity| self.bad_entity(entity))?;
        Ok(Some(Cow::Owned(out)))
    }

    /// Appends the text in `range` to `out`, with entities decoded unless
    /// the text is `raw` (CDATA).
    fn text_into(&self, range: std::ops::Range<usize>, raw: bool, out: &mut String) -> Result<(), SheetError> {
        let text = std::str::from_utf8(&self.buffer[range]).map_err(|_| self.damage_not_utf8())?;
        // XML reads a line break as a line feed, whatever the file has (a
        // `&#13;` reference stays a carriage return).
        let text = if memchr::memchr(b'\r', text.as_bytes()).is_some() {
            Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
        } else {
            Cow::Borrowed(text)
        };
        if raw {
            out.push_str(&text);
            return Ok(());
        }
        unescape_into(&text, out).map_err(|entity| self.bad_entity(entity))
    }

    fn bad_entity(&self, entity: &str) -> SheetError {
        SheetError::Damaged(Damage::BadEntity { part: self.part.clone(), entity: excerpt(entity, 32) })
    }
}

/// Appends `text` to `out` with XML's entities and character references
/// decoded; on an entity XML does not define, gives it as written.
fn unescape_into<'t>(text: &'t str, out: &mut String) -> Result<(), &'t str> {
    let mut rest = text;
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..amp]);
        let Some(semi) = rest[amp..].find(';') else { return Err(&rest[amp..]) };
        let entity = &rest[amp + 1..amp + semi];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        out.push(decoded.ok_or(&rest[amp..=amp + semi])?);
        rest = &rest[amp + semi + 1..];
    }
    out.push_str(rest);
    Ok(())
}

/// Text with Excel's own escapes decoded: characters XML cannot carry are
/// written `_xHHHH_` (a UTF-16 unit in hex; two for characters beyond the
/// first plane), and a literal `_x` that would read as one as `_x005F_x`.
fn excel_escapes(text: &str) -> Cow<'_, str> {
    let unit_at = |at: usize| -> Option<u16> {
        let escape = text.as_bytes().get(at..at + 7)?;
        if &escape[..2] != b"_x" || escape[6] != b'_' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&escape[2..6]).ok()?, 16).ok()
    };
    let Some(first) = memchr::memmem::find_iter(text.as_bytes(), b"_x").find(|&at| unit_at(at).is_some()) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    let (mut at, mut copied) = (first, 0);
    while at < text.len() {
        let Some(unit) = unit_at(at) else {
            at += text[at..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        out.push_str(&text[copied..at]);
        // A run of escapes decodes together: surrogate pairs join.
        let mut units = vec![unit];
        at += 7;
        while let Some(next) = unit_at(at) {
            units.push(next);
            at += 7;
        }
        out.extend(char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)));
        copied = at;
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// An element name without its namespace prefix (`x:row` is `row`).
fn local_name(name: &[u8]) -> &[u8] {
    // Names are short: a plain loop beats a vectorised search here.
    name.iter().rposition(|&b| b == b':').map_or(name, |colon| &name[colon + 1..])
}

fn corrupt(part: &str) -> SheetError {
    SheetError::Damaged(Damage::Corrupt { part: part.to_owned() })
}

/// What a ZIP error means for the person who sent the file.
fn zip_error(error: &zip::result::ZipError, part: &str) -> SheetError {
    use zip::result::ZipError;
    SheetError::Damaged(match error {
        ZipError::FileNotFound => Damage::MissingPart { part: part.to_owned() },
        ZipError::UnsupportedArchive(what) if what.contains("assword") || what.contains("ncrypt") => {
            return SheetError::Encrypted;
        }
        ZipError::UnsupportedArchive(_) => Damage::Compression,
        ZipError::Io(_) if !part.is_empty() => Damage::Corrupt { part: part.to_owned() },
        _ => Damage::Archive,
    })
}

/// Checks every part's declared size and every XML part's prolog against
/// the bounds, and what the file declares against what it can hold.
fn prescan(archive: &mut Archive<'_>, limits: Limits) -> Result<(), SheetError> {
    if archive.len() > MAX_PARTS {
        return Err(SheetError::Declared { what: Counted::Parts, declared: archive.len() as u64 });
    }
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|e| zip_error(&e, ""))?;
        let name = part.name().map_err(|_| SheetError::Damaged(Damage::Archive))?.into_owned();
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
        part.by_ref().take(PROLOG_BYTES as u64).read_to_end(&mut prolog).map_err(|_| corrupt(&name))?;
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
            return Err(SheetError::Declared { what: Counted::SharedStrings, declared });
        }
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::excel_escapes;

    #[test]
    fn excel_escapes_decode_control_characters_pairs_and_literals() {
        assert_eq!(excel_escapes("plain_x text"), "plain_x text");
        assert_eq!(excel_escapes("a_x000D_\nb"), "a\r\nb");
        assert_eq!(excel_escapes("_xD83D__xDE00_!"), "😀!");
        assert_eq!(excel_escapes("lit _x005F_x0041_"), "lit _x0041_");
        assert_eq!(excel_escapes("lone _xD83D_ é"), "lone \u{FFFD} é");
    }
}
