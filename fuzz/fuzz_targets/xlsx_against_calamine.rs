//! Workbooks generated from the fuzzer's bytes, then the same bytes
//! mutated as a file: the product's reader must read every cell as the
//! reference reader (calamine) does, or refuse the file with a typed error.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/roster-core/tests/it/differential.rs"]
#[allow(dead_code)]
mod differential;

fuzz_target!(|bytes: &[u8]| {
    let workbook = differential::workbook(&mut differential::Choices(bytes));
    if let Some((ours, reference)) = differential::both(&workbook) {
        assert_eq!(ours, reference, "a generated workbook reads differently");
    }
    // The fuzzer's bytes spliced into the workbook's compressed body: the
    // reader refuses or reads, and agrees with the reference when both read.
    let mut mutated = workbook;
    if let (Some(&at), false) = (bytes.first(), bytes.is_empty()) {
        let at = usize::from(at) * mutated.len() / 256;
        let end = (at + bytes.len()).min(mutated.len());
        mutated[at..end].copy_from_slice(&bytes[..end - at]);
        if let Some((ours, reference)) = differential::both(&mutated) {
            assert_eq!(ours, reference, "a mutated workbook reads differently");
        }
    }
});
