//! Monthly activity (A7, J5): which calendar month an event falls in, in
//! the company's time zone, and the two monthly figures.
//!
//! - **Monthly active users (MAU)**: the users who had at least one event
//!   in the month — a sign-in, or a participation (an attempt started from
//!   an invitation or a public link).
//! - **Monthly active accounts (MAA)**: the user accounts that were signed
//!   in to at least once in the month. An account is a user's means of
//!   signing in; someone who only took part through links, without
//!   signing in, is an active user but not an active account.
//!
//! Contacts and guests have no account and are in neither figure.

use crate::Language;
use crate::time::{Timestamp, Zone};
use crate::vocabulary::vocabulary;

/// How many months the figures cover, the current one included.
pub const MONTHS_SHOWN: usize = 12;

/// Pixels per chart unit in the PNG download: sharp on high-density
/// screens and in slides.
pub const PNG_SCALE: u32 = 2;

/// The calendar month (`2026-11`) that `at` falls in, in `zone`.
pub fn month_of(zone: &Zone, at: Timestamp) -> String {
    zone.local(at).chars().take(7).collect()
}

/// The [`MONTHS_SHOWN`] months ending with `now`'s, oldest first.
pub fn last_months(zone: &Zone, now: Timestamp) -> Vec<String> {
    let current = month_of(zone, now);
    let (year, month) = parse_month(&current).unwrap_or((1970, 1));
    let index = year * 12 + i32::from(month) - 1;
    (0..MONTHS_SHOWN)
        .rev()
        .map(|back| {
            let i = index - i32::try_from(back).unwrap_or(0);
            format!("{:04}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
        })
        .collect()
}

/// Reads `2026-11` as a year and a month (1–12).
pub fn parse_month(raw: &str) -> Option<(i32, u8)> {
    let (year, month) = raw.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let month: u8 = month.parse().ok()?;
    (1..=12).contains(&month).then_some((year, month))
}

vocabulary! {
    /// One of the two monthly figures.
    pub enum Measure {
        /// Users with at least one event in the month.
        ActiveUsers = "mau" { fr: "utilisateurs actifs mensuels", en: "monthly active users" },
        /// Accounts signed in to at least once in the month.
        ActiveAccounts = "maa" { fr: "comptes actifs mensuels", en: "monthly active accounts" },
    }
}

impl Measure {
    /// What the figure counts, for people speaking `lang`.
    pub const fn definition(self, lang: Language) -> &'static str {
        match (self, lang) {
            (Self::ActiveUsers, Language::Fr) => {
                "Utilisateurs ayant au moins une activité dans le mois (une connexion ou une participation à une activité, \
                 par invitation ou lien public), dans le fuseau horaire de l'entreprise."
            }
            (Self::ActiveUsers, _) => {
                "Users with at least one event in the month (a sign-in, or taking part in an activity through an \
                 invitation or a public link), in the company's time zone."
            }
            (Self::ActiveAccounts, Language::Fr) => {
                "Comptes utilisateurs avec lesquels on s'est connecté au moins une fois dans le mois. Une personne qui \
                 a seulement participé par des liens, sans se connecter, est un utilisateur actif mais pas un compte actif."
            }
            (Self::ActiveAccounts, _) => {
                "User accounts signed in to at least once in the month. Someone who only took part through links, \
                 without signing in, is an active user but not an active account."
            }
        }
    }
}

/// The figures of one month.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MonthFigures {
    /// The month, `2026-11`.
    pub month: String,
    /// Monthly active users.
    pub active_users: u64,
    /// Monthly active accounts.
    pub active_accounts: u64,
}

/// The figures of every month of `months`, in that order: those `counted`
/// (month, users, accounts) has, and zero for the others.
pub fn by_month(months: &[String], counted: &[(String, u64, u64)]) -> Vec<MonthFigures> {
    months
        .iter()
        .map(|month| {
            let found = counted.iter().find(|(m, _, _)| m == month);
            MonthFigures {
                month: month.clone(),
                active_users: found.map_or(0, |c| c.1),
                active_accounts: found.map_or(0, |c| c.2),
            }
        })
        .collect()
}

/// A month's short name and its year, as the charts write them under
/// each bar: `["nov.", "2026"]`.
pub fn month_label(month: &str, lang: Language) -> [String; 2] {
    const FR: [&str; 12] =
        ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
    const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let Some((year, number)) = parse_month(month) else { return [month.to_owned(), String::new()] };
    let names = if lang == Language::Fr { FR } else { EN };
    [names[usize::from(number - 1)].to_owned(), year.to_string()]
}

impl Measure {
    /// The chart's title: the figure's name and its initials.
    pub fn title(self, lang: Language) -> String {
        let name = self.label(lang);
        let mut chars = name.chars();
        let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
        format!("{first}{} ({})", chars.as_str(), self.code().to_uppercase())
    }
}

/// The chart of one figure over `figures`' months, in `lang`: what the
/// page shows and the PNG download draws. `zone` is the company's.
pub fn chart(figures: &[MonthFigures], measure: Measure, zone: &str, lang: Language) -> crate::chart::BarChart {
    let (subtitle, category_axis) = match lang {
        Language::Fr => (format!("12 derniers mois, fuseau horaire {zone}"), "Mois"),
        _ => (format!("Last 12 months, time zone {zone}"), "Month"),
    };
    let value_axis = match (measure, lang) {
        (Measure::ActiveUsers, Language::Fr) => "Utilisateurs",
        (Measure::ActiveUsers, _) => "Users",
        (Measure::ActiveAccounts, Language::Fr) => "Comptes",
        (Measure::ActiveAccounts, _) => "Accounts",
    };
    crate::chart::BarChart {
        title: measure.title(lang),
        subtitle,
        value_axis: value_axis.to_owned(),
        category_axis: category_axis.to_owned(),
        bars: figures
            .iter()
            .map(|f| crate::chart::Bar {
                key: f.month.clone(),
                label: month_label(&f.month, lang),
                value: match measure {
                    Measure::ActiveUsers => f.active_users,
                    Measure::ActiveAccounts => f.active_accounts,
                },
            })
            .collect(),
        language: lang,
    }
}

/// The months' figures as CSV, headers in `lang`: what a chart's "data"
/// download holds.
pub fn figures_csv(figures: &[MonthFigures], lang: Language) -> String {
    let header = match lang {
        Language::Fr => "Mois,Utilisateurs actifs mensuels,Comptes actifs mensuels",
        _ => "Month,Monthly active users,Monthly active accounts",
    };
    let rows = figures.iter().map(|f| format!("{},{},{}\r\n", f.month, f.active_users, f.active_accounts));
    std::iter::once(format!("{header}\r\n")).chain(rows).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> Timestamp {
        Timestamp::parse(raw).unwrap()
    }

    #[test]
    fn a_month_is_the_companys_not_utcs() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        let new_york = Zone::parse("America/New_York").unwrap();
        // 23:30 UTC on 31 October is already November in Paris, still October in New York.
        assert_eq!(month_of(&paris, at("2026-10-31T23:30:00Z")), "2026-11");
        assert_eq!(month_of(&new_york, at("2026-10-31T23:30:00Z")), "2026-10");
        assert_eq!(month_of(&new_york, at("2026-11-01T03:59:00Z")), "2026-10");
    }

    #[test]
    fn twelve_months_end_with_the_current_one_across_a_new_year() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        let months = last_months(&paris, at("2027-02-10T12:00:00Z"));
        assert_eq!(months.len(), 12);
        assert_eq!((months[0].as_str(), months[11].as_str()), ("2026-03", "2027-02"));
        assert!(months.contains(&"2026-12".to_owned()) && months.contains(&"2027-01".to_owned()));
    }

    #[test]
    fn missing_months_count_zero_and_csv_lists_each_month() {
        let months = vec!["2026-10".to_owned(), "2026-11".to_owned()];
        let figures = by_month(&months, &[("2026-11".into(), 5, 3), ("2025-01".into(), 9, 9)]);
        assert_eq!(figures[0], MonthFigures { month: "2026-10".into(), active_users: 0, active_accounts: 0 });
        assert_eq!((figures[1].active_users, figures[1].active_accounts), (5, 3));
        let csv = figures_csv(&figures, Language::Fr);
        assert_eq!(csv, "Mois,Utilisateurs actifs mensuels,Comptes actifs mensuels\r\n2026-10,0,0\r\n2026-11,5,3\r\n");
    }

    #[test]
    fn months_are_read_strictly() {
        assert_eq!(parse_month("2026-11"), Some((2026, 11)));
        for bad in ["2026-13", "2026-1", "26-11", "2026/11", "", "2026-00"] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
    }
}
