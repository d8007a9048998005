//! Public links to a questionnaire or a module (I1–I7): who may open one,
//! what its identification form asks, and what an answer leads to.
//!
//! The rules are decided here; the Worker only looks people up and records
//! the attempt. An answer leads to one of three paths ([`Plan`]): a guest
//! (the form identifies nobody), a user who must exist ("authentication
//! required"), or a user else a contact else a guest. The last path runs
//! the same statements whatever it finds, so its answer and its timing say
//! nothing about who exists.

pub mod page;
pub mod qr;

use serde::{Deserialize, Serialize};

use crate::invitation::Address;
use crate::invitation::schedule::local_time_message;
use crate::messages::{FieldError, Message};
use crate::model::{ActivityType, Contact, CountryCode, Email, EmployeeId, Mobile, PersonName, TextError};
use crate::time::{Timestamp, Zone};
use crate::vocabulary::vocabulary;

vocabulary! {
    /// A field an identification form may ask (I2).
    pub enum FormField {
        /// The company's identifier for the employee.
        EmployeeId = "employee_id" { fr: "matricule", en: "employee id" },
        /// An e-mail address or a mobile number, in one field.
        EmailOrMobile = "email_or_mobile" { fr: "e-mail ou mobile", en: "e-mail or mobile" },
        /// Last name.
        LastName = "last_name" { fr: "nom", en: "last name" },
        /// First name.
        FirstName = "first_name" { fr: "prénom", en: "first name" },
        /// The company the person says they belong to.
        Company = "company" { fr: "entreprise", en: "company" },
    }
}

impl FormField {
    /// Whether the field can tie an answer to a user of the company.
    pub const fn identifies(self) -> bool {
        matches!(self, Self::EmployeeId | Self::EmailOrMobile)
    }
}

vocabulary! {
    /// Who took a public attempt, as the results tab shows it (I6).
    pub enum Party {
        /// A user of the company.
        User = "user" { fr: "utilisateur", en: "user" },
        /// A contact, created or found from the form.
        Contact = "contact" { fr: "contact", en: "contact" },
        /// Someone the form did not identify.
        Guest = "guest" { fr: "invité", en: "guest" },
    }
}

/// Whether the activity types may be opened to the public: questionnaires
/// and modules only (I1).
pub const fn can_be_public(kind: ActivityType) -> bool {
    matches!(kind, ActivityType::Questionnaire | ActivityType::Module)
}

/// One field of a form, and whether it must be filled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldRule {
    /// The field.
    pub field: FormField,
    /// Whether an answer without it is refused.
    #[serde(default)]
    pub required: bool,
}

/// The identification form shown before the activity (I2, I3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentificationForm {
    /// The fields asked, in the order they are shown.
    pub fields: Vec<FieldRule>,
    /// Only users of the company may continue (I3).
    #[serde(default)]
    pub authentication_required: bool,
}

impl IdentificationForm {
    /// The form as kept: fields in their canonical order.
    ///
    /// # Errors
    /// A [`FieldError`] on `form` when it asks no field or one field twice,
    /// and on `authentication_required` when it asks neither employee id
    /// nor e-mail: nobody could then be recognised.
    pub fn checked(mut self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        self.fields.sort_by_key(|rule| rule.field);
        if self.fields.is_empty() {
            errors.push(FieldError::new("form", Message::FormWithoutField));
        }
        if self.fields.windows(2).any(|pair| pair[0].field == pair[1].field) {
            errors.push(FieldError::new("form", Message::FieldTwice));
        }
        if self.authentication_required && !self.identifies() {
            errors.push(FieldError::new("authentication_required", Message::AuthenticationNeedsIdentifier));
        }
        if errors.is_empty() { Ok(self) } else { Err(errors) }
    }

    /// Whether the form asks a field that identifies people.
    pub fn identifies(&self) -> bool {
        self.fields.iter().any(|rule| rule.field.identifies())
    }
}

/// A link's settings as an administrator sets them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSettingsForm {
    /// Whether the link answers.
    pub enabled: Option<bool>,
    /// When it stops answering, in the company's time (`2026-12-31T18:00`);
    /// null or empty for never.
    #[serde(default, deserialize_with = "present")]
    #[allow(clippy::option_option)] // left out, null, or a date
    pub closes_at: Option<Option<String>>,
    /// The identification form; null for none.
    #[serde(default, deserialize_with = "present")]
    #[allow(clippy::option_option)] // left out, null, or a form
    pub form: Option<Option<IdentificationForm>>,
}

/// A field that may be left out (unchanged) or given as null (cleared).
#[allow(clippy::option_option)] // the three cases are the point
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A link's settings as kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkSettings {
    /// Whether the link answers.
    pub enabled: bool,
    /// When it stops answering.
    pub closes_at: Option<Timestamp>,
    /// The identification form, if any.
    pub form: Option<IdentificationForm>,
}

impl Default for LinkSettings {
    fn default() -> Self {
        Self { enabled: true, closes_at: None, form: None }
    }
}

impl LinkSettingsForm {
    /// The settings once changed: fields left out stay as they are.
    ///
    /// # Errors
    /// Every [`FieldError`]: a closing date that is no date, a time the
    /// clocks skip, a date not in the future, a form that cannot work.
    pub fn apply(&self, settings: &LinkSettings, zone: &Zone, now: Timestamp) -> Result<LinkSettings, Vec<FieldError>> {
        let mut changed = settings.clone();
        let mut errors = Vec::new();
        if let Some(enabled) = self.enabled {
            changed.enabled = enabled;
        }
        match self.closes_at.as_ref().map(|raw| raw.as_deref().map(str::trim).filter(|raw| !raw.is_empty())) {
            None => {}
            Some(None) => changed.closes_at = None,
            Some(Some(raw)) => match zone.instant(raw) {
                Ok(at) if at > now => changed.closes_at = Some(at),
                Ok(_) => errors.push(FieldError::new("closes_at", Message::NotInFuture)),
                Err(e) => errors.push(FieldError::new("closes_at", local_time_message(e))),
            },
        }
        match &self.form {
            None => {}
            Some(None) => changed.form = None,
            Some(Some(form)) => match form.clone().checked() {
                Ok(form) => changed.form = Some(form),
                Err(mut e) => errors.append(&mut e),
            },
        }
        if errors.is_empty() { Ok(changed) } else { Err(errors) }
    }
}

/// Why a link does not open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closed {
    /// The administrator turned it off.
    TurnedOff,
    /// Its closing date passed.
    PastClosingDate,
    /// Its activity is archived.
    ActivityArchived,
}

impl Closed {
    /// What the visitor is told.
    pub const fn message(self) -> Message {
        match self {
            Self::TurnedOff | Self::ActivityArchived => Message::LinkClosed,
            Self::PastClosingDate => Message::LinkPastClosingDate,
        }
    }
}

/// Whether a link opens at `now`.
///
/// # Errors
/// [`Closed`] saying why it does not.
pub fn check_open(settings: &LinkSettings, activity_archived: bool, now: Timestamp) -> Result<(), Closed> {
    if activity_archived {
        Err(Closed::ActivityArchived)
    } else if !settings.enabled {
        Err(Closed::TurnedOff)
    } else if settings.closes_at.is_some_and(|at| at <= now) {
        Err(Closed::PastClosingDate)
    } else {
        Ok(())
    }
}

/// What a visitor submitted, as text, field by field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAnswers {
    /// Employee id.
    pub employee_id: Option<String>,
    /// E-mail address or mobile number.
    pub email_or_mobile: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// The challenge's token, when the company protects its forms with one.
    pub challenge: Option<String>,
}

/// The longest value kept from one field of a form post.
const MAX_RAW_LEN: usize = 1_000;

impl RawAnswers {
    /// Keeps a value posted under `name` (a field code, or the challenge's
    /// `cf-turnstile-response`); other names are ignored.
    pub fn set(&mut self, name: &str, value: &str) {
        let slot = match name {
            "employee_id" => &mut self.employee_id,
            "email_or_mobile" => &mut self.email_or_mobile,
            "last_name" => &mut self.last_name,
            "first_name" => &mut self.first_name,
            "company" => &mut self.company,
            "challenge" | "cf-turnstile-response" => &mut self.challenge,
            _ => return,
        };
        *slot = Some(value.chars().take(MAX_RAW_LEN).collect());
    }

    /// The value given for `field`, when not blank.
    pub fn value(&self, field: FormField) -> Option<&str> {
        let raw = match field {
            FormField::EmployeeId => &self.employee_id,
            FormField::EmailOrMobile => &self.email_or_mobile,
            FormField::LastName => &self.last_name,
            FormField::FirstName => &self.first_name,
            FormField::Company => &self.company,
        };
        raw.as_deref().filter(|v| !v.trim().is_empty())
    }
}

/// A visitor's answers, read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answers {
    /// Employee id.
    pub employee_id: Option<EmployeeId>,
    /// E-mail address or mobile number.
    pub address: Option<Address>,
    /// Last name.
    pub last_name: Option<PersonName>,
    /// First name.
    pub first_name: Option<PersonName>,
    /// Company.
    pub company: Option<PersonName>,
}

impl Answers {
    /// The e-mail address given, if any.
    pub fn email(&self) -> Option<&Email> {
        match &self.address {
            Some(Address::Email(email)) => Some(email),
            _ => None,
        }
    }

    /// The mobile number given, if any.
    pub fn mobile(&self) -> Option<&Mobile> {
        match &self.address {
            Some(Address::Sms(mobile)) => Some(mobile),
            _ => None,
        }
    }

    /// Whether a value that identifies people was given.
    pub const fn identifies(&self) -> bool {
        self.employee_id.is_some() || self.address.is_some()
    }
}

/// Reads an e-mail address or a mobile number from one field: text with
/// an `@` is an address, anything else a number of `home` or abroad.
///
/// # Errors
/// The [`Message`] to show on the field.
pub fn read_address(raw: &str, home: CountryCode) -> Result<Address, Message> {
    if raw.contains('@') {
        Email::parse(raw).map(Address::Email).map_err(crate::model::EmailError::message)
    } else if raw.chars().any(|c| c.is_ascii_digit()) {
        Mobile::parse(raw, home).map(Address::Sms).map_err(crate::model::MobileError::message)
    } else {
        Err(Message::NotAnAddress)
    }
}

/// Reads a visitor's answers to `form`; values of fields the form does not
/// ask are dropped.
///
/// # Errors
/// Every [`FieldError`], each on its field (I5).
pub fn read_answers(
    form: &IdentificationForm,
    raw: &RawAnswers,
    home: CountryCode,
) -> Result<Answers, Vec<FieldError>> {
    let mut answers = Answers::default();
    let mut errors = Vec::new();
    for rule in &form.fields {
        let field = rule.field;
        let Some(value) = raw.value(field) else {
            if rule.required {
                errors.push(FieldError::new(field.code(), Message::Required));
            }
            continue;
        };
        let read = match field {
            FormField::EmployeeId => {
                EmployeeId::parse(value).map(|v| answers.employee_id = Some(v)).map_err(TextError::message)
            }
            FormField::EmailOrMobile => read_address(value, home).map(|v| answers.address = Some(v)),
            FormField::LastName => {
                PersonName::parse(value).map(|v| answers.last_name = Some(v)).map_err(TextError::message)
            }
            FormField::FirstName => {
                PersonName::parse(value).map(|v| answers.first_name = Some(v)).map_err(TextError::message)
            }
            FormField::Company => {
                PersonName::parse(value).map(|v| answers.company = Some(v)).map_err(TextError::message)
            }
        };
        if let Err(code) = read {
            errors.push(FieldError::new(field.code(), code));
        }
    }
    if errors.is_empty() && form.authentication_required && !answers.identifies() {
        // Optional identifying fields all left blank: nobody to recognise.
        let first =
            form.fields.iter().find(|rule| rule.field.identifies()).map_or(FormField::EmailOrMobile, |r| r.field);
        errors.push(FieldError::new(first.code(), Message::IdentifierNeeded));
    }
    if errors.is_empty() { Ok(answers) } else { Err(errors) }
}

/// What the Worker does with an answer (I4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Nothing identifies the visitor: a guest attempt, nothing created.
    Guest,
    /// Only a user of the company may continue; anyone else is told
    /// "user not found" and no attempt is recorded (I3).
    UserRequired,
    /// The user these answers name; else the contact they name, found or
    /// created when the answers hold an address; else a guest.
    UserElseContact(Option<Contact>),
}

/// Decides what an answer leads to (I4).
pub fn plan(form: Option<&IdentificationForm>, answers: &Answers) -> Plan {
    match form {
        None => Plan::Guest,
        Some(form) if form.authentication_required => Plan::UserRequired,
        Some(_) if !answers.identifies() => Plan::Guest,
        Some(_) => Plan::UserElseContact(
            Contact::new(
                answers.email().cloned(),
                answers.mobile().cloned(),
                answers.last_name.clone(),
                answers.first_name.clone(),
                answers.company.clone(),
            )
            .ok(),
        ),
    }
}

/// The field "user not found" is shown on: the form's first identifying field.
pub fn user_not_found(form: &IdentificationForm) -> FieldError {
    let field = form.fields.iter().find(|rule| rule.field.identifies()).map_or(FormField::EmailOrMobile, |r| r.field);
    FieldError::new(field.code(), Message::UserNotFound)
}

/// The score a player reports at the end of an attempt: 0 to 100.
///
/// # Errors
/// [`Message::OutOfRange`] outside 0–100.
pub fn read_score(score: Option<i64>) -> Result<Option<u8>, Message> {
    score.map(|s| u8::try_from(s).ok().filter(|s| *s <= 100).ok_or(Message::OutOfRange)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(fields: &[(FormField, bool)], authentication_required: bool) -> IdentificationForm {
        IdentificationForm {
            fields: fields.iter().map(|&(field, required)| FieldRule { field, required }).collect(),
            authentication_required,
        }
    }

    fn raw(pairs: &[(&str, &str)]) -> RawAnswers {
        let mut raw = RawAnswers::default();
        for (name, value) in pairs {
            raw.set(name, value);
        }
        raw
    }

    const FR: CountryCode = CountryCode::FRANCE;

    #[test]
    fn authentication_required_needs_an_employee_id_or_an_email_field() {
        let names = form(&[(FormField::LastName, true), (FormField::Company, false)], true);
        assert_eq!(
            names.checked().unwrap_err(),
            [FieldError::new("authentication_required", Message::AuthenticationNeedsIdentifier)]
        );
        assert!(form(&[(FormField::EmployeeId, true)], true).checked().is_ok());
        assert!(form(&[(FormField::EmailOrMobile, false), (FormField::LastName, true)], true).checked().is_ok());
    }

    #[test]
    fn a_form_asks_each_field_once_and_at_least_one() {
        let twice = form(&[(FormField::LastName, true), (FormField::LastName, false)], false);
        assert_eq!(twice.checked().unwrap_err(), [FieldError::new("form", Message::FieldTwice)]);
        assert_eq!(form(&[], false).checked().unwrap_err(), [FieldError::new("form", Message::FormWithoutField)]);
        let shuffled = form(&[(FormField::Company, false), (FormField::EmployeeId, true)], false).checked().unwrap();
        assert_eq!(shuffled.fields[0].field, FormField::EmployeeId, "kept in the canonical order");
    }

    #[test]
    fn each_wrong_value_is_reported_on_its_field() {
        let f = form(
            &[(FormField::EmailOrMobile, true), (FormField::LastName, true), (FormField::FirstName, false)],
            false,
        );
        let errors = read_answers(&f, &raw(&[("email_or_mobile", "zoé@"), ("first_name", "a\tb")]), FR).unwrap_err();
        assert_eq!(
            errors,
            [
                FieldError::new("email_or_mobile", Message::InvalidEmail),
                FieldError::new("last_name", Message::Required),
                FieldError::new("first_name", Message::ControlCharacters),
            ]
        );
        let not_either = read_answers(&f, &raw(&[("email_or_mobile", "Dupont"), ("last_name", "D")]), FR);
        assert_eq!(not_either.unwrap_err(), [FieldError::new("email_or_mobile", Message::NotAnAddress)]);
        let landline = read_answers(&f, &raw(&[("email_or_mobile", "01 23 45 67 89"), ("last_name", "D")]), FR);
        assert_eq!(landline.unwrap_err(), [FieldError::new("email_or_mobile", Message::NotMobile)]);
    }

    #[test]
    fn a_mobile_is_read_in_any_national_or_international_form() {
        let f = form(&[(FormField::EmailOrMobile, true)], false);
        for typed in ["06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678", "33612345678"] {
            let answers = read_answers(&f, &raw(&[("email_or_mobile", typed)]), FR).unwrap();
            assert_eq!(answers.mobile().map(Mobile::as_str), Some("+33612345678"), "{typed}");
        }
        let email = read_answers(&f, &raw(&[("email_or_mobile", " Zoe@Example.ORG ")]), FR).unwrap();
        assert_eq!(email.email().map(Email::as_str), Some("zoe@example.org"));
    }

    #[test]
    fn values_of_fields_the_form_does_not_ask_are_dropped() {
        let f = form(&[(FormField::LastName, true)], false);
        let answers = read_answers(&f, &raw(&[("last_name", "Martin"), ("email_or_mobile", "x@y.fr")]), FR).unwrap();
        assert_eq!(answers.address, None);
        assert_eq!(plan(Some(&f), &answers), Plan::Guest);
    }

    #[test]
    fn the_four_outcomes_follow_the_form() {
        assert_eq!(plan(None, &Answers::default()), Plan::Guest);
        let names = form(&[(FormField::LastName, true), (FormField::FirstName, false)], false);
        let martin = read_answers(&names, &raw(&[("last_name", "Martin")]), FR).unwrap();
        assert_eq!(plan(Some(&names), &martin), Plan::Guest, "no identifying field: a guest");

        let open = form(&[(FormField::EmailOrMobile, true), (FormField::LastName, false)], false);
        let answers =
            read_answers(&open, &raw(&[("email_or_mobile", "zoe@example.org"), ("last_name", "Zoé")]), FR).unwrap();
        let Plan::UserElseContact(Some(contact)) = plan(Some(&open), &answers) else {
            panic!("a user, else a contact")
        };
        assert_eq!(contact.email.as_ref().map(Email::as_str), Some("zoe@example.org"));
        assert_eq!(contact.last_name.as_ref().map(PersonName::as_str), Some("Zoé"));

        let by_id = form(&[(FormField::EmployeeId, true)], false);
        let answers = read_answers(&by_id, &raw(&[("employee_id", "E-42")]), FR).unwrap();
        assert_eq!(plan(Some(&by_id), &answers), Plan::UserElseContact(None), "no address: a user, else a guest");

        let required = form(&[(FormField::EmployeeId, false), (FormField::EmailOrMobile, false)], true);
        let blank = read_answers(&required, &raw(&[]), FR).unwrap_err();
        assert_eq!(blank, [FieldError::new("employee_id", Message::IdentifierNeeded)], "someone must be named");
        let answers = read_answers(&required, &raw(&[("email_or_mobile", "a@b.fr")]), FR).unwrap();
        assert_eq!(plan(Some(&required), &answers), Plan::UserRequired);
        assert_eq!(user_not_found(&required), FieldError::new("employee_id", Message::UserNotFound));
    }

    #[test]
    fn a_link_closes_when_turned_off_past_its_date_or_with_its_activity() {
        let now = Timestamp::from_unix_seconds(1_000_000);
        let mut settings = LinkSettings::default();
        assert_eq!(check_open(&settings, false, now), Ok(()));
        assert_eq!(check_open(&settings, true, now), Err(Closed::ActivityArchived));
        settings.closes_at = Some(now);
        assert_eq!(check_open(&settings, false, now), Err(Closed::PastClosingDate));
        settings.closes_at = Some(now.plus_seconds(1));
        assert_eq!(check_open(&settings, false, now), Ok(()));
        settings.enabled = false;
        assert_eq!(check_open(&settings, false, now), Err(Closed::TurnedOff));
    }

    #[test]
    fn settings_change_only_what_is_given_and_refuse_a_past_closing_date() {
        let zone = Zone::parse("Europe/Paris").unwrap();
        let now = zone.instant("2026-11-22T10:00").unwrap();
        let kept = LinkSettings { enabled: true, closes_at: Some(now.plus_days(3)), form: None };
        let off: LinkSettingsForm = serde_json::from_str(r#"{"enabled": false}"#).unwrap();
        let changed = off.apply(&kept, &zone, now).unwrap();
        assert!(!changed.enabled);
        assert_eq!(changed.closes_at, kept.closes_at);
        let past: LinkSettingsForm = serde_json::from_str(r#"{"closes_at": "2026-11-21T10:00"}"#).unwrap();
        assert_eq!(past.apply(&kept, &zone, now).unwrap_err(), [FieldError::new("closes_at", Message::NotInFuture)]);
        let skipped: LinkSettingsForm = serde_json::from_str(r#"{"closes_at": "2027-03-28T02:30"}"#).unwrap();
        assert_eq!(skipped.apply(&kept, &zone, now).unwrap_err(), [FieldError::new("closes_at", Message::TimeSkipped)]);
        let never: LinkSettingsForm = serde_json::from_str(r#"{"closes_at": null, "form": null}"#).unwrap();
        assert_eq!(never.apply(&kept, &zone, now).unwrap().closes_at, None);
    }

    #[test]
    fn posted_values_are_capped_and_unknown_names_ignored() {
        let long = "x".repeat(5_000);
        let answers = raw(&[("last_name", &long), ("password", "no")]);
        assert_eq!(answers.last_name.as_deref().map(str::len), Some(MAX_RAW_LEN));
        assert_eq!(answers, RawAnswers { last_name: Some("x".repeat(MAX_RAW_LEN)), ..RawAnswers::default() });
    }

    #[test]
    fn scores_are_whole_percentages() {
        assert_eq!(read_score(Some(87)), Ok(Some(87)));
        assert_eq!(read_score(Some(0)), Ok(Some(0)));
        assert_eq!(read_score(None), Ok(None));
        assert_eq!(read_score(Some(101)), Err(Message::OutOfRange));
        assert_eq!(read_score(Some(-1)), Err(Message::OutOfRange));
    }
}
