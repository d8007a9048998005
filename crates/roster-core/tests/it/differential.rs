//! The product's XLSX reader against the reference reader (calamine) on
//! workbooks generated from bytes: shared, inline, rich and CDATA strings,
//! every XML and spreadsheet escape, numbers under built-in and custom
//! formats, dates in both date systems, booleans, errors, gaps. The same
//! file drives the fuzz target `xlsx_against_calamine` (`fuzz/`), where the
//! bytes come from the fuzzer; here they come from a seeded generator, so
//! every run checks the same few hundred workbooks.

use std::fmt::Write as _;
use std::io::Write as _;

use roster_core::sheet::{self, Limits, Value};

/// Reads choices from bytes; zeros once they run out.
pub struct Choices<'a>(pub &'a [u8]);

impl Choices<'_> {
    fn byte(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        *first
    }

    fn below(&mut self, n: u8) -> u8 {
        self.byte() % n
    }

    fn pick<'t>(&mut self, items: &[&'t str]) -> &'t str {
        items[usize::from(self.byte()) % items.len()]
    }
}

/// Pieces of text that have tripped readers: escapes of both kinds, markup,
/// spaces, characters beyond the first plane.
const PIECES: [&str; 16] = [
    "R&amp;D",
    "_x0026_",
    "_x005F_x0041_",
    "&lt;b&gt;",
    "&#233;",
    "&#x1F600;",
    " ",
    "Zoé",
    "a\nb",
    "_x000D_",
    "x",
    "&quot;q&apos;",
    "_xD83D__xDE00_",
    "42",
    "=1+1",
    "\u{FF0B}33",
];

/// Number formats: built-in ids, and custom codes of every family.
const CUSTOM_FORMATS: [&str; 8] =
    ["00000", "0# ## ## ## ##", "dd/mm/yyyy", "yyyy-mm-dd hh:mm", "hh:mm:ss", "[h]:mm", "#,##0.00", "\"E-\"000"];
const BUILT_IN_FORMATS: [u8; 8] = [0, 1, 3, 14, 20, 22, 46, 49];

/// A text element's content, as entities, CDATA or plain pieces.
fn text(choices: &mut Choices<'_>) -> String {
    let mut out = String::new();
    for _ in 0..=choices.below(4) {
        let piece = choices.pick(&PIECES);
        if choices.below(4) == 0 && !piece.contains(']') {
            // CDATA holds the raw characters: decode the entity forms first.
            let raw = piece.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
            let raw = raw.replace("&quot;", "\"").replace("&apos;", "'");
            if !raw.contains("&#") {
                let _ = write!(out, "<![CDATA[{raw}]]>");
                continue;
            }
        }
        out.push_str(piece);
    }
    out
}

/// A whole workbook, made from the choices.
pub fn workbook(choices: &mut Choices<'_>) -> Vec<u8> {
    let date1904 = choices.below(4) == 0;
    let mut shared = Vec::new();
    let mut data = String::new();
    let rows = 1 + choices.below(6);
    let mut row_number = 0u32;
    for _ in 0..rows {
        row_number += 1 + u32::from(choices.below(3) == 0);
        let _ = write!(data, "<row r=\"{row_number}\">");
        let mut column = 0u8;
        for _ in 0..=choices.below(5) {
            column += 1 + choices.below(2);
            let reference = format!("{}{row_number}", char::from(b'A' + column - 1));
            let style = choices.below(u8::try_from(BUILT_IN_FORMATS.len() + CUSTOM_FORMATS.len()).unwrap_or(1));
            match choices.below(7) {
                0 => {
                    shared.push(text(choices));
                    let _ = write!(data, "<c r=\"{reference}\" t=\"s\"><v>{}</v></c>", shared.len() - 1);
                }
                1 => {
                    let _ = write!(data, "<c r=\"{reference}\" t=\"inlineStr\"><is><t>{}</t></is></c>", text(choices));
                }
                2 => {
                    let _ = write!(data, "<c r=\"{reference}\" t=\"b\"><v>{}</v></c>", choices.below(2));
                }
                3 => {
                    let error = choices.pick(&["#N/A", "#REF!", "#DIV/0!", "#VALUE!"]);
                    let _ = write!(data, "<c r=\"{reference}\" t=\"e\"><v>{error}</v></c>");
                }
                4 => {
                    let _ =
                        write!(data, "<c r=\"{reference}\" t=\"str\"><f>A1</f><v>{}</v></c>", choices.pick(&PIECES));
                }
                _ => {
                    let whole = u32::from(choices.byte()) * 250 + u32::from(choices.byte());
                    let fraction = choices.below(4);
                    let number = match fraction {
                        0 => format!("{whole}"),
                        1 => format!("{whole}.5"),
                        2 => format!("{whole}.354166666666667"),
                        _ => format!("-{whole}.25"),
                    };
                    let _ = write!(data, "<c r=\"{reference}\" s=\"{style}\"><v>{number}</v></c>");
                }
            }
        }
        data.push_str("</row>");
    }
    package(date1904, &shared, &data)
}

fn package(date1904: bool, shared: &[String], data: &str) -> Vec<u8> {
    let mut formats = String::new();
    for (i, code) in CUSTOM_FORMATS.iter().enumerate() {
        let code = code.replace('"', "&quot;");
        let _ = write!(formats, "<numFmt numFmtId=\"{}\" formatCode=\"{code}\"/>", 164 + i);
    }
    let mut xfs = String::new();
    for id in BUILT_IN_FORMATS.iter().map(|&b| u32::from(b)).chain(164..164 + 8) {
        let _ = write!(xfs, "<xf numFmtId=\"{id}\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>");
    }
    let strings = shared.iter().fold(String::new(), |mut all, s| {
        let _ = write!(all, "<si><t xml:space=\"preserve\">{s}</t></si>");
        all
    });
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let parts = [
        (
            "[Content_Types].xml",
            String::from(
                "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/></Types>",
            ),
        ),
        (
            "_rels/.rels",
            format!(
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{rel}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                "<workbook xmlns=\"{main}\" xmlns:r=\"{rel}\"><workbookPr date1904=\"{}\"/><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
                u8::from(date1904)
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{rel}/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"{rel}/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"{rel}/styles\" Target=\"styles.xml\"/></Relationships>"
            ),
        ),
        (
            "xl/styles.xml",
            format!(
                "<styleSheet xmlns=\"{main}\"><numFmts count=\"8\">{formats}</numFmts><cellXfs count=\"16\">{xfs}</cellXfs></styleSheet>"
            ),
        ),
        (
            "xl/sharedStrings.xml",
            format!("<sst xmlns=\"{main}\" count=\"{0}\" uniqueCount=\"{0}\">{strings}</sst>", shared.len()),
        ),
        ("xl/worksheets/sheet1.xml", format!("<worksheet xmlns=\"{main}\"><sheetData>{data}</sheetData></worksheet>")),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).expect("a part starts");
        zip.write_all(text.as_bytes()).expect("a part is written");
    }
    zip.finish().expect("the package closes").into_inner()
}

/// A cell as both readers can state it: numbers and dates by the number the
/// file holds, everything else as text.
fn comparable(value: &Value) -> String {
    match value {
        Value::Date(date) => format!("#{}", date.serial),
        other => other.number().map_or_else(|| other.text().unwrap_or_default(), |n| format!("#{n}")),
    }
}

/// Both readers' cells of the first sheet, row by row; `None` for ours when
/// it refuses the file (the reference reader may read what we refuse, not
/// the other way round).
/// Rows as numbers and comparable cells.
pub type Cells = Vec<(u32, Vec<String>)>;

pub fn both(bytes: &[u8]) -> Option<(Cells, Cells)> {
    use calamine::{Data, Reader};
    let mut rows = Vec::new();
    // A sheet of blank cells is empty to the product: no rows.
    match sheet::read(bytes, Limits::PRODUCT, &mut |row| rows.push(row)) {
        Ok(_) | Err(sheet::SheetError::Empty) => {}
        Err(_) => return None,
    }
    let date1904 = {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
        let mut workbook = String::new();
        zip.by_name("xl/workbook.xml").ok()?.read_to_string(&mut workbook).ok()?;
        workbook.contains("date1904=\"1\"")
    };
    let ours = rows.iter().map(|r| (r.number, r.cells.iter().map(comparable).collect())).collect();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).ok()?;
    let range = book.worksheet_range_at(0)?.ok()?;
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let mut reference = Vec::new();
    for (r, row) in range.rows().enumerate() {
        let mut cells = vec![String::new(); first_column as usize];
        cells.extend(row.iter().map(|cell| match cell {
            Data::Empty => String::new(),
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            #[allow(clippy::cast_precision_loss)]
            Data::Int(i) => format!("#{}", *i as f64),
            Data::Float(f) => format!("#{f}"),
            // Dates in the 1900 system, as the product gives them.
            Data::DateTime(d) => format!("#{}", d.as_f64() + if date1904 { 1462.0 } else { 0.0 }),
            Data::Bool(b) => Value::Bool(*b).text().unwrap_or_default(),
            Data::Error(e) => e.to_string(),
        }));
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        // Rows that hold only blank text are skipped by the product's reader.
        if cells.iter().any(|c| !c.trim().is_empty()) {
            reference.push((first_row + u32::try_from(r).unwrap_or(0) + 1, cells));
        }
    }
    Some((ours, reference))
}

/// A deterministic stream of bytes (xorshift), for seeded runs.
fn seeded_bytes(seed: u64, length: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..length)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

/// A thousand workbooks in every run; `ROSTER_DIFFERENTIAL_SEEDS=N` checks N.
#[test]
fn generated_workbooks_read_as_the_reference_reader_reads_them() {
    let seeds = std::env::var("ROSTER_DIFFERENTIAL_SEEDS").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000);
    for seed in 0..seeds {
        let bytes = seeded_bytes(seed, 512);
        let workbook = workbook(&mut Choices(&bytes));
        let (ours, reference) = both(&workbook).unwrap_or_else(|| panic!("seed {seed}: a reader refused the workbook"));
        assert_eq!(ours, reference, "seed {seed}");
    }
}
