//! User files from other tools, checked as the console and the server check
//! them: what is planned is what the cells show.

use roster_core::import::users::{Context, Snapshot, validate};
use roster_core::model::{CountryCode, Role};
use roster_core::sheet::Limits;
use roster_core::{Language, Message};

use crate::fixture;

#[test]
fn a_mobile_in_a_range_kept_for_fiction_or_a_landline_is_refused_not_guessed() {
    let context = Context { language: Language::Fr, admin_role: Role::CompanyAdmin, country_code: CountryCode::FRANCE };
    let csv = "Nom;Adresse mail;Mobile;Type\nA;a@example.fr;+44 7700 900123;collaborateur\nB;b@example.fr;01 23 45 67 89;collaborateur\n";
    let report = validate(csv.as_bytes(), &context, &Snapshot::default(), Limits::PRODUCT).unwrap();
    let codes: Vec<_> = report.remarks.items.iter().map(|r| (r.row, r.column.as_str(), r.code)).collect();
    assert_eq!(codes, [(2, "mobile", Message::InvalidMobile), (3, "mobile", Message::NotMobile)]);
    assert!(report.remarks.items[1].message(Language::Fr).contains("n’est pas un mobile"));
}

#[test]
fn formatted_mobiles_and_padded_ids_are_planned_as_the_cells_show_them() {
    let context = Context { language: Language::Fr, admin_role: Role::CompanyAdmin, country_code: CountryCode::FRANCE };
    for name in ["shown-openpyxl.xlsx", "shown-libreoffice.xlsx"] {
        let report = validate(&fixture(name), &context, &Snapshot::default(), Limits::PRODUCT).unwrap();
        assert_eq!(report.remarks.blocking, 0, "{name}: {:?}", report.remarks.items);
        let planned: Vec<(String, Option<String>, Option<String>)> = report
            .plan
            .creates
            .iter()
            .map(|c| {
                let user = &c.user;
                (
                    user.last_name.to_string(),
                    user.mobile.as_ref().map(ToString::to_string),
                    user.employee_id.as_ref().map(|e| e.as_str().to_owned()),
                )
            })
            .collect();
        let expected = [
            ("Lévy", Some("+33612345678"), Some("00042")),
            ("Martin", Some("+33612345679"), Some("E-007")),
            ("Petit", Some("+33612345680"), Some("001234")),
            ("Nguyen", Some("+447911123456"), Some("A-17")),
            ("Roux", Some("+4915112345678"), Some("00000")),
        ];
        let expected: Vec<_> =
            expected.iter().map(|(n, m, e)| ((*n).to_owned(), m.map(str::to_owned), e.map(str::to_owned))).collect();
        assert_eq!(planned, expected, "{name}");
    }
}
