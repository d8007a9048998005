//! What is written comes back the same: any text through the product's
//! export writer, and through `rust_xlsxwriter`, reads back unchanged.

use proptest::prelude::*;
use roster_core::export::{Cell, CsvWriter, XlsxWriter};
use roster_core::sheet::{self, Limits, Value};
use roster_core::time::Timestamp;

/// Text of every kind: any character, and the ones that matter most here
/// (escape-like runs, control characters, markup, spaces at the ends).
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>().prop_map(String::from),
        Just("_x0026_".to_owned()),
        Just("_x005F_".to_owned()),
        Just("_xD83D_".to_owned()),
        Just("_x".to_owned()),
        Just("_".to_owned()),
        (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        Just("\r\n".to_owned()),
        Just("&amp;<]]>\"'".to_owned()),
        Just(" ".to_owned()),
        Just("\u{FFFE}\u{FFFF}\u{FEFF}".to_owned()),
    ];
    proptest::collection::vec(piece, 1..12).prop_map(|pieces| pieces.concat())
}

/// The second cell of every data row (the first holds the row's number, so
/// that no row is blank and skipped).
fn read_cells(bytes: &[u8]) -> Vec<Value> {
    let mut rows = Vec::new();
    sheet::read(bytes, Limits::PRODUCT, &mut |row| rows.push(row)).unwrap();
    rows.into_iter().skip(1).map(|row| row.cells.get(1).cloned().unwrap_or_default()).collect()
}

fn expected(texts: &[String]) -> Vec<Value> {
    texts.iter().map(|t| if t.is_empty() { Value::Empty } else { Value::Text(t.clone()) }).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_text_survives_the_export_writer_and_the_reader(texts in proptest::collection::vec(text(), 1..8)) {
        let headers = vec!["Row".into(), "Text".into()];
        let mut writer = XlsxWriter::new("Users", headers, vec![6, 20], Timestamp::from_unix_seconds(0)).unwrap();
        for (row, text) in (1u32..).zip(&texts) {
            writer.row(&[Cell::Number(f64::from(row)), Cell::Text(text)]).unwrap();
        }
        prop_assert_eq!(read_cells(&writer.finish().unwrap()), expected(&texts));
    }

    #[test]
    fn any_text_survives_the_csv_writer_and_the_reader(texts in proptest::collection::vec(text(), 1..8)) {
        // CSV carries no control characters but tabs and line breaks (a file
        // full of them reads as binary, and user fields refuse them anyway).
        let texts: Vec<String> = texts
            .into_iter()
            .map(|t| t.chars().filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r')).collect())
            .collect();
        let mut writer = CsvWriter::new(&["Row".into(), "Text".into()]).unwrap();
        for (row, text) in (1u32..).zip(&texts) {
            writer.row(&[Cell::Number(f64::from(row)), Cell::Text(text)]).unwrap();
        }
        prop_assert_eq!(read_cells(&writer.finish().unwrap()), expected(&texts));
    }

    #[test]
    fn any_text_survives_rust_xlsxwriter_and_the_reader(texts in proptest::collection::vec(text(), 1..8)) {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "Row").unwrap();
        sheet.write_string(0, 1, "Text").unwrap();
        for (row, text) in (1u32..).zip(&texts) {
            sheet.write_number(row, 0, row).unwrap();
            sheet.write_string(row, 1, text).unwrap();
        }
        prop_assert_eq!(read_cells(&workbook.save_to_buffer().unwrap()), expected(&texts));
    }
}
