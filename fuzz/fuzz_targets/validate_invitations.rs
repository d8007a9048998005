//! Any bytes, as an uploaded invitation file checked against a small
//! company: the check must answer with a report or a typed refusal, never
//! panic, abort or run away with memory, whatever dates, periods and names
//! the cells hold.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use roster_core::Language;
use roster_core::import::invitations::{
    Context, Detail, Snapshot, SnapshotActivity, SnapshotGroup, SnapshotUser, validate_with_progress,
};
use roster_core::model::{ActivityType, CountryCode, UserStatus};
use roster_core::sheet::Limits;
use roster_core::time::{Timestamp, Zone};

fn company() -> &'static Snapshot {
    static COMPANY: OnceLock<Snapshot> = OnceLock::new();
    COMPANY.get_or_init(|| Snapshot {
        time_zone: Zone::parse("Europe/Paris").expect("a known zone"),
        activities: ActivityType::ALL
            .iter()
            .zip(1..)
            .map(|(&kind, id)| SnapshotActivity { id, kind, title: format!("Activité {id}"), archived: id == 6 })
            .collect(),
        groups: (1..=4)
            .map(|id| SnapshotGroup {
                id,
                name: format!("Groupe {id}"),
                archived: id == 4,
                users: (1..=id * 60).collect(),
                contacts: vec![1_000 + id],
            })
            .collect(),
        users: (1..=240)
            .map(|id| SnapshotUser {
                id,
                email: Some(format!("u{id}@example.fr")),
                mobile: None,
                employee_id: Some(format!("E{id}")),
                status: if id % 17 == 0 { UserStatus::Inactive } else { UserStatus::Active },
                sort_key: format!("{:03}", 240 - id),
            })
            .collect(),
        contacts: Vec::new(),
    })
}

fuzz_target!(|bytes: &[u8]| {
    let context = Context {
        language: Language::Fr,
        country_code: CountryCode::FRANCE,
        now: Timestamp::parse("2027-01-01T00:00:00Z").expect("a valid instant"),
    };
    // Tighter bounds keep each run short; the rules are the same.
    let limits = Limits { max_part_bytes: 8 << 20, max_unzipped_bytes: 16 << 20, max_rows: 2_000, ..Limits::PRODUCT };
    let _ = validate_with_progress(bytes, &context, company(), limits, Detail::Full, &mut |_| {});
});
