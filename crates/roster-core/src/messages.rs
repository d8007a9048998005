//! What the product says to people, in their language.

use crate::vocabulary::vocabulary;

vocabulary! {
    /// A language of the console and of the messages it sends (K4).
    pub enum Language {
        /// French.
        Fr = "fr" { fr: "français", en: "French", also: ["francais", "french", "fr_fr"] },
        /// English.
        En = "en" { fr: "anglais", en: "English", also: ["english", "en_gb", "en_us"] },
        /// German: offered to users; console messages fall back to English.
        De = "de" { fr: "allemand", en: "German", also: ["deutsch", "de_de"] },
    }
}

impl Language {
    /// Picks the first supported language of an `Accept-Language` header,
    /// or `None` when it names none we speak.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .filter_map(|tag| tag.trim().split(['-', '_']).next())
            .find_map(|primary| Self::parse(primary).ok())
    }
}

/// The French or the English text, for `lang` (German falls back to English).
pub(crate) const fn in_language(lang: Language, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Language::Fr => fr,
        Language::En | Language::De => en,
    }
}

/// Things the product writes counts of, outside the console (which has its
/// own words).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Noun {
    /// Days of a period.
    Day,
    /// Weeks of a period.
    Week,
    /// Invitations to activities.
    Invitation,
    /// People.
    Person,
    /// Batches of an invitation.
    Batch,
    /// Data rows of a file.
    DataRow,
    /// Blocking problems.
    BlockingProblem,
    /// Warnings.
    Warning,
    /// Groups.
    Group,
    /// Remarks on a file.
    Remark,
}

impl Noun {
    /// Singular and plural, in `lang` (German falls back to English).
    const fn forms(self, lang: Language) -> (&'static str, &'static str) {
        let fr = matches!(lang, Language::Fr);
        match self {
            Self::Day if fr => ("jour", "jours"),
            Self::Day => ("day", "days"),
            Self::Week if fr => ("semaine", "semaines"),
            Self::Week => ("week", "weeks"),
            Self::Invitation => ("invitation", "invitations"),
            Self::Person if fr => ("personne", "personnes"),
            Self::Person => ("person", "people"),
            Self::Batch if fr => ("lot", "lots"),
            Self::Batch => ("batch", "batches"),
            Self::DataRow if fr => ("ligne de données", "lignes de données"),
            Self::DataRow => ("data row", "data rows"),
            Self::BlockingProblem if fr => ("problème bloquant", "problèmes bloquants"),
            Self::BlockingProblem => ("blocking problem", "blocking problems"),
            Self::Warning if fr => ("avertissement", "avertissements"),
            Self::Warning => ("warning", "warnings"),
            Self::Group if fr => ("groupe", "groupes"),
            Self::Group => ("group", "groups"),
            Self::Remark if fr => ("remarque", "remarques"),
            Self::Remark => ("remark", "remarks"),
        }
    }
}

/// `n` and the noun, singular or plural as `lang` wants it: French takes
/// the singular for 0 and 1 ("1 semaine", "0 invitation"), English for 1
/// alone. Plurals outside the console are decided here only.
pub fn count(lang: Language, n: u64, noun: Noun) -> String {
    let (one, other) = noun.forms(lang);
    let singular = match lang {
        Language::Fr => n <= 1,
        Language::En | Language::De => n == 1,
    };
    format!("{n} {}", if singular { one } else { other })
}

/// A message the product shows: a stable code and its text in each language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Message {
    /// A required field is empty.
    Required,
    /// Text is longer than the field allows.
    TooLong,
    /// Text holds tabs, line breaks or other control characters.
    ControlCharacters,
    /// A number outside the range the field takes.
    OutOfRange,
    /// Not a usable e-mail address.
    InvalidEmail,
    /// Not a usable mobile number.
    InvalidMobile,
    /// A phone number, but not a mobile one (a landline, a toll-free number …).
    NotMobile,
    /// Not one of the values the field accepts.
    UnknownValue,
    /// Neither e-mail nor mobile was given.
    EmailOrMobileRequired,
    /// E-mail chosen as channel without an address.
    ChannelNeedsEmail,
    /// SMS chosen as channel without a mobile number.
    ChannelNeedsMobile,
    /// Another user of the company already has this e-mail.
    EmailTaken,
    /// Another user of the company already has this mobile number.
    MobileTaken,
    /// Another user of the company already has this employee id.
    EmployeeIdTaken,
    /// Another group of the company already has this name.
    GroupNameTaken,
    /// Another tag of the company already has this name.
    TagNameTaken,
    /// No company has this partner code.
    UnknownPartnerCode,
    /// A group shared with its own company's partner code.
    OwnPartnerCode,
    /// A bulk action's selection finds nobody.
    NothingSelected,
    /// A bulk action that needs the number of users it touches, confirmed.
    ConfirmationRequired,
    /// The confirmed number is not the selection's.
    ConfirmationMismatch,
    /// A group or tag that is not the company's, or an archived group.
    UnknownGroupOrTag,
    /// A comma in a name that lists separate with commas.
    NoComma,
    /// The password is too short.
    PasswordTooShort,
    /// Only a company administrator may grant this role.
    RoleNotGrantable,
    /// Every licence seat the company bought is taken.
    NoLicenceLeft,
    /// A deleted user is anonymised and cannot be edited.
    UserDeleted,
    /// Administrators do not change their own role.
    OwnRole,
    /// Another permission profile of the company already has this name.
    ProfileNameTaken,
    /// Predefined permission profiles are kept.
    PresetKept,
    /// Advanced permissions come with the gold plan only.
    AdvancedPermissionsNeedGold,
    /// The same membership both added and taken off in one change.
    AddedAndRemoved,
    /// More changes than one save takes.
    TooManyChanges,
    /// Activities handed over to their own creator.
    TransferToSelf,
    /// Activities handed over to someone who cannot create them.
    TransferNeedsCreator,
    /// A required column is missing from the file.
    MissingColumn,
    /// Two columns name the same attribute.
    DuplicateColumn,
    /// A column names no attribute; it is ignored.
    UnknownColumn,
    /// The same person appears on another row of the file.
    DuplicateInFile,
    /// The row's identifiers point at two different existing users.
    ConflictingIdentities,
    /// A group to give access to does not exist; it is not created.
    UnknownGroup,
    /// A blank value was given the default.
    DefaultApplied,
    /// A cell holds more text than a spreadsheet cell can.
    CellTooLong,
    /// A cell shows a spreadsheet error (#N/A, #REF! …).
    CellError,
    /// The file has a header row but no data row.
    NoDataRow,
    /// A pasted entry that is neither an e-mail address nor a mobile number.
    NotAnAddress,
    /// Not a date and time such as 2026-12-01T09:00.
    NotADateTime,
    /// A date that must be in the future is not.
    NotInFuture,
    /// An end that is not after its start.
    EndBeforeStart,
    /// Cycles are not resent.
    NoResendForCycles,
    /// Only modules have reminders.
    RemindOnlyModules,
    /// An archived activity or group takes no invitation.
    Archived,
    /// The list holds more entries than one invitation takes.
    TooManyEntries,
    /// A user or a contact of the company already has this address.
    AddressTaken,
    /// A sign-up link that expired, was used, or was replaced by a newer one.
    LinkExpired,
    /// A password link that expired, was used, or whose account changed.
    PasswordLinkExpired,
    /// A request refused for the fields named with it.
    FieldsNeedAttention,
    /// A change to a person holding rights the asker lacks (H6).
    Outranked,
    /// A public form that recognises people got none of its optional
    /// identifiers.
    IdentifierNeeded,
    /// A date without the time of day.
    TimeMissing,
    /// A wall-clock time the clocks skip (daylight saving starts).
    TimeSkipped,
    /// A wall-clock time that happens twice (daylight saving ends).
    TimeRepeated,
    /// Not a period such as 7 days or 2 weeks.
    NotAPeriod,
    /// No activity of the company has this name or id.
    UnknownActivity,
    /// Several activities have this name.
    AmbiguousActivity,
    /// The activity is of another type than the row says.
    ActivityTypeMismatch,
    /// No user of the company has this e-mail, mobile or employee id.
    UnknownUser,
    /// Groups are given, so the single user is not used.
    UserIgnored,
    /// Neither groups nor a user is given.
    GroupsOrUserRequired,
    /// The user is deactivated or deleted: not invited.
    UserNotInvitable,
    /// Another row invites the same people to the same activity.
    DuplicateInvitation,
    /// Some people are invited to the same activity by an earlier row.
    InvitedByEarlierRow,
    /// The row reaches nobody.
    NobodyToInvite,
    /// A time zone name the time zone database does not know.
    UnknownTimeZone,
    /// An identification form without any field.
    FormWithoutField,
    /// An identification form asking one field twice.
    FieldTwice,
    /// "Authentication required" on a form that asks neither employee id nor e-mail.
    AuthenticationNeedsIdentifier,
    /// No user of the company matches the identification form.
    UserNotFound,
    /// The anti-robot challenge was not passed.
    ChallengeFailed,
    /// A public link the administrator turned off, or whose activity is archived.
    LinkClosed,
    /// A public link past its closing date.
    LinkPastClosingDate,
    /// Only questionnaires and modules can be opened to the public.
    NotPublicType,
    /// The challenge cannot be turned on: the installation has no keys for it.
    ChallengeNotConfigured,
}

impl Message {
    /// The message's text in `lang` (German falls back to English).
    #[allow(clippy::too_many_lines)] // one arm per message: the table reads best whole
    pub const fn text(self, lang: Language) -> &'static str {
        let (fr, en) = match self {
            Self::Required => ("Ce champ est obligatoire.", "This field is required."),
            Self::TooLong => ("Ce texte est trop long.", "This text is too long."),
            Self::OutOfRange => {
                ("Cette valeur est hors des limites permises.", "This value is outside the allowed range.")
            }
            Self::ControlCharacters => (
                "Ce texte contient des caractères invisibles (tabulation, retour à la ligne).",
                "This text holds invisible characters (tab, line break).",
            ),
            Self::InvalidEmail => ("Cette adresse e-mail n’est pas valide.", "This e-mail address is not valid."),
            Self::InvalidMobile => (
                "Ce numéro de mobile n’existe dans aucun pays (par ex. 06 12 34 56 78 ou +33 6 12 34 56 78).",
                "This mobile number exists in no country (e.g. 07911 123456 or +44 7911 123456).",
            ),
            Self::NotMobile => (
                "Ce numéro n’est pas un mobile (fixe, numéro gratuit…) : les SMS ne l’atteindraient pas.",
                "This number is not a mobile (landline, toll-free…): text messages would not reach it.",
            ),
            Self::UnknownValue => (
                "Cette valeur ne fait pas partie des valeurs possibles.",
                "This value is not one of the allowed values.",
            ),
            Self::EmailOrMobileRequired => {
                ("Indiquez une adresse e-mail ou un numéro de mobile.", "Give an e-mail address or a mobile number.")
            }
            Self::ChannelNeedsEmail => {
                ("Le canal e-mail demande une adresse e-mail.", "The e-mail channel needs an e-mail address.")
            }
            Self::ChannelNeedsMobile => {
                ("Le canal SMS demande un numéro de mobile.", "The SMS channel needs a mobile number.")
            }
            Self::EmailTaken => (
                "Un utilisateur de l’entreprise a déjà cette adresse e-mail.",
                "A user of the company already has this e-mail address.",
            ),
            Self::MobileTaken => (
                "Un utilisateur de l’entreprise a déjà ce numéro de mobile.",
                "A user of the company already has this mobile number.",
            ),
            Self::EmployeeIdTaken => (
                "Un utilisateur de l’entreprise a déjà ce matricule.",
                "A user of the company already has this employee id.",
            ),
            Self::GroupNameTaken => {
                ("Un groupe de l’entreprise porte déjà ce nom.", "A group of the company already has this name.")
            }
            Self::UnknownPartnerCode => (
                "Aucune entreprise n’a ce code partenaire : demandez-le à un administrateur de l’entreprise partenaire.",
                "No company has this partner code: ask an administrator of the partner company for it.",
            ),
            Self::OwnPartnerCode => (
                "C’est le code de votre entreprise : saisissez celui de l’entreprise partenaire.",
                "This is your own company's code: enter the partner company's.",
            ),
            Self::TagNameTaken => {
                ("Une étiquette de l’entreprise porte déjà ce nom.", "A tag of the company already has this name.")
            }
            Self::NothingSelected => {
                ("Aucun utilisateur ne correspond à cette sélection.", "No user fits this selection.")
            }
            Self::ConfirmationRequired => (
                "Confirmez en indiquant le nombre d’utilisateurs concernés.",
                "Confirm by giving the number of users concerned.",
            ),
            Self::ConfirmationMismatch => (
                "Ce nombre n’est pas celui des utilisateurs sélectionnés ; la sélection a peut-être changé entre-temps.",
                "This is not the number of users selected; the selection may have changed meanwhile.",
            ),
            Self::UnknownGroupOrTag => (
                "Un des groupes, étiquettes ou profils choisis n’existe pas ou est archivé.",
                "One of the chosen groups, tags or profiles does not exist or is archived.",
            ),
            Self::NoComma => ("Ce nom ne peut pas contenir de virgule.", "This name cannot contain a comma."),
            Self::MissingColumn => ("Cette colonne obligatoire manque.", "This required column is missing."),
            Self::DuplicateColumn => ("Cette colonne apparaît deux fois.", "This column appears twice."),
            Self::UnknownColumn => ("Colonne inconnue : elle est ignorée.", "Unknown column: it is ignored."),
            Self::DuplicateInFile => (
                "Cette personne figure déjà sur une autre ligne du fichier.",
                "This person is already on another row of the file.",
            ),
            Self::ConflictingIdentities => (
                "L’e-mail, le mobile et le matricule désignent des utilisateurs différents.",
                "The e-mail, mobile and employee id point at different users.",
            ),
            Self::UnknownGroup => {
                ("Ce groupe n’existe pas et ne sera pas créé.", "This group does not exist and will not be created.")
            }
            Self::DefaultApplied => {
                ("Valeur vide : la valeur par défaut est appliquée.", "Blank value: the default applies.")
            }
            Self::CellTooLong => {
                ("Cette cellule dépasse 32 767 caractères.", "This cell holds more than 32,767 characters.")
            }
            Self::CellError => ("Cette cellule affiche une erreur du tableur.", "This cell shows a spreadsheet error."),
            Self::NoDataRow => (
                "Le fichier n’a aucune ligne de données sous les en-têtes : il n’y a rien à faire.",
                "The file has no data row below its headers: there is nothing to do.",
            ),
            Self::NotAnAddress => (
                "Ce n’est ni une adresse e-mail ni un numéro de mobile.",
                "This is neither an e-mail address nor a mobile number.",
            ),
            Self::NotADateTime => (
                "Indiquez une date et une heure, par ex. 2026-12-01T09:00.",
                "Give a date and a time, e.g. 2026-12-01T09:00.",
            ),
            Self::NotInFuture => ("Cette date doit être dans le futur.", "This date must be in the future."),
            Self::EndBeforeStart => (
                "La fin de la période de démarrage doit suivre le démarrage.",
                "The end of the start period must come after the start.",
            ),
            Self::NoResendForCycles => ("Un cycle n’a pas de période de renvoi.", "A cycle has no resend period."),
            Self::RemindOnlyModules => {
                ("Seuls les modules ont une période de rappel.", "Only modules have a reminder period.")
            }
            Self::Archived => ("Cet élément est archivé.", "This item is archived."),
            Self::AddressTaken => (
                "Un utilisateur ou un contact de l’entreprise a déjà cette adresse.",
                "A user or a contact of the company already has this address.",
            ),
            Self::LinkExpired => (
                "Ce lien d’inscription a expiré ou a déjà servi. Demandez une nouvelle invitation.",
                "This sign-up link expired or was used already. Ask for a new invitation.",
            ),
            Self::Outranked => (
                "Cette personne a des droits que vous n’avez pas : seul quelqu’un qui les a peut la modifier.",
                "This person holds rights you do not have: only someone who holds them may change this person.",
            ),
            Self::FieldsNeedAttention => ("Certains champs sont à revoir.", "Some fields need attention."),
            Self::IdentifierNeeded => (
                "Remplissez au moins un des champs qui vous identifient, pour être reconnu.",
                "Fill in at least one of the fields that identify you, so you can be recognised.",
            ),
            Self::PasswordLinkExpired => (
                "Ce lien pour choisir un mot de passe a expiré ou a déjà servi. Demandez-en un nouveau à votre administrateur.",
                "This link to choose a password expired or was used already. Ask your administrator for a new one.",
            ),
            Self::TooManyEntries => (
                "La liste est trop longue pour une invitation : importez un fichier ou invitez un groupe.",
                "The list is too long for one invitation: import a file or invite a group.",
            ),
            Self::TimeMissing => {
                ("Indiquez aussi l’heure, par ex. 25/12/2026 08:30.", "Give the time too, e.g. 25/12/2026 08:30.")
            }
            Self::TimeSkipped => (
                "Cette heure n’existe pas ce jour-là dans le fuseau de l’entreprise (passage à l’heure d’été) : choisissez-en une autre.",
                "This time does not exist that day in the company’s time zone (clocks go forward): choose another.",
            ),
            Self::TimeRepeated => (
                "Cette heure a lieu deux fois ce jour-là dans le fuseau de l’entreprise (passage à l’heure d’hiver) : choisissez-en une autre.",
                "This time happens twice that day in the company’s time zone (clocks go back): choose another.",
            ),
            Self::NotAPeriod => (
                "Indiquez une durée en jours ou en semaines, par ex. 7 jours ou 2 semaines.",
                "Give a period in days or weeks, e.g. 7 days or 2 weeks.",
            ),
            Self::UnknownActivity => (
                "Aucune activité de l’entreprise n’a ce nom ou cet identifiant.",
                "No activity of the company has this name or id.",
            ),
            Self::AmbiguousActivity => (
                "Plusieurs activités portent ce nom : indiquez l’identifiant de l’activité.",
                "Several activities have this name: give the activity’s id.",
            ),
            Self::ActivityTypeMismatch => (
                "Cette activité n’est pas du type indiqué sur la ligne.",
                "This activity is not of the type the row gives.",
            ),
            Self::UnknownUser => (
                "Aucun utilisateur de l’entreprise n’a cet e-mail, ce mobile ou ce matricule.",
                "No user of the company has this e-mail, mobile or employee id.",
            ),
            Self::UserIgnored => (
                "Des groupes sont indiqués : l’utilisateur de cette ligne n’est pas pris en compte.",
                "Groups are given: the row’s user is not used.",
            ),
            Self::GroupsOrUserRequired => (
                "Indiquez des groupes, ou un utilisateur si aucun groupe n’est donné.",
                "Give groups, or a user when no group is given.",
            ),
            Self::UserNotInvitable => (
                "Cet utilisateur est désactivé ou supprimé : il ne sera pas invité.",
                "This user is deactivated or deleted: they will not be invited.",
            ),
            Self::DuplicateInvitation => (
                "Une autre ligne invite déjà les mêmes personnes à la même activité.",
                "Another row already invites the same people to the same activity.",
            ),
            Self::InvitedByEarlierRow => (
                "Des personnes de cette ligne sont déjà invitées à cette activité par une ligne précédente : elles ne sont invitées qu’une fois.",
                "Some people of this row are already invited to this activity by an earlier row: they are invited once.",
            ),
            Self::UnknownTimeZone => (
                "Fuseau horaire inconnu : choisissez-en un de la liste, par ex. Europe/Paris.",
                "Unknown time zone: choose one from the list, e.g. Europe/Paris.",
            ),
            Self::NobodyToInvite => (
                "Cette ligne n’invite personne : ses groupes sont vides ou leurs membres ne peuvent pas être invités.",
                "This row invites nobody: its groups are empty or their members cannot be invited.",
            ),
            Self::FormWithoutField => {
                ("Le formulaire doit demander au moins un champ.", "The form must ask at least one field.")
            }
            Self::FieldTwice => {
                ("Le formulaire demande deux fois le même champ.", "The form asks the same field twice.")
            }
            Self::AuthenticationNeedsIdentifier => (
                "L’authentification obligatoire demande le matricule ou l’e-mail dans le formulaire.",
                "Required authentication needs the employee id or the e-mail in the form.",
            ),
            Self::UserNotFound => ("Utilisateur non trouvé.", "User not found."),
            Self::ChallengeFailed => {
                ("La vérification anti-robot a échoué : réessayez.", "The anti-robot check failed: please try again.")
            }
            Self::LinkClosed => ("Ce lien n’est plus ouvert.", "This link is no longer open."),
            Self::LinkPastClosingDate => {
                ("Ce lien a fermé à sa date de clôture.", "This link closed on its closing date.")
            }
            Self::NotPublicType => (
                "Seuls les questionnaires et les modules peuvent avoir un lien public.",
                "Only questionnaires and modules can have a public link.",
            ),
            Self::ChallengeNotConfigured => (
                "La vérification anti-robot n’est pas configurée sur cette installation (clés Turnstile).",
                "The anti-robot check is not set up on this installation (Turnstile keys).",
            ),
            Self::PasswordTooShort => (
                "Le mot de passe doit compter au moins 10 caractères.",
                "The password must be at least 10 characters long.",
            ),
            Self::RoleNotGrantable => (
                "Seul un administrateur d’entreprise peut accorder ce rôle.",
                "Only a company administrator can grant this role.",
            ),
            Self::NoLicenceLeft => (
                "Toutes les licences de l’entreprise sont attribuées : choisissez le niveau participant, \
                 ou libérez une licence en désactivant un utilisateur.",
                "Every licence of the company is taken: choose the participant level, \
                 or free a licence by deactivating a user.",
            ),
            Self::TransferToSelf => (
                "Choisissez un autre utilisateur que celui qui a créé les activités.",
                "Choose another user than the one who created the activities.",
            ),
            Self::TransferNeedsCreator => (
                "Les activités ne peuvent être confiées qu’à un créateur créé, invité ou actif.",
                "Activities can only be handed to a creator who is created, invited or active.",
            ),
            Self::TooManyChanges => (
                "Trop de changements pour un seul enregistrement (2 000 au plus) : enregistrez en plusieurs fois.",
                "Too many changes for one save (2,000 at most): save in several goes.",
            ),
            Self::AddedAndRemoved => (
                "Une même appartenance ne peut pas être ajoutée et retirée dans la même modification.",
                "The same membership cannot be both added and taken off in one change.",
            ),
            Self::OwnRole => (
                "Vous ne pouvez pas changer votre propre rôle : demandez-le à un autre administrateur.",
                "You cannot change your own role: ask another administrator.",
            ),
            Self::UserDeleted => (
                "Cet utilisateur est supprimé : ses données ont été anonymisées et ne peuvent plus être modifiées.",
                "This user is deleted: their details were anonymised and can no longer be changed.",
            ),
            Self::ProfileNameTaken => (
                "Un profil d’habilitations de l’entreprise porte déjà ce nom.",
                "A permission profile of the company already has this name.",
            ),
            Self::PresetKept => (
                "Les profils prédéfinis ne peuvent pas être supprimés ; leurs habilitations peuvent être modifiées.",
                "Predefined profiles cannot be deleted; their permissions can be edited.",
            ),
            Self::AdvancedPermissionsNeedGold => {
                ("Les habilitations avancées demandent l’offre Gold.", "Advanced permissions need the gold plan.")
            }
        };
        in_language(lang, fr, en)
    }
}

/// A problem with one field of a form, ready to show next to that field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name, as in the API (`email`, `last_name` …).
    pub field: &'static str,
    /// What is wrong.
    pub code: Message,
}

impl FieldError {
    /// A problem `code` on `field`.
    pub const fn new(field: &'static str, code: Message) -> Self {
        Self { field, code }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_singular_or_plural_as_each_language_wants() {
        assert_eq!(count(Language::Fr, 1, Noun::Week), "1 semaine");
        assert_eq!(count(Language::Fr, 0, Noun::Invitation), "0 invitation");
        assert_eq!(count(Language::Fr, 2, Noun::Week), "2 semaines");
        assert_eq!(count(Language::En, 1, Noun::Invitation), "1 invitation");
        assert_eq!(count(Language::En, 0, Noun::Person), "0 people");
        assert_eq!(count(Language::En, 3, Noun::Batch), "3 batches");
    }

    #[test]
    fn accept_language_picks_the_first_supported_tag() {
        assert_eq!(Language::from_accept_language("fr-FR,fr;q=0.9,en;q=0.8"), Some(Language::Fr));
        assert_eq!(Language::from_accept_language("es-ES, en-GB;q=0.7"), Some(Language::En));
        assert_eq!(Language::from_accept_language("ja"), None);
    }

    #[test]
    fn languages_parse_from_codes_and_names() {
        assert_eq!(Language::parse("Français"), Ok(Language::Fr));
        assert_eq!(Language::parse("ENGLISH"), Ok(Language::En));
        assert!(Language::parse("klingon").is_err());
    }

    #[test]
    fn german_messages_fall_back_to_english() {
        assert_eq!(Message::Required.text(Language::De), Message::Required.text(Language::En));
        assert_ne!(Message::Required.text(Language::Fr), Message::Required.text(Language::En));
    }
}
