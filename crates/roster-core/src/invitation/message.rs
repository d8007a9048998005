//! What invited people receive, in their language: the sign-up message of a
//! simple invitation (B2) and the rounds of an invitation to an activity
//! (E3). A text message carries no subject and stays short.

use super::schedule::Step;
use crate::Language;
use crate::model::{ActivityType, Channel};

/// A message ready for the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    /// The subject (e-mail only).
    pub subject: Option<String>,
    /// The body.
    pub body: String,
}

/// The sign-up message: `link` is personal and works once until `until`
/// (company time, `2026-12-06 09:00`).
pub fn sign_up(lang: Language, channel: Channel, company: &str, link: &str, until: &str) -> Text {
    let fr = lang == Language::Fr;
    match channel {
        Channel::Sms => Text {
            subject: None,
            body: if fr {
                format!("{company} vous invite sur Roster. Inscrivez-vous avant le {until} : {link}")
            } else {
                format!("{company} invites you to Roster. Sign up before {until}: {link}")
            },
        },
        Channel::Email => Text {
            subject: Some(if fr {
                format!("{company} vous invite sur Roster")
            } else {
                format!("{company} invites you to Roster")
            }),
            body: if fr {
                format!(
                    "Bonjour,\n\n{company} vous invite à rejoindre son espace Roster.\n\
                     Choisissez votre mot de passe sur cette page personnelle, valable une fois jusqu’au {until} :\n\
                     {link}\n\nSi vous n’attendiez pas ce message, ignorez-le."
                )
            } else {
                format!(
                    "Hello,\n\n{company} invites you to join its Roster space.\n\
                     Choose your password on this personal page, which works once until {until}:\n\
                     {link}\n\nIf you did not expect this message, ignore it."
                )
            },
        },
    }
}

/// The message of a password reset: `link` is personal and works once
/// until `until` (company time).
pub fn password_reset(lang: Language, channel: Channel, company: &str, link: &str, until: &str) -> Text {
    let fr = lang == Language::Fr;
    match channel {
        Channel::Sms => Text {
            subject: None,
            body: if fr {
                format!(
                    "{company} a réinitialisé votre mot de passe Roster. Choisissez-en un nouveau avant le {until} : {link}"
                )
            } else {
                format!("{company} reset your Roster password. Choose a new one before {until}: {link}")
            },
        },
        Channel::Email => Text {
            subject: Some(if fr {
                "Choisissez votre nouveau mot de passe Roster".to_owned()
            } else {
                "Choose your new Roster password".to_owned()
            }),
            body: if fr {
                format!(
                    "Bonjour,\n\nUn administrateur de {company} a réinitialisé votre mot de passe Roster.\n\
                     Choisissez-en un nouveau sur cette page personnelle, valable une fois jusqu’au {until} :\n\
                     {link}\n\nVotre ancien mot de passe ne fonctionne plus."
                )
            } else {
                format!(
                    "Hello,\n\nAn administrator of {company} reset your Roster password.\n\
                     Choose a new one on this personal page, which works once until {until}:\n\
                     {link}\n\nYour former password no longer works."
                )
            },
        },
    }
}

/// The message carrying a personal login code.
pub fn login_code(lang: Language, channel: Channel, company: &str, code: &str) -> Text {
    let fr = lang == Language::Fr;
    let line = if fr {
        format!("Votre code de connexion personnel {company} sur Roster : {code}. Il remplace le précédent.")
    } else {
        format!("Your personal {company} login code on Roster: {code}. It replaces the previous one.")
    };
    match channel {
        Channel::Sms => Text { subject: None, body: line },
        Channel::Email => Text {
            subject: Some(if fr {
                "Votre code de connexion Roster".to_owned()
            } else {
                "Your Roster login code".to_owned()
            }),
            body: if fr {
                format!("Bonjour,\n\n{line}\nGardez-le pour vous : il vous identifie.")
            } else {
                format!("Hello,\n\n{line}\nKeep it to yourself: it identifies you.")
            },
        },
    }
}

/// A round of an invitation to an activity, opening at `start` (company time).
pub fn activity(
    lang: Language,
    channel: Channel,
    step: Step,
    kind: ActivityType,
    title: &str,
    start: &str,
    link: &str,
) -> Text {
    let fr = lang == Language::Fr;
    let kind_label = kind.label(lang);
    let opening = if fr {
        match step {
            Step::Send => format!("Vous êtes invité(e) au {kind_label} « {title} », ouvert à partir du {start}."),
            Step::Resend(_) => {
                format!("Rappel : vous êtes invité(e) au {kind_label} « {title} », ouvert depuis le {start}.")
            }
            Step::Remind => {
                format!("Vous n’avez pas encore commencé le {kind_label} « {title} », ouvert depuis le {start}.")
            }
        }
    } else {
        match step {
            Step::Send => format!("You are invited to the {kind_label} “{title}”, open from {start}."),
            Step::Resend(_) => format!("Once more: you are invited to the {kind_label} “{title}”, open since {start}."),
            Step::Remind => format!("You have not started the {kind_label} “{title}” yet, open since {start}."),
        }
    };
    match channel {
        Channel::Sms => Text { subject: None, body: format!("{opening} {link}") },
        Channel::Email => Text {
            subject: Some(title.to_owned()),
            body: if fr {
                format!("Bonjour,\n\n{opening}\nPour y accéder : {link}\n")
            } else {
                format!("Hello,\n\n{opening}\nTo open it: {link}\n")
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_code_message_carries_the_code() {
        let sms = login_code(Language::Fr, Channel::Sms, "Acme", "ABZAZZ");
        assert!(sms.subject.is_none() && sms.body.contains("ABZAZZ") && sms.body.chars().count() < 160);
        let mail = login_code(Language::En, Channel::Email, "Acme", "ABZAZZ");
        assert_eq!(mail.subject.as_deref(), Some("Your Roster login code"));
        assert!(mail.body.contains("Acme login code on Roster: ABZAZZ"));
    }

    #[test]
    fn a_reset_message_carries_its_link_in_the_persons_language() {
        let fr = password_reset(Language::Fr, Channel::Email, "Acme", "https://x/#/password/rsp_a", "2026-12-06 09:00");
        assert!(fr.subject.unwrap().contains("mot de passe"));
        assert!(fr.body.contains("https://x/#/password/rsp_a") && fr.body.contains("Acme"));
        let sms = password_reset(Language::En, Channel::Sms, "Acme", "https://x/#/password/rsp_a", "2026-12-06 09:00");
        assert!(sms.subject.is_none() && sms.body.contains("before 2026-12-06 09:00: https://x/#/password/rsp_a"));
        assert!(sms.body.chars().count() < 160, "one text message");
    }

    #[test]
    fn texts_are_in_the_persons_language_and_carry_the_link() {
        let fr = sign_up(Language::Fr, Channel::Email, "Acme", "https://x/#/signup/abc", "2026-12-06 09:00");
        assert_eq!(fr.subject.as_deref(), Some("Acme vous invite sur Roster"));
        assert!(fr.body.contains("https://x/#/signup/abc") && fr.body.contains("2026-12-06 09:00"));
        let sms = sign_up(Language::De, Channel::Sms, "Acme", "https://x/#/signup/abc", "2026-12-06 09:00");
        assert!(sms.subject.is_none() && sms.body.starts_with("Acme invites you"));
        let round = activity(
            Language::En,
            Channel::Email,
            Step::Remind,
            ActivityType::Module,
            "Safety",
            "2026-12-01 09:00",
            "https://x/",
        );
        assert!(round.body.contains("not started the module “Safety”"));
    }
}
