use std::fmt::Write as _;
use std::time::{Duration, Instant};

use roster_core::sheet::{self, Format, Limits, Row, SheetError, Value};
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
            matches!(e, SheetError::Declared { what: "shared strings", declared: 100_000_000_000 })
        }),
        ("entities.xlsx", |e| matches!(e, SheetError::Doctype(part) if part.ends_with("sharedStrings.xml"))),
        ("calc.ods", |e| *e == SheetError::OpenDocument),
        ("renamed-docx.xlsx", |e| *e == SheetError::NotASpreadsheet),
        ("truncated.xlsx", |e| matches!(e, SheetError::Damaged(_))),
        ("encrypted.xlsx", |e| *e == SheetError::Encrypted),
        ("legacy.xls", |e| *e == SheetError::LegacyXls),
        ("image.csv", |e| *e == SheetError::NotASpreadsheet),
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
