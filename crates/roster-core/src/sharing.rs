//! Groups shared with partner companies (J6): how a company names itself
//! to partners, and what another company's members show in exports.

use crate::Language;
use crate::export::users::ExportedUser;

/// A partner code from 16 random bytes' hex (`random_id`): twelve
/// characters in three groups, easy to read out and type
/// (`3f9a-c04e-77d1`).
pub fn partner_code(random_hex: &str) -> String {
    let digits: Vec<char> = random_hex.chars().filter(char::is_ascii_hexdigit).take(12).collect();
    digits.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-").to_ascii_lowercase()
}

/// A partner code as typed: spaces around and capitals do not matter, nor
/// whether the dashes are there.
pub fn read_partner_code(typed: &str) -> String {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    partner_code(&digits.to_ascii_lowercase())
}

/// Another company's member of a shared group as an export shows them:
/// name, settings, status and the shared groups, never their e-mail
/// address or department (nor their mobile, employee id, tags, dates of
/// access or activity), with a note saying why in `lang`.
pub fn masked(user: ExportedUser, company: &str, lang: Language) -> ExportedUser {
    let note = match lang {
        Language::Fr => {
            format!("Membre de l’entreprise {company} : adresse e-mail, service et activité non communiqués")
        }
        _ => format!("Member of {company}: e-mail address, department and activity not shown"),
    };
    ExportedUser {
        email: None,
        department: None,
        mobile: None,
        employee_id: None,
        tags: None,
        invited_at: None,
        activated_at: None,
        last_access_at: None,
        logins: None,
        participations: None,
        activities_created: None,
        note: Some(note),
        ..user
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_however_they_are_typed() {
        let code = partner_code("3F9AC04E77D1aa00bb11cc22dd33ee44");
        assert_eq!(code, "3f9a-c04e-77d1");
        for typed in ["3f9a-c04e-77d1", " 3F9A C04E 77D1 ", "3f9ac04e77d1"] {
            assert_eq!(read_partner_code(typed), code, "{typed:?}");
        }
        assert_ne!(read_partner_code("3f9a-c04e-77d2"), code);
    }

    #[test]
    fn another_company_s_member_keeps_name_and_groups_only() {
        let user = ExportedUser {
            last_name: "Martin".into(),
            email: Some("l.martin@acme.example".into()),
            department: Some("Finance".into()),
            mobile: Some("+33612345678".into()),
            groups: Some("Projet commun".into()),
            logins: Some(4),
            ..ExportedUser::default()
        };
        let shown = masked(user, "Acme", Language::Fr);
        assert_eq!((shown.last_name.as_str(), shown.groups.as_deref()), ("Martin", Some("Projet commun")));
        assert_eq!((shown.email, shown.department, shown.mobile, shown.logins), (None, None, None, None));
        assert_eq!(
            shown.note.as_deref(),
            Some("Membre de l’entreprise Acme : adresse e-mail, service et activité non communiqués")
        );
    }
}
