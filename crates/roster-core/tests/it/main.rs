//! The core against real files: fixtures written by other tools, hostile
//! files, and round trips through `rust_xlsxwriter`.
#![allow(missing_docs)]

mod differential;
mod imports;
mod invitation_imports;
mod round_trip;
mod sheets;
mod structure;

use std::path::PathBuf;

/// A fixture's bytes.
///
/// # Panics
/// When the fixture is missing.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sheets").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
