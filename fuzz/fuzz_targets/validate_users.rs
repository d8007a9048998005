//! Any bytes, as an uploaded user file: the check must answer with a report
//! or a typed refusal, never panic, abort or run away with memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roster_core::Language;
use roster_core::import::users::{Context, Detail, Snapshot, validate_with_progress};
use roster_core::model::{CountryCode, Role};
use roster_core::sheet::Limits;

fuzz_target!(|bytes: &[u8]| {
    let context = Context { language: Language::Fr, admin_role: Role::TeamAdmin, country_code: CountryCode::FRANCE };
    // Tighter bounds keep each run short; the rules are the same.
    let limits = Limits { max_part_bytes: 8 << 20, max_unzipped_bytes: 16 << 20, max_rows: 2_000, ..Limits::PRODUCT };
    let _ = validate_with_progress(bytes, &context, &Snapshot::default(), limits, Detail::Full, &mut |_| {});
});
