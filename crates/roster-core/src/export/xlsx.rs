//! A workbook written row by row: each row goes straight into the
//! compressed sheet, so memory stays flat whatever the number of rows, and
//! the finished part of the file can be handed on (to a multipart upload)
//! while the rest is still being written.
//!
//! Text is written as inline strings, which spreadsheets show as text and
//! never evaluate; numbers and dates are typed cells.

use std::fmt::Write as _;
use std::io::Write as _;

use zip::write::{SimpleFileOptions, StreamWriter};
use zip::{CompressionMethod, ZipWriter};

use super::{Cell, ExportError, Spool, fitted};
use crate::time::Timestamp;

/// The most data rows a sheet holds under its header (Excel's 1,048,576
/// rows, header included); further rows continue on a new sheet.
pub const MAX_SHEET_ROWS: u32 = 1_048_575;

/// XML text buffered before it is compressed.
const XML_CHUNK: usize = 64 * 1024;

/// Styles: 0 plain, 1 bold header, 2 date and time.
const STYLE_HEADER: u8 = 1;
const STYLE_DATE: u8 = 2;

/// A workbook being written: one header row per sheet, then data rows.
pub struct XlsxWriter {
    zip: ZipWriter<StreamWriter<Spool>>,
    spool: Spool,
    sheet_name: String,
    headers: Vec<String>,
    column_refs: Vec<String>,
    widths: Vec<u8>,
    now: Timestamp,
    max_rows: u32,
    sheets: Vec<(String, u32)>,
    rows_in_sheet: u32,
    xml: String,
}

fn options() -> SimpleFileOptions {
    // Level 1: several times faster than the default for a file barely larger.
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).compression_level(Some(1))
}

fn zip_error(e: impl std::fmt::Display) -> ExportError {
    ExportError::Write(e.to_string())
}

impl XlsxWriter {
    /// Starts a workbook whose sheets are called `sheet_name` (then
    /// "`sheet_name` (2)" …), with `headers` on each sheet's first row and
    /// column widths in characters, dated `now`.
    ///
    /// # Errors
    /// When the compressor fails.
    pub fn new(sheet_name: &str, headers: Vec<String>, widths: Vec<u8>, now: Timestamp) -> Result<Self, ExportError> {
        Self::with_sheet_limit(sheet_name, headers, widths, now, MAX_SHEET_ROWS)
    }

    /// [`XlsxWriter::new`] with another number of data rows per sheet (tests
    /// prove the overflow onto a new sheet without a million rows).
    ///
    /// # Errors
    /// When the compressor fails.
    pub fn with_sheet_limit(
        sheet_name: &str,
        headers: Vec<String>,
        widths: Vec<u8>,
        now: Timestamp,
        max_rows: u32,
    ) -> Result<Self, ExportError> {
        let spool = Spool::default();
        let sheet_name: String =
            sheet_name.chars().filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\')).take(25).collect();
        let column_refs = (0..headers.len()).map(column_letters).collect();
        let mut writer = Self {
            zip: ZipWriter::new_stream(spool.clone()),
            spool,
            sheet_name,
            headers,
            column_refs,
            widths,
            now,
            max_rows: max_rows.max(1),
            sheets: Vec::new(),
            rows_in_sheet: 0,
            xml: String::with_capacity(XML_CHUNK + 4096),
        };
        writer.start_sheet()?;
        Ok(writer)
    }

    fn start_sheet(&mut self) -> Result<(), ExportError> {
        let number = self.sheets.len() + 1;
        let name = if number == 1 { self.sheet_name.clone() } else { format!("{} ({number})", self.sheet_name) };
        self.zip.start_file(format!("xl/worksheets/sheet{number}.xml"), options()).map_err(zip_error)?;
        self.sheets.push((name, 0));
        self.rows_in_sheet = 0;
        let selected = if number == 1 { " tabSelected=\"1\"" } else { "" };
        let _ = write!(
            self.xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
             <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
             xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
             <sheetViews><sheetView{selected} workbookViewId=\"0\">\
             <pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>\
             <selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>\
             <sheetFormatPr defaultRowHeight=\"15\"/><cols>"
        );
        for (i, width) in self.widths.iter().enumerate().take(self.headers.len()) {
            let _ = write!(self.xml, "<col min=\"{0}\" max=\"{0}\" width=\"{width}\" customWidth=\"1\"/>", i + 1);
        }
        if self.widths.is_empty() {
            self.xml.push_str("<col min=\"1\" max=\"1\" width=\"9\"/>");
        }
        self.xml.push_str("</cols><sheetData>");
        let headers = std::mem::take(&mut self.headers);
        self.push_row(1, headers.iter().map(|h| Cell::Text(h)), STYLE_HEADER);
        self.headers = headers;
        Ok(())
    }

    fn end_sheet(&mut self) -> Result<(), ExportError> {
        self.xml.push_str("</sheetData>");
        if self.rows_in_sheet > 0 && !self.headers.is_empty() {
            let last = self.column_refs.last().map_or("A", String::as_str);
            let _ = write!(self.xml, "<autoFilter ref=\"A1:{last}{}\"/>", self.rows_in_sheet + 1);
        }
        self.xml.push_str(
            "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>",
        );
        if let Some(sheet) = self.sheets.last_mut() {
            sheet.1 = self.rows_in_sheet;
        }
        self.flush_xml()
    }

    fn flush_xml(&mut self) -> Result<(), ExportError> {
        self.zip.write_all(self.xml.as_bytes()).map_err(zip_error)?;
        self.xml.clear();
        Ok(())
    }

    fn push_row<'c>(&mut self, number: u32, cells: impl Iterator<Item = Cell<'c>>, text_style: u8) {
        let _ = write!(self.xml, "<row r=\"{number}\">");
        for (cell, column) in cells.zip(&self.column_refs) {
            push_cell(&mut self.xml, column, number, &cell, text_style);
        }
        self.xml.push_str("</row>");
    }

    /// Adds one data row (cells past the header's width are dropped).
    ///
    /// # Errors
    /// When the compressor fails.
    pub fn row(&mut self, cells: &[Cell<'_>]) -> Result<(), ExportError> {
        if self.rows_in_sheet == self.max_rows {
            self.end_sheet()?;
            self.start_sheet()?;
        }
        self.rows_in_sheet += 1;
        self.push_row(self.rows_in_sheet + 1, cells.iter().copied(), 0);
        if self.xml.len() >= XML_CHUNK {
            self.flush_xml()?;
        }
        Ok(())
    }

    /// The bytes of the file written so far and not yet taken: they are
    /// final, and the next call gives what follows them.
    pub fn take_output(&mut self) -> Vec<u8> {
        self.spool.take()
    }

    /// How many bytes wait in [`XlsxWriter::take_output`].
    pub fn pending_output(&self) -> usize {
        self.spool.len()
    }

    /// Ends the workbook; gives the bytes not taken yet.
    ///
    /// # Errors
    /// When the compressor fails.
    pub fn finish(mut self) -> Result<Vec<u8>, ExportError> {
        self.end_sheet()?;
        let parts = [
            ("[Content_Types].xml", self.content_types()),
            ("_rels/.rels", ROOT_RELS.to_owned()),
            ("docProps/core.xml", self.core_properties()),
            ("xl/workbook.xml", self.workbook()),
            ("xl/_rels/workbook.xml.rels", self.workbook_rels()),
            ("xl/styles.xml", STYLES.to_owned()),
        ];
        for (name, text) in parts {
            self.zip.start_file(name, options()).map_err(zip_error)?;
            self.zip.write_all(text.as_bytes()).map_err(zip_error)?;
        }
        let spool = self.spool.clone();
        self.zip.finish().map_err(zip_error)?;
        Ok(spool.take())
    }

    fn content_types(&self) -> String {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
             <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
             <Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>\
             <Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>",
        );
        for n in 1..=self.sheets.len() {
            let _ = write!(
                xml,
                "<Override PartName=\"/xl/worksheets/sheet{n}.xml\" \
                 ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
            );
        }
        xml.push_str("</Types>");
        xml
    }

    fn core_properties(&self) -> String {
        let now = self.now;
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
             <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
             xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
             <dc:creator>Roster</dc:creator>\
             <dcterms:created xsi:type=\"dcterms:W3CDTF\">{now}</dcterms:created>\
             <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{now}</dcterms:modified></cp:coreProperties>"
        )
    }

    fn workbook(&self) -> String {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
             <workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
             xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
             <bookViews><workbookView/></bookViews><sheets>",
        );
        for (i, (name, _)) in self.sheets.iter().enumerate() {
            let _ = write!(xml, "<sheet name=\"{}\" sheetId=\"{}\" r:id=\"rId{}\"/>", escaped(name), i + 1, i + 1);
        }
        xml.push_str("</sheets>");
        // Excel keeps each sheet's filter range in a hidden defined name.
        let last = self.column_refs.last().map_or("A", String::as_str);
        let filtered: Vec<_> = self.sheets.iter().enumerate().filter(|(_, (_, rows))| *rows > 0).collect();
        if !filtered.is_empty() && !self.headers.is_empty() {
            xml.push_str("<definedNames>");
            for (i, (name, rows)) in filtered {
                let _ = write!(
                    xml,
                    "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"{i}\" hidden=\"1\">\
                     '{}'!$A$1:${last}${}</definedName>",
                    escaped(&name.replace('\'', "''")),
                    rows + 1
                );
            }
            xml.push_str("</definedNames>");
        }
        xml.push_str("</workbook>");
        xml
    }

    fn workbook_rels(&self) -> String {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
             <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
        );
        let n = self.sheets.len();
        for i in 1..=n {
            let _ = write!(
                xml,
                "<Relationship Id=\"rId{i}\" \
                 Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" \
                 Target=\"worksheets/sheet{i}.xml\"/>"
            );
        }
        let _ = write!(
            xml,
            "<Relationship Id=\"rId{}\" \
             Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" \
             Target=\"styles.xml\"/></Relationships>",
            n + 1
        );
        xml
    }
}

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
    <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
    <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
    <Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
    </Relationships>";

const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
    <styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
    <numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\\ hh:mm\"/></numFmts>\
    <fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>\
    <font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>\
    <fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>\
    <borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
    <cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
    <cellXfs count=\"3\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\
    <xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>\
    <xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>\
    <cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>\
    </styleSheet>";

fn push_cell(xml: &mut String, column: &str, row: u32, cell: &Cell<'_>, text_style: u8) {
    match *cell {
        Cell::Empty => {}
        Cell::Text(text) | Cell::Typed(text) => {
            if text.is_empty() {
                return;
            }
            let style = if text_style == 0 { String::new() } else { format!(" s=\"{text_style}\"") };
            let text = fitted(text);
            let space = if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
                " xml:space=\"preserve\""
            } else {
                ""
            };
            let _ = write!(xml, "<c r=\"{column}{row}\" t=\"inlineStr\"{style}><is><t{space}>");
            push_cell_text(xml, &text);
            xml.push_str("</t></is></c>");
        }
        Cell::Number(n) => {
            let _ = write!(xml, "<c r=\"{column}{row}\"><v>{n}</v></c>");
        }
        Cell::Date(at) => {
            // Spreadsheet serial days since 1899-12-30; 25,569 of them before 1970.
            #[allow(clippy::cast_precision_loss)]
            let serial = at.unix_seconds() as f64 / 86_400.0 + 25_569.0;
            let _ = write!(xml, "<c r=\"{column}{row}\" s=\"{STYLE_DATE}\"><v>{serial}</v></c>");
        }
    }
}

/// A cell's text, so that every reader gets back exactly `text`: markup
/// characters as entities; characters XML cannot carry, and a carriage
/// return (which XML readers turn into a line feed), as spreadsheets escape
/// them (`_x000D_`); and the `_` of anything that would read as such an
/// escape as `_x005F_`, so `R_x0026_D` stays literal text.
fn push_cell_text(xml: &mut String, text: &str) {
    let bytes = text.as_bytes();
    for (at, c) in text.char_indices() {
        match c {
            '&' => xml.push_str("&amp;"),
            '<' => xml.push_str("&lt;"),
            '>' => xml.push_str("&gt;"),
            '\t' | '\n' => xml.push(c),
            '_' if looks_like_escape(&bytes[at + 1..]) => xml.push_str("_x005F_"),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(xml, "_x{:04X}_", u32::from(c));
            }
            c => xml.push(c),
        }
    }
}

/// Whether text after a `_` starts with `xHHHH` (four hex digits): with the
/// `_` before it, a reader could take it for an escape.
fn looks_like_escape(after: &[u8]) -> bool {
    after.len() >= 5 && after[0] == b'x' && after[1..5].iter().all(u8::is_ascii_hexdigit)
}

/// XML text for names and attributes: markup characters escaped;
/// characters XML 1.0 cannot carry (control characters other than tab and
/// line breaks) dropped.
fn push_escaped(xml: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => xml.push_str("&amp;"),
            '<' => xml.push_str("&lt;"),
            '>' => xml.push_str("&gt;"),
            '\t' | '\n' | '\r' => xml.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => xml.push(c),
        }
    }
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("&quot;"),
            c => push_escaped(&mut out, c.encode_utf8(&mut [0; 4])),
        }
    }
    out
}

/// "A" for 0, "Z" for 25, "AA" for 26 …
fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + u8::try_from(rem).unwrap_or(0));
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::read_back;
    use crate::sheet::Value;

    #[test]
    fn columns_are_lettered_like_a_spreadsheet() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn typed_cells_read_back_as_their_types() {
        let now = Timestamp::parse("2026-11-22T09:30:00Z").unwrap();
        let mut writer =
            XlsxWriter::new("Users", vec!["Name".into(), "Logins".into(), "Since".into()], vec![20, 8, 16], now)
                .unwrap();
        writer.row(&[Cell::Text("Zoé <&> \"Martin\""), Cell::Number(12.0), Cell::Date(now)]).unwrap();
        writer.row(&[Cell::Text(" padded "), Cell::Empty, Cell::Text("bell\u{7}")]).unwrap();
        let bytes = writer.finish().unwrap();
        let rows = read_back(&bytes);
        assert_eq!(rows[0][0], Value::Text("Name".into()));
        assert_eq!(rows[1][0], Value::Text("Zoé <&> \"Martin\"".into()));
        assert_eq!(rows[1][1], Value::Number(12.0));
        assert!(matches!(rows[1][2], Value::Date(_)), "{:?}", rows[1][2]);
        assert_eq!(rows[1][2].text().as_deref(), Some("2026-11-22 09:30"));
        assert_eq!(rows[2][0], Value::Text(" padded ".into()));
        assert_eq!(rows[2][2], Value::Text("bell\u{7}".into()));
    }

    #[test]
    fn rows_past_a_sheets_capacity_continue_on_a_new_sheet_with_the_header() {
        use calamine::Reader;
        let now = Timestamp::from_unix_seconds(0);
        let mut writer = XlsxWriter::with_sheet_limit("Users", vec!["N".into()], vec![], now, 2).unwrap();
        for n in 0..5 {
            writer.row(&[Cell::Number(f64::from(n))]).unwrap();
        }
        let bytes = writer.finish().unwrap();
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["Users", "Users (2)", "Users (3)"]);
        let third = book.worksheet_range("Users (3)").unwrap();
        assert_eq!(third.get_value((0, 0)), Some(&calamine::Data::String("N".into())));
        assert_eq!(third.get_value((1, 0)), Some(&calamine::Data::Float(4.0)));
    }

    #[test]
    fn output_taken_while_writing_joins_into_the_whole_file() {
        let now = Timestamp::from_unix_seconds(0);
        let mut writer = XlsxWriter::new("Users", vec!["Name".into()], vec![], now).unwrap();
        let mut file = Vec::new();
        for n in 0..20_000 {
            writer.row(&[Cell::Text(&format!("person {n} with a fairly long name"))]).unwrap();
            if writer.pending_output() > 16 * 1024 {
                file.extend(writer.take_output());
            }
        }
        assert!(!file.is_empty(), "parts were handed on before the end");
        file.extend(writer.finish().unwrap());
        let rows = read_back(&file);
        assert_eq!(rows.len(), 20_001);
        assert_eq!(rows[20_000][0], Value::Text("person 19999 with a fairly long name".into()));
    }
}
