//! Sample files admins download to start from (C9), built from the same
//! column definitions the validator uses, so they can never disagree.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use super::users::Column;
use crate::Language;
use crate::time::Timestamp;

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
    let [data_name, columns_name, instructions_name, column, others, required, allowed, yes] = words(lang);
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

    let sheet = workbook.add_worksheet().set_name(columns_name)?;
    for (c, title) in [column, others, required, allowed].into_iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, c, title, &bold)?;
        sheet.set_column_width(c, if c == 0 { 24 } else { 48 })?;
    }
    for (r, &col) in Column::ALL.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        let mut names: Vec<&str> = vec![col.code(), col.label(Language::Fr), col.label(Language::En)];
        names.extend(col.aliases());
        names.retain(|n| *n != col.label(lang));
        names.dedup();
        sheet.write_string_with_format(r, 0, col.label(lang), &bold)?;
        sheet.write_string(r, 1, names.join(", "))?;
        sheet.write_string(r, 2, if col.required() { yes } else { "" })?;
        let values = match col.allowed_values(lang) {
            Some(values) => values.join(", "),
            None if col.is_list() => match lang {
                Language::Fr => "liste séparée par des virgules".to_owned(),
                _ => "comma-separated list".to_owned(),
            },
            None => String::new(),
        };
        sheet.write_string(r, 3, values)?;
    }
    sheet.set_freeze_panes(1, 0)?;

    let notes = workbook.add_worksheet().set_name(instructions_name)?;
    notes.set_column_width(0, 110)?;
    for (r, line) in instructions(lang).iter().enumerate() {
        let r = u32::try_from(r).unwrap_or(u32::MAX);
        if r == 0 {
            notes.write_string_with_format(r, 0, *line, &bold)?;
        } else {
            notes.write_string(r, 0, *line)?;
        }
    }
    workbook.save_to_buffer()
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
    fn the_sample_is_the_same_for_the_same_day() {
        let now = Timestamp::from_unix_seconds(1_795_000_000);
        assert_eq!(users(Language::En, now).unwrap(), users(Language::En, now).unwrap());
    }
}
