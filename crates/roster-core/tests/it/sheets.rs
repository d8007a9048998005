use std::fmt::Write as _;
use std::time::{Duration, Instant};

use roster_core::sheet::{self, Counted, Damage, FileKind, Format, Limits, Row, SheetError, Value};
use rust_xlsxwriter::Workbook;

use crate::fixture;

fn read(bytes: &[u8]) -> Result<(Format, Vec<Row>), SheetError> {
    let mut rows = Vec::new();
    let format = sheet::read(bytes, Limits::PRODUCT, &mut |row| rows.push(row))?;
    Ok((format, rows))
}

fn texts(row: &Row) -> Vec<String> {
    row.cells.iter().map(|c| c.text().unwrap_or_default()).collect()
}

#[test]
fn an_openpyxl_workbook_reads_its_first_sheet_with_row_numbers() {
    let (format, rows) = read(&fixture("openpyxl-users.xlsx")).unwrap();
    assert_eq!(format, Format::Xlsx);
    assert_eq!(texts(&rows[0]), ["Nom", "Prénom", "Adresse mail", "Mobile", "Matricule", "Type"]);
    assert_eq!(texts(&rows[1]), ["Lévy", "Zoé", "zoe.levy@example.fr", "33612345678", "42", "collaborateur"]);
    assert_eq!(rows[2].number, 3);
    let last = rows.last().unwrap();
    assert_eq!(last.number, 5, "the blank row 4 keeps its place");
    assert_eq!(last.cells[1], Value::Empty);
    assert!(rows.iter().all(|r| !texts(r).iter().any(|t| t.contains("only the first sheet"))));
}

#[test]
fn a_minimal_package_with_inline_strings_reads() {
    let (_, rows) = read(&fixture("minimal-inline.xlsx")).unwrap();
    assert_eq!(texts(&rows[1]), ["Martin", "m@example.fr"]);
    assert_eq!(rows[1].number, 3);
}

#[test]
fn a_rust_xlsxwriter_workbook_round_trips() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "last_name").unwrap();
    sheet.write_string(0, 1, "employee_id").unwrap();
    sheet.write_string(1, 0, "Ñúñez").unwrap();
    sheet.write_number(1, 1, 1234.0).unwrap();
    sheet.write_string(2, 0, "=1+1").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let (_, rows) = read(&bytes).unwrap();
    assert_eq!(texts(&rows[1]), ["Ñúñez", "1234"]);
    assert_eq!(rows[2].cells[0], Value::Text("=1+1".into()), "text stays text");
}

/// The product's reader gives exactly what the reference reader gives.
fn assert_reads_as_reference(name: &str, bytes: &[u8]) {
    let (ours, reference) = crate::differential::both(bytes).unwrap_or_else(|| panic!("{name}: a reader refused it"));
    assert_eq!(ours, reference, "{name}");
}

#[test]
fn workbooks_of_other_writers_read_as_the_reference_reader_reads_them() {
    for name in ["openpyxl-users.xlsx", "minimal-inline.xlsx", "sheetjs-users.xlsx"] {
        assert_reads_as_reference(name, &fixture(name));
    }
    // What rust_xlsxwriter writes: shared and rich strings, entities, numbers,
    // booleans, dates, formulas with their results, gaps and far columns.
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_string(0, 0, "Nom <&> \"Zoé\" 'x'").unwrap();
    sheet.write_rich_string(0, 1, &[(&bold, "rich "), (&rust_xlsxwriter::Format::default(), "text")]).unwrap();
    sheet.write_string(0, 4, "  spaced  ").unwrap();
    sheet.write_number(1, 0, -12.5).unwrap();
    sheet.write_number(1, 1, 33_612_345_678.0).unwrap();
    sheet.write_boolean(1, 2, true).unwrap();
    sheet.write_number_with_format(1, 3, 46_024.5, &date).unwrap();
    sheet.write_formula(2, 0, rust_xlsxwriter::Formula::new("=1+1").set_result("2")).unwrap();
    sheet.write_string(2, 1, "line\nbreak\ttab").unwrap();
    sheet.write_string(4, 27, "far").unwrap();
    sheet.write_string(5, 0, "émoji 🎉 and ünïcode").unwrap();
    sheet.write_string(6, 0, "bell\u{7} and a literal _x0041_ and cr\r\n").unwrap();
    assert_reads_as_reference("rust_xlsxwriter", &workbook.save_to_buffer().unwrap());
    // What the product's own export writer writes (inline strings, dates).
    let mut export = roster_core::export::XlsxWriter::new(
        "Users",
        vec!["A".into(), "B".into()],
        vec![],
        roster_core::time::Timestamp::from_unix_seconds(0),
    )
    .unwrap();
    export
        .row(&[roster_core::export::Cell::Text("=HYPERLINK(\"x\")"), roster_core::export::Cell::Number(3.0)])
        .unwrap();
    export.row(&[roster_core::export::Cell::Empty, roster_core::export::Cell::Text("b & c")]).unwrap();
    let mut bytes = export.take_output();
    bytes.extend(export.finish().unwrap());
    assert_reads_as_reference("export writer", &bytes);
}

#[test]
fn excel_csv_files_read_in_both_encodings() {
    let (format, rows) = read(&fixture("excel-fr.csv")).unwrap();
    assert_eq!(format, Format::Csv);
    assert_eq!(texts(&rows[0])[1], "Prénom");
    assert_eq!(texts(&rows[2])[..2], ["Müller", "Jürgen"]);
    let (_, rows) = read(&fixture("excel-utf8-bom.csv")).unwrap();
    assert_eq!(texts(&rows[0])[0], "last_name");
    assert_eq!(texts(&rows[1])[0], "Œuvre");
}

/// Every hostile or broken file is refused with the error that names its
/// problem, quickly, without panicking.
#[test]
fn hostile_and_broken_files_are_refused_with_their_reason() {
    type Expected = fn(&SheetError) -> bool;
    let cases: [(&str, Expected); 12] = [
        ("bomb.xlsx", |e| matches!(e, SheetError::Inflates { part, .. } if part.ends_with("sheet1.xml"))),
        ("shared-strings-count.xlsx", |e| {
            matches!(e, SheetError::Declared { what: Counted::SharedStrings, declared: 100_000_000_000 })
        }),
        ("entities.xlsx", |e| matches!(e, SheetError::Doctype(part) if part.ends_with("sharedStrings.xml"))),
        ("calc.ods", |e| *e == SheetError::OpenDocument),
        ("renamed-docx.xlsx", |e| *e == SheetError::NotASpreadsheet(FileKind::TextDocument)),
        ("truncated.xlsx", |e| matches!(e, SheetError::Damaged(_))),
        ("encrypted.xlsx", |e| *e == SheetError::Encrypted),
        ("legacy.xls", |e| *e == SheetError::LegacyXls),
        ("image.csv", |e| *e == SheetError::NotASpreadsheet(FileKind::Image)),
        ("unclosed-quote.csv", |e| *e == SheetError::UnclosedQuote { line: 3 }),
        ("empty.csv", |e| *e == SheetError::Empty),
        ("far-corner.xlsx", |e| matches!(e, SheetError::TooManyColumns { row: 1_048_576, column: 16_384, .. })),
    ];
    for (name, expected) in cases {
        let started = Instant::now();
        let result = read(&fixture(name));
        let error = result.expect_err(name);
        assert!(expected(&error), "{name}: {error:?}");
        assert!(!error.to_string().is_empty());
        assert!(started.elapsed() < Duration::from_secs(30), "{name} took {:?}", started.elapsed());
    }
}

#[test]
fn the_far_corner_is_read_when_columns_allow_it_without_allocating_the_grid() {
    let limits = Limits { max_columns: 16_384, ..Limits::PRODUCT };
    let mut rows = Vec::new();
    sheet::read(&fixture("far-corner.xlsx"), limits, &mut |row| rows.push(row)).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].number, 1_048_576);
    assert_eq!(rows[1].cells.len(), 16_384);
}

#[test]
fn a_bomb_that_lies_about_its_size_is_stopped_by_what_it_really_inflates_to() {
    let limits = Limits { max_part_bytes: 16 * 1024 * 1024, ..Limits::PRODUCT };
    let started = Instant::now();
    let result = sheet::read(&fixture("lying-bomb.xlsx"), limits, &mut |_| {});
    assert!(matches!(result, Err(SheetError::Inflates { .. } | SheetError::Damaged(_))), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn progress_rises_to_one_on_large_files_of_both_formats() {
    let mut csv = String::from("last_name,email\n");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for n in 0..5_000u32 {
        writeln!(csv, "Name{n},n{n}@example.com").unwrap();
        sheet.write_string(n, 0, format!("Name{n}")).unwrap();
    }
    let xlsx = workbook.save_to_buffer().unwrap();
    for bytes in [csv.into_bytes(), xlsx] {
        let mut seen = Vec::new();
        sheet::read_with_progress(&bytes, Limits::PRODUCT, &mut |_| {}, &mut |p| seen.push(p)).unwrap();
        assert!(seen.len() >= 3, "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
        assert!(seen[0] > 0.0 && seen[0] < 1.0);
        assert!((seen.last().unwrap() - 1.0).abs() < f64::EPSILON);
    }
}

/// A workbook of one sheet whose XML is `sheet_data` inside `<sheetData>`.
fn package(sheet_data: &str) -> Vec<u8> {
    package_of_sheet(format!(r#"<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>{sheet_data}</x:sheetData></x:worksheet>"#).as_bytes())
}

/// A workbook of one sheet whose part holds `sheet`, whatever it is.
fn package_of_sheet(sheet: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#.to_owned()),
        ("xl/workbook.xml", r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned()),
        ("xl/_rels/workbook.xml.rels", r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_owned()),
    ];
    for (name, text) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(sheet).unwrap();
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_worksheet_that_is_not_a_worksheet_s_xml_is_refused_as_damaged_not_empty() {
    let random: Vec<u8> =
        (0..4096u32).map(|i| u8::try_from(i.wrapping_mul(2_654_435_761) >> 24).unwrap_or(0)).collect();
    let main = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#;
    let sheets: [&[u8]; 6] = [
        b"last_name,email\nMartin,martin@example.com\n",
        &random,
        format!("<worksheet {main}><sheetData><row><c><v>1</v></row></sheetData></worksheet>").leak().as_bytes(),
        format!("<worksheet {main}><sheetData><row><c t=\"str\"><v>a</c></v></row></sheetData></worksheet>")
            .leak()
            .as_bytes(),
        b"<html><body><table><tr><td>Martin</td></tr></table></body></html>",
        format!("<worksheet {main}><sheetData><row><c><v>1</v></c></row>").leak().as_bytes(),
    ];
    for sheet in sheets {
        let result = read(&package_of_sheet(sheet));
        assert!(
            matches!(result, Err(SheetError::Damaged(Damage::NotWorksheet { .. } | Damage::NotUtf8 { .. }))),
            "{:?}: {result:?}",
            String::from_utf8_lossy(&sheet[..sheet.len().min(40)])
        );
    }
    // A byte order mark and white space around the root are XML still.
    let marked = format!(
        "\u{feff}<?xml version=\"1.0\"?>\n<worksheet {main}><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>\n"
    );
    assert!(read(&package_of_sheet(marked.as_bytes())).is_ok());
    // A sheet without a row is still an empty file, as it says.
    let blank = format!("<worksheet {main}><sheetData/></worksheet>");
    assert_eq!(read(&package_of_sheet(blank.as_bytes())), Err(SheetError::Empty));
}

#[test]
fn prefixed_names_cells_without_references_and_split_text_read() {
    let data = r#"<x:row><x:c t="inlineStr"><x:is><x:t xml:space="preserve">a &amp; </x:t><x:t> b&#233; </x:t></x:is></x:c><x:c><x:v>7</x:v></x:c></x:row><x:row r="4"><x:c r="C4" t="b"><x:v>1</x:v></x:c><x:c r="D4" t="e"><x:v>#N/A</x:v></x:c><x:c r="E4" t="str"><x:f>A1</x:f><x:v><![CDATA[<raw>]]></x:v></x:c></x:row>"#;
    let (_, rows) = read(&package(data)).unwrap();
    assert_eq!(rows[0].number, 1);
    assert_eq!(texts(&rows[0]), ["a & bé", "7"]);
    assert_eq!(rows[1].number, 4);
    assert_eq!(texts(&rows[1]), ["", "", "TRUE", "#N/A", "<raw>"]);
}

#[test]
fn a_tag_or_text_far_longer_than_a_cell_is_refused_without_reading_it_all() {
    let long = "a".repeat(6 * 1024 * 1024);
    for data in [format!(r#"<x:row><x:c t="str"><x:v>{long}</x:v></x:c></x:row>"#), format!("<x:row {long}/>")] {
        let result = read(&package(&data));
        assert!(matches!(result, Err(SheetError::Damaged(_))), "{result:?}");
    }
    let broken = read(&package(r#"<x:row><x:c t="s"><x:v>9</x:v></x:c></x:row>"#));
    assert_eq!(broken, Err(SheetError::Damaged(Damage::MissingSharedString { index: "9".into() })));
}

/// Numbers read as the admin sees them, whoever wrote the workbook: padded
/// and shaped digits as shown, dates and times in ISO 8601, text as text.
#[test]
fn formatted_numbers_and_dates_read_as_the_cells_show_them() {
    for name in ["shown-openpyxl.xlsx", "shown-libreoffice.xlsx"] {
        let (_, rows) = read(&fixture(name)).unwrap();
        let shown: Vec<Vec<String>> = rows.iter().map(texts).collect();
        assert_eq!(shown[0], ["Nom", "Prénom", "Adresse mail", "Mobile", "Matricule", "Type", "Arrivée"], "{name}");
        let columns = |index: usize| shown[1..].iter().map(|r| r[index].clone()).collect::<Vec<_>>();
        assert_eq!(
            columns(3),
            ["06 12 34 56 78", "33612345679", "612345680", "+44 7911 123456", "4915112345678"],
            "{name}"
        );
        assert_eq!(columns(4), ["00042", "E-007", "001234", "A-17", "00000"], "{name}");
        assert_eq!(columns(6), ["2024-03-05", "2024-03-05 08:30", "08:30", "2023-01-02", "1999-12-31"], "{name}");
        assert!(matches!(rows[1].cells[6], Value::Date(_)), "{name}");
        assert_eq!(rows[1].cells[4].number(), Some(42.0), "the number stays behind what is shown");
        assert_reads_as_reference(name, &fixture(name));
    }
}

#[test]
fn dates_of_the_1904_system_read_as_the_same_days() {
    let (_, rows) = read(&fixture("dates-1904.xlsx")).unwrap();
    assert_eq!(texts(&rows[1]), ["Lévy", "2024-03-05", "2024-03-05 17:45"]);
    assert_reads_as_reference("dates-1904.xlsx", &fixture("dates-1904.xlsx"));
}

#[test]
fn cdata_sections_and_escaped_escapes_read_as_written() {
    let (_, rows) = read(&fixture("cdata-strings.xlsx")).unwrap();
    assert_eq!(texts(&rows[1]), ["Dupont & fils", "R&D <Lyon> & \"Nord\""]);
    assert_eq!(texts(&rows[2]), ["Lefèvre", "R_x0026_D"], "an escaped escape is the literal text");
    assert_reads_as_reference("cdata-strings.xlsx", &fixture("cdata-strings.xlsx"));
}

/// Files that are not spreadsheets are refused for what they are, whatever
/// their name says, in both languages.
#[test]
fn files_that_are_not_spreadsheets_say_what_they_look_like() {
    let cases = [
        ("report-pdf.xlsx", FileKind::Pdf),
        ("table-html.xls", FileKind::WebPage),
        ("excel-2003-xml.xls", FileKind::XmlSpreadsheet),
        ("letter-odt.xlsx", FileKind::TextDocument),
        ("binary.xlsb", FileKind::BinaryWorkbook),
        ("zipped-csv.xlsx", FileKind::Archive),
        ("renamed-docx.xlsx", FileKind::TextDocument),
        ("image.csv", FileKind::Image),
    ];
    for (name, kind) in cases {
        let error = read(&fixture(name)).expect_err(name);
        assert_eq!(error, SheetError::NotASpreadsheet(kind), "{name}");
        let fr = error.message(roster_core::Language::Fr);
        assert!(fr.contains(kind.label(roster_core::Language::Fr)) && fr.starts_with("Ce fichier"), "{fr}");
    }
}

/// Found by the differential check: text elements read as spreadsheets
/// read them.
#[test]
fn text_element_ends_and_line_breaks_read_as_spreadsheets_read_them() {
    let (_, rows) = read(&fixture("text-elements.xlsx")).unwrap();
    assert_eq!(texts(&rows[0]), ["Nom", "  Service  "]);
    assert_eq!(texts(&rows[1]), ["two\nlines\nthree", "R & D"]);
    assert_eq!(texts(&rows[2]), ["kept\r"]);
    assert_reads_as_reference("text-elements.xlsx", &fixture("text-elements.xlsx"));
}
