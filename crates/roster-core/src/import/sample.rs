//! Sample files admins download to start from (C9), built from the same
//! column definitions the validator uses, so they can never disagree.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use super::invitations::Column as InvitationColumn;
use super::users::Column;
use crate::Language;
use crate::time::{Timestamp, Zone};

/// Rows that validate cleanly, one value per column of [`Column::ALL`].
const EXAMPLES: [[&str; 14]; 3] = [
    [
        "Lévy",
        "Zoé",
        "zoe.levy@example.com",
        "+33 6 12 34 56 78",
        "E0042",
        "Ventes",
        "collaborator",
        "member",
        "creator",
        "email",
        "fr",
        "Ventes Paris, Nouveaux arrivants",
        "",
        "mentor",
    ],
    [
        "O'Brien",
        "Seán",
        "sean.obrien@example.com",
        "",
        "E0043",
        "Support",
        "external",
        "member",
        "participant",
        "email",
        "en",
        "Support",
        "",
        "",
    ],
    [
        "Nguyen",
        "Anh",
        "",
        "+33 7 98 76 54 32",
        "E0044",
        "Logistique",
        "collaborator",
        "member",
        "participant",
        "sms",
        "fr",
        "",
        "",
        "",
    ],
];

fn words(lang: Language) -> [&'static str; 8] {
    match lang {
        Language::Fr => [
            "Utilisateurs",
            "Colonnes",
            "Consignes",
            "Colonne",
            "Autres noms acceptés",
            "Obligatoire",
            "Valeurs possibles",
            "oui",
        ],
        _ => {
            ["Users", "Columns", "Instructions", "Column", "Other accepted names", "Required", "Allowed values", "yes"]
        }
    }
}

fn instructions(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::Fr => &[
            "Importer des utilisateurs dans Roster",
            "Remplissez la première feuille : une ligne par personne, les en-têtes sur la première ligne.",
            "Colonnes obligatoires : nom, adresse mail, type. Chaque personne a un e-mail ou un mobile.",
            "Les en-têtes ne tiennent compte ni des majuscules ni des accents ; les noms anglais sont acceptés aussi.",
            "Une personne déjà connue (même e-mail, mobile ou matricule) est mise à jour ; sinon elle est créée, sans être prévenue.",
            "Les groupes se séparent par des virgules. Les groupes absents sont créés ; les groupes autorisés absents ne le sont pas.",
            "Une colonne inconnue est ignorée. Une erreur bloquante annule tout l’import : rien n’est enregistré.",
            "Au plus 200 000 lignes et 50 Mo par fichier, en XLSX ou en CSV (UTF-8 ou Windows-1252, séparateur , ; ou tabulation).",
        ],
        _ => &[
            "Importing users into Roster",
            "Fill in the first sheet: one row per person, headers on the first row.",
            "Required columns: last name, e-mail, user type. Each person needs an e-mail address or a mobile number.",
            "Headers ignore case and accents; French names are accepted too.",
            "A person already known (same e-mail, mobile or employee id) is updated; anyone else is created, without being told.",
            "Separate groups with commas. Missing groups are created; missing allowed groups are not.",
            "Unknown columns are ignored. Any blocking problem cancels the whole import: nothing is saved.",
            "At most 200,000 rows and 50 MB per file, as XLSX or CSV (UTF-8 or Windows-1252, separated by , ; or tab).",
        ],
    }
}

/// The user import sample in `lang`: the data sheet first (the one an
/// import reads), then every column with its other names, whether it is
/// required and its allowed values, then instructions. `now` dates the file.
///
/// # Errors
/// When the workbook cannot be assembled (it always can; the writer's own
/// checks are passed on rather than hidden).
pub fn users(lang: Language, now: Timestamp) -> Result<Vec<u8>, XlsxError> {
    let data_name = words(lang)[0];
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_timestamp(now.unix_seconds())?;
    workbook.set_properties(&DocProperties::new().set_title(data_name).set_creation_datetime(&created));
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");

    let data = workbook.add_worksheet().set_name(data_name)?;
    for (i, &col) in Column::ALL.iter().enumerate() {
        let c = u16::try_from(i).unwrap_or(u16::MAX);
        // Text format keeps leading zeros and "+" of ids and phone numbers.
        data.set_column_format(c, &text)?;
        data.set_column_width(c, 22)?;
        data.write_string_with_format(0, c, col.label(lang), &bold)?;
        for (r, example) in EXAMPLES.iter().enumerate() {
            let value = example_value(example[i], col, lang);
            if !value.is_empty() {
                data.write_string(u32::try_from(r + 1).unwrap_or(u32::MAX), c, value)?;
            }
        }
    }
    data.set_freeze_panes(1, 0)?;

    let list = match lang {
        Language::Fr => "liste séparée par des virgules",
        _ => "comma-separated list",
    };
    let columns = Column::ALL.iter().map(|&col| ColumnRow {
        label: col.label(lang),
        names: names(col.code(), col.label(Language::Fr), col.label(Language::En), col.aliases(), col.label(lang)),
        required: col.required(),
        allowed: match col.allowed_values(lang) {
            Some(values) => values.join(", "),
            None if col.is_list() => list.to_owned(),
            None => String::new(),
        },
    });
    columns_sheet(&mut workbook, lang, columns, 24)?;
    instructions_sheet(&mut workbook, lang, instructions(lang), 110)?;
    workbook.save_to_buffer()
}

/// A column as the columns sheet describes it.
struct ColumnRow {
    label: &'static str,
    names: String,
    required: bool,
    allowed: String,
}

/// The other names a column is read by: its code and labels (but the one
/// shown) and its aliases.
fn names(code: &str, fr: &str, en: &str, aliases: &[&str], shown: &str) -> String {
    let mut names: Vec<&str> = vec![code, fr, en];
    names.extend(aliases);
    names.retain(|n| *n != shown);
    names.dedup();
    names.join(", ")
}

/// The sheet of every column: its other names, whether it is required and
/// its allowed values.
fn columns_sheet(
    workbook: &mut Workbook,
    lang: Language,
    columns: impl Iterator<Item = ColumnRow>,
    first_width: u16,
) -> Result<(), XlsxError> {
    let [_, columns_name, _, column, others, required, allowed, yes] = words(lang);
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet().set_name(columns_name)?;
    for (c, title) in (0u16..).zip([column, others, required, allowed]) {
        sheet.write_string_with_format(0, c, title, &bold)?;
        sheet.set_column_width(c, if c == 0 { first_width } else { 48 })?;
    }
    for (r, col) in (1u32..).zip(columns) {
        sheet.write_string_with_format(r, 0, col.label, &bold)?;
        sheet.write_string(r, 1, col.names)?;
        sheet.write_string(r, 2, if col.required { yes } else { "" })?;
        sheet.write_string(r, 3, col.allowed)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The instructions sheet: a bold title, then one line per row.
fn instructions_sheet(workbook: &mut Workbook, lang: Language, lines: &[&str], width: u16) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let notes = workbook.add_worksheet().set_name(words(lang)[2])?;
    notes.set_column_width(0, width)?;
    for (r, line) in (0u32..).zip(lines) {
        if r == 0 {
            notes.write_string_with_format(r, 0, *line, &bold)?;
        } else {
            notes.write_string(r, 0, *line)?;
        }
    }
    Ok(())
}

/// An example value, with enumerated codes shown by their name in `lang`.
fn example_value(code: &'static str, column: Column, lang: Language) -> &'static str {
    use crate::model::{Channel, LicenceLevel, Role, UserType};
    let label = match column {
        Column::UserType => UserType::parse(code).map(|v| v.label(lang)),
        Column::Role => Role::parse(code).map(|v| v.label(lang)),
        Column::LicenceLevel => LicenceLevel::parse(code).map(|v| v.label(lang)),
        Column::PreferredChannel => Channel::parse(code).map(|v| v.label(lang)),
        Column::Language => Language::parse(code).map(|v| v.label(lang)),
        _ => return code,
    };
    label.unwrap_or(code)
}

/// An example invitation: type code, activity, groups, user, the start and
/// the end of the start period in days from the day the sample is made,
/// the resend and reminder periods in days.
type InvitationExample = (&'static str, &'static str, &'static str, &'static str, u32, u32, Option<u32>, Option<u32>);

/// Example invitations, in the demo company.
const INVITATION_EXAMPLES: [InvitationExample; 3] = [
    ("module", "Onboarding — module", "Nouveaux arrivants, Ventes Paris", "", 7, 21, Some(7), Some(3)),
    ("questionnaire", "Sécurité — questionnaire", "", "admin@demo.example", 8, 15, Some(14), None),
    ("cycle", "Management — cycle", "Managers", "", 10, 30, None, None),
];

fn invitation_instructions(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::Fr => &[
            "Planifier des invitations dans Roster",
            "Remplissez la première feuille : une ligne par invitation, les en-têtes sur la première ligne.",
            "Type : questionnaire, module, enquête, cycle, parcours autonome ou parcours planifié. Activité : son nom ou son identifiant.",
            "Groupes : séparés par des virgules. Sans groupe, indiquez un utilisateur unique par son e-mail, son mobile ou son matricule.",
            "Dates et heures dans le fuseau de l’entreprise : cellules date, ou texte comme 25/12/2026 08:30, 2026-12-25T08:30 ou 25 déc. 2026 8h30 (jour avant mois).",
            "Le démarrage et la fin de la période de démarrage doivent être dans le futur, la fin après le démarrage.",
            "Périodes : 7 jours, 2 semaines, P7D. Pas de renvoi pour un cycle ; un rappel seulement pour un module.",
            "Une personne n’est invitée qu’une fois par activité. Une erreur bloquante annule tout l’import : rien n’est enregistré.",
        ],
        _ => &[
            "Planning invitations in Roster",
            "Fill in the first sheet: one row per invitation, headers on the first row.",
            "Type: questionnaire, module, survey, cycle, autonomous path or planned path. Activity: its name or its id.",
            "Groups: separated by commas. Without groups, give one user by their e-mail, mobile or employee id.",
            "Dates and times in the company’s time zone: date cells, or text such as 25/12/2026 08:30, 2026-12-25T08:30 or 25 Dec 2026 8:30 AM (day before month).",
            "The start and the end of the start period must be in the future, the end after the start.",
            "Periods: 7 days, 2 weeks, P7D. No resend period for a cycle; a reminder period for modules only.",
            "A person is invited once per activity. Any blocking problem cancels the whole import: nothing is saved.",
        ],
    }
}

/// The invitation import sample in `lang` (D5): the data sheet, with rows
/// that validate against the demo company from the day `now` (dates as real
/// date cells, in `zone`), then the columns and the instructions.
///
/// # Errors
/// When the workbook cannot be assembled.
pub fn invitations(lang: Language, now: Timestamp, zone: &Zone) -> Result<Vec<u8>, XlsxError> {
    let data_name = "Invitations"; // the same word in both languages
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_timestamp(now.unix_seconds())?;
    workbook.set_properties(&DocProperties::new().set_title(data_name).set_creation_datetime(&created));
    let bold = Format::new().set_bold();
    let when = Format::new().set_num_format("dd/mm/yyyy hh:mm");

    let data = workbook.add_worksheet().set_name(data_name)?;
    for (c, col) in (0u16..).zip(InvitationColumn::ALL) {
        data.set_column_width(c, 26)?;
        data.write_string_with_format(0, c, col.label(lang), &bold)?;
    }
    // A day of the company's calendar, `days` from now, at `hour`.
    let local_day = |days: u32, hour: u16| -> Result<ExcelDateTime, XlsxError> {
        let local = zone.local(now.plus_days(i64::from(days)));
        let (y, m, d) = (&local[..4], &local[5..7], &local[8..10]);
        let number = |s: &str| s.parse::<u16>().unwrap_or(1);
        ExcelDateTime::from_ymd(number(y), u8::try_from(number(m)).unwrap_or(1), u8::try_from(number(d)).unwrap_or(1))?
            .and_hms(hour, 0, 0)
    };
    let period = |days: Option<u32>| match days {
        None => String::new(),
        Some(d) if d % 7 == 0 => crate::messages::count(lang, u64::from(d / 7), crate::messages::Noun::Week),
        Some(d) => crate::messages::count(lang, u64::from(d), crate::messages::Noun::Day),
    };
    for (r, (kind, activity, groups, user, start, until, resend, remind)) in (1u32..).zip(INVITATION_EXAMPLES) {
        let kind = crate::model::ActivityType::parse(kind).map_or(kind, |k| k.label(lang));
        for (c, value) in (0u16..).zip([kind, activity, groups, user]) {
            if !value.is_empty() {
                data.write_string(r, c, value)?;
            }
        }
        data.write_datetime_with_format(r, 4, local_day(start, 9)?, &when)?;
        data.write_datetime_with_format(r, 5, local_day(until, 18)?, &when)?;
        for (c, days) in [(6, resend), (7, remind)] {
            if days.is_some() {
                data.write_string(r, c, period(days))?;
            }
        }
    }
    data.set_freeze_panes(1, 0)?;

    let columns = InvitationColumn::ALL.iter().map(|&col| ColumnRow {
        label: col.label(lang),
        names: names(col.code(), col.label(Language::Fr), col.label(Language::En), col.aliases(), col.label(lang)),
        required: InvitationColumn::REQUIRED.contains(&col),
        allowed: col.allowed_values(lang).map(|v| v.join(", ")).unwrap_or_default(),
    });
    columns_sheet(&mut workbook, lang, columns, 30)?;
    instructions_sheet(&mut workbook, lang, invitation_instructions(lang), 120)?;
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Outcome;
    use crate::import::users::{Context, Snapshot, validate};
    use crate::model::{CountryCode, Role};
    use crate::sheet::Limits;

    #[test]
    fn the_sample_validates_cleanly_in_both_languages() {
        for lang in [Language::Fr, Language::En] {
            let bytes = users(lang, Timestamp::from_unix_seconds(1_795_000_000)).unwrap();
            let context = Context { language: lang, admin_role: Role::CompanyAdmin, country_code: CountryCode::FRANCE };
            let report = validate(&bytes, &context, &Snapshot::default(), Limits::PRODUCT).unwrap();
            assert_eq!(report.outcome, Outcome::Succeeded, "{lang}: {:?}", report.remarks);
            assert_eq!(report.rows, 3);
            assert_eq!(report.columns, Column::ALL, "every column header is recognised");
            assert_eq!(report.plan.creates.len(), 3);
            assert_eq!(report.plan.groups_to_create.len(), 3);
        }
    }

    #[test]
    fn the_invitation_sample_validates_against_the_demo_company_in_both_languages() {
        use crate::import::invitations::{self, SnapshotActivity, SnapshotGroup, SnapshotUser};
        let demo = crate::demo::companies().into_iter().find(|c| c.name == "Demo").unwrap();
        let mut snapshot = invitations::Snapshot::default();
        for (i, base) in demo.bases.iter().enumerate() {
            for (j, (title, kind)) in base.activities.iter().enumerate() {
                let id = i64::try_from(i * 10 + j).unwrap();
                snapshot.activities.push(SnapshotActivity { id, kind: *kind, title: title.clone(), archived: false });
            }
        }
        let id = |n: usize| i64::try_from(n).unwrap();
        snapshot.groups = demo
            .groups
            .iter()
            .enumerate()
            .map(|(g, group)| SnapshotGroup {
                id: id(g),
                name: group.name.to_string(),
                archived: group.archived,
                users: demo
                    .users
                    .iter()
                    .enumerate()
                    .filter(|(_, u)| u.groups.contains(&g))
                    .map(|(n, _)| id(n))
                    .collect(),
                contacts: vec![],
            })
            .collect();
        snapshot.users = demo
            .users
            .iter()
            .enumerate()
            .map(|(n, u)| SnapshotUser {
                id: id(n),
                email: u.user.email.as_ref().map(|e| e.as_str().to_owned()),
                mobile: None,
                employee_id: None,
                status: u.status,
                sort_key: crate::form::sort_key(u.user.last_name.as_str(), ""),
            })
            .collect();
        snapshot.users.push(SnapshotUser {
            id: 9_999,
            email: demo.admin.email.as_ref().map(|e| e.as_str().to_owned()),
            mobile: None,
            employee_id: None,
            status: crate::model::UserStatus::Active,
            sort_key: "admin".into(),
        });
        let now = Timestamp::parse("2026-11-22T10:00:00Z").unwrap();
        for lang in [Language::Fr, Language::En] {
            let bytes = invitations(lang, now, &Zone::default()).unwrap();
            let context = invitations::Context { language: lang, country_code: CountryCode::FRANCE, now };
            let report = invitations::validate(&bytes, &context, &snapshot, Limits::PRODUCT).unwrap();
            assert_eq!(report.outcome, Outcome::Succeeded, "{lang}: {:?}", report.remarks);
            assert_eq!(report.columns, InvitationColumn::ALL, "every column header is recognised");
            assert_eq!(report.plan.counts.invitations, 3);
            let first = &report.plan.invitations[0];
            assert_eq!(first.start_local, "2026-11-29T09:00", "a real date cell, a week later at 09:00");
            assert_eq!(first.schedule.resend_every_days, Some(7));
            assert!(first.recipients > 0);
        }
    }

    #[test]
    fn the_sample_is_the_same_for_the_same_day() {
        let now = Timestamp::from_unix_seconds(1_795_000_000);
        assert_eq!(users(Language::En, now).unwrap(), users(Language::En, now).unwrap());
    }
}
