//! The web form that creates one user (B1).

use serde::Deserialize;

use crate::messages::{FieldError, Message};
use crate::model::{
    Channel, CountryCode, Email, EmailError, EmployeeId, LicenceLevel, Mobile, MobileError, PersonName, Role,
    TextError, UserStatus, UserType,
};
use crate::{Language, text};

/// A field of a user's record that people fill in: the one list the form,
/// the import, the import's diff and the database all follow. Its code is
/// the form's field, the import's column code and the database column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UserField {
    /// Last name (required).
    LastName,
    /// First name.
    FirstName,
    /// E-mail address.
    Email,
    /// Mobile number (E.164).
    Mobile,
    /// The company's identifier for the employee.
    EmployeeId,
    /// Department.
    Department,
    /// User type.
    UserType,
    /// Role (rights).
    Role,
    /// Licence level.
    LicenceLevel,
    /// Preferred channel.
    PreferredChannel,
    /// Language.
    Language,
}

impl UserField {
    /// Every field, in the order forms and files show them.
    pub const ALL: [Self; 11] = [
        Self::LastName,
        Self::FirstName,
        Self::Email,
        Self::Mobile,
        Self::EmployeeId,
        Self::Department,
        Self::UserType,
        Self::Role,
        Self::LicenceLevel,
        Self::PreferredChannel,
        Self::Language,
    ];

    /// The field's code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::LastName => "last_name",
            Self::FirstName => "first_name",
            Self::Email => "email",
            Self::Mobile => "mobile",
            Self::EmployeeId => "employee_id",
            Self::Department => "department",
            Self::UserType => "user_type",
            Self::Role => "role",
            Self::LicenceLevel => "licence_level",
            Self::PreferredChannel => "preferred_channel",
            Self::Language => "language",
        }
    }

    /// The field with this code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// The form as submitted: every field optional text, as a browser sends it.
/// Fields it does not know are refused, so a misspelt field is never
/// silently dropped.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewUserForm {
    /// Last name (required).
    pub last_name: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// E-mail address; this or the mobile is required.
    pub email: Option<String>,
    /// Mobile number; this or the e-mail is required.
    pub mobile: Option<String>,
    /// The company's identifier for the employee.
    pub employee_id: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// User type; collaborator when absent.
    pub user_type: Option<String>,
    /// Role (rights); member when absent.
    pub role: Option<String>,
    /// Licence level; creator when absent.
    pub licence_level: Option<String>,
    /// Preferred channel; e-mail when an address is given, otherwise SMS.
    pub preferred_channel: Option<String>,
    /// Language; the administrator's when absent.
    pub language: Option<String>,
}

impl NewUserForm {
    /// What was typed into `field`.
    pub const fn raw(&self, field: UserField) -> Option<&String> {
        match field {
            UserField::LastName => self.last_name.as_ref(),
            UserField::FirstName => self.first_name.as_ref(),
            UserField::Email => self.email.as_ref(),
            UserField::Mobile => self.mobile.as_ref(),
            UserField::EmployeeId => self.employee_id.as_ref(),
            UserField::Department => self.department.as_ref(),
            UserField::UserType => self.user_type.as_ref(),
            UserField::Role => self.role.as_ref(),
            UserField::LicenceLevel => self.licence_level.as_ref(),
            UserField::PreferredChannel => self.preferred_channel.as_ref(),
            UserField::Language => self.language.as_ref(),
        }
    }

    fn slot(&mut self, field: UserField) -> &mut Option<String> {
        match field {
            UserField::LastName => &mut self.last_name,
            UserField::FirstName => &mut self.first_name,
            UserField::Email => &mut self.email,
            UserField::Mobile => &mut self.mobile,
            UserField::EmployeeId => &mut self.employee_id,
            UserField::Department => &mut self.department,
            UserField::UserType => &mut self.user_type,
            UserField::Role => &mut self.role,
            UserField::LicenceLevel => &mut self.licence_level,
            UserField::PreferredChannel => &mut self.preferred_channel,
            UserField::Language => &mut self.language,
        }
    }

    /// The form as a stored user fills it: what an edit starts from.
    pub fn of_user<'a>(value: impl Fn(UserField) -> Option<&'a str>) -> Self {
        let mut form = Self::default();
        for field in UserField::ALL {
            *form.slot(field) = value(field).map(str::to_owned);
        }
        form
    }

    /// Parses an edit of a stored user (`current`, as [`Self::of_user`]
    /// gives it): each field this form gives replaces the user's, an empty
    /// one clears it, the others stay. The same errors as creation, and one
    /// more: an administrator cannot change their own role.
    ///
    /// # Errors
    /// Every field error found.
    pub fn parse_edit(&self, mut current: Self, context: FormContext, own: bool) -> Result<NewUser, Vec<FieldError>> {
        let role_before = current.role.clone();
        for field in UserField::ALL {
            if let Some(given) = self.raw(field) {
                *current.slot(field) = Some(given.clone());
            }
        }
        let edited = current.parse(context);
        let role_changed = |role: Role| role_before.as_deref().and_then(|r| Role::parse(r).ok()) != Some(role);
        match edited {
            Ok(user) if own && role_changed(user.role) => Err(vec![FieldError::new("role", Message::OwnRole)]),
            other => other,
        }
    }
}

/// Who fills the form in, which sets the defaults and what may be granted.
#[derive(Clone, Copy, Debug)]
pub struct FormContext {
    /// The administrator's language: the default for the new user.
    pub admin_language: Language,
    /// The administrator's role: bounds the role they may grant.
    pub admin_role: Role,
    /// The company's calling code, for national mobile numbers.
    pub country_code: CountryCode,
}

/// A user ready to be stored: every value parsed, every default applied.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NewUser {
    /// Last name.
    pub last_name: PersonName,
    /// First name.
    pub first_name: Option<PersonName>,
    /// E-mail address.
    pub email: Option<Email>,
    /// Mobile number (E.164).
    pub mobile: Option<Mobile>,
    /// The company's identifier for the employee.
    pub employee_id: Option<EmployeeId>,
    /// Department.
    pub department: Option<PersonName>,
    /// User type.
    pub user_type: UserType,
    /// Role.
    pub role: Role,
    /// Licence level.
    pub licence_level: LicenceLevel,
    /// Preferred channel.
    pub preferred_channel: Channel,
    /// Language.
    pub language: Language,
    /// Always [`UserStatus::Created`]: not told, cannot sign in yet.
    pub status: UserStatus,
}

fn filled(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// Collects field errors while parsing, so every bad field is reported at once.
#[derive(Default)]
struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    fn optional<T, E>(
        &mut self,
        field: &'static str,
        raw: Option<&String>,
        parse: impl FnOnce(&str) -> Result<T, E>,
        describe: impl FnOnce(E) -> Message,
    ) -> Option<T> {
        parse(filled(raw)?).map_err(|error| self.errors.push(FieldError::new(field, describe(error)))).ok()
    }

    fn required<T, E>(
        &mut self,
        field: &'static str,
        raw: Option<&String>,
        parse: impl FnOnce(&str) -> Result<T, E>,
        describe: impl FnOnce(E) -> Message,
    ) -> Option<T> {
        if filled(raw).is_none() {
            self.errors.push(FieldError::new(field, Message::Required));
            return None;
        }
        self.optional(field, raw, parse, describe)
    }

    fn vocabulary<T, E>(
        &mut self,
        field: &'static str,
        raw: Option<&String>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        self.optional(field, raw, parse, |_| Message::UnknownValue)
    }
}

impl NewUserForm {
    /// Parses the form, applying B1's defaults.
    ///
    /// # Errors
    /// Every field error found, each naming its field, in form order.
    pub fn parse(&self, context: FormContext) -> Result<NewUser, Vec<FieldError>> {
        let mut c = Checker::default();
        let last_name = c.required("last_name", self.last_name.as_ref(), PersonName::parse, TextError::message);
        let first_name = c.optional("first_name", self.first_name.as_ref(), PersonName::parse, TextError::message);
        let email = c.optional("email", self.email.as_ref(), Email::parse, EmailError::message);
        let mobile = c.optional(
            "mobile",
            self.mobile.as_ref(),
            |raw| Mobile::parse(raw, context.country_code),
            MobileError::message,
        );
        let employee_id = c.optional("employee_id", self.employee_id.as_ref(), EmployeeId::parse, TextError::message);
        let department = c.optional("department", self.department.as_ref(), PersonName::parse, TextError::message);
        let user_type = c.vocabulary("user_type", self.user_type.as_ref(), UserType::parse);
        let role = c.vocabulary("role", self.role.as_ref(), Role::parse);
        let licence_level = c.vocabulary("licence_level", self.licence_level.as_ref(), LicenceLevel::parse);
        let channel = c.vocabulary("preferred_channel", self.preferred_channel.as_ref(), Channel::parse);
        let language = c.vocabulary("language", self.language.as_ref(), Language::parse);

        let has_email = email.is_some() || filled(self.email.as_ref()).is_some();
        let has_mobile = mobile.is_some() || filled(self.mobile.as_ref()).is_some();
        if !has_email && !has_mobile {
            c.errors.push(FieldError::new("email", Message::EmailOrMobileRequired));
        }
        match channel {
            Some(Channel::Email) if !has_email && has_mobile => {
                c.errors.push(FieldError::new("preferred_channel", Message::ChannelNeedsEmail));
            }
            Some(Channel::Sms) if !has_mobile && has_email => {
                c.errors.push(FieldError::new("preferred_channel", Message::ChannelNeedsMobile));
            }
            _ => {}
        }
        let role = role.unwrap_or_default();
        if !context.admin_role.may_grant(role) {
            c.errors.push(FieldError::new("role", Message::RoleNotGrantable));
        }

        match last_name {
            Some(last_name) if c.errors.is_empty() => Ok(NewUser {
                preferred_channel: channel.unwrap_or(if email.is_some() { Channel::Email } else { Channel::Sms }),
                last_name,
                first_name,
                email,
                mobile,
                employee_id,
                department,
                user_type: user_type.unwrap_or_default(),
                role,
                licence_level: licence_level.unwrap_or_default(),
                language: language.unwrap_or(context.admin_language),
                status: UserStatus::Created,
            }),
            _ => Err(c.errors),
        }
    }
}

impl NewUser {
    /// The stored text of `field`: what the database holds and an import
    /// compares against.
    pub fn value(&self, field: UserField) -> Option<&str> {
        match field {
            UserField::LastName => Some(self.last_name.as_str()),
            UserField::FirstName => self.first_name.as_ref().map(PersonName::as_str),
            UserField::Email => self.email.as_ref().map(Email::as_str),
            UserField::Mobile => self.mobile.as_ref().map(Mobile::as_str),
            UserField::EmployeeId => self.employee_id.as_ref().map(EmployeeId::as_str),
            UserField::Department => self.department.as_ref().map(PersonName::as_str),
            UserField::UserType => Some(self.user_type.code()),
            UserField::Role => Some(self.role.code()),
            UserField::LicenceLevel => Some(self.licence_level.code()),
            UserField::PreferredChannel => Some(self.preferred_channel.code()),
            UserField::Language => Some(self.language.code()),
        }
    }

    /// Every field's stored text by code, plus the directory keys: the
    /// record the database receives.
    pub fn record(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut record: serde_json::Map<String, serde_json::Value> =
            UserField::ALL.iter().map(|&f| (f.code().to_owned(), self.value(f).into())).collect();
        record.insert("sort_key".into(), self.sort_key().into());
        record.insert("search_text".into(), self.search_text().into());
        record
    }

    /// The key users are sorted by in the directory: last then first name,
    /// case and accents ignored.
    pub fn sort_key(&self) -> String {
        sort_key(self.last_name.as_str(), self.first_name.as_ref().map_or("", PersonName::as_str))
    }

    /// The folded text that directory searches match against.
    pub fn search_text(&self) -> String {
        search_text([
            Some(self.last_name.as_str()),
            self.first_name.as_ref().map(PersonName::as_str),
            self.email.as_ref().map(Email::as_str),
            self.mobile.as_ref().map(Mobile::as_str),
            self.employee_id.as_ref().map(EmployeeId::as_str),
        ])
    }
}

/// The directory's sort key for a person: folded last name, a separator
/// lower than any letter, folded first name ("Li" sorts before "Lima").
pub fn sort_key(last_name: &str, first_name: &str) -> String {
    let mut key = text::fold(last_name);
    key.push('\u{1}');
    key.push_str(&text::fold(first_name));
    key
}

/// The folded text a directory search runs on: every identifying field.
pub fn search_text<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    let joined: Vec<&str> = parts.into_iter().flatten().collect();
    text::fold(&joined.join(" "))
}

#[cfg(test)]
mod field_tests {
    use super::UserField;
    use crate::import::users::Column;

    #[test]
    fn every_field_is_an_import_column_with_the_same_code() {
        for field in UserField::ALL {
            assert_eq!(UserField::from_code(field.code()), Some(field));
            assert_eq!(Column::parse(field.code()).ok().and_then(Column::field), Some(field), "{field:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> FormContext {
        FormContext { admin_language: Language::Fr, admin_role: Role::TeamAdmin, country_code: CountryCode::FRANCE }
    }

    fn form(pairs: &[(&str, &str)]) -> NewUserForm {
        let map: serde_json::Map<String, serde_json::Value> =
            pairs.iter().map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v))).collect();
        serde_json::from_value(serde_json::Value::Object(map)).unwrap()
    }

    fn fields(errors: &[FieldError]) -> Vec<(&'static str, Message)> {
        errors.iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn a_minimal_form_gets_every_default() {
        let user = form(&[("last_name", "Martin"), ("email", "Zoe@Example.com")]).parse(context()).unwrap();
        assert_eq!(user.status, UserStatus::Created);
        assert_eq!(user.user_type, UserType::Collaborator);
        assert_eq!(user.role, Role::Member);
        assert_eq!(user.language, Language::Fr);
        assert_eq!(user.preferred_channel, Channel::Email);
        assert_eq!(user.email.unwrap().as_str(), "zoe@example.com");
    }

    #[test]
    fn a_mobile_only_user_is_reached_by_sms() {
        let user = form(&[("last_name", "Martin"), ("mobile", "06 12 34 56 78")]).parse(context()).unwrap();
        assert_eq!(user.preferred_channel, Channel::Sms);
        assert_eq!(user.mobile.unwrap().as_str(), "+33612345678");
    }

    #[test]
    fn every_bad_field_is_reported_on_its_field() {
        let errors = form(&[("email", "not-an-email"), ("mobile", "12"), ("user_type", "astronaut")])
            .parse(context())
            .unwrap_err();
        assert_eq!(
            fields(&errors),
            vec![
                ("last_name", Message::Required),
                ("email", Message::InvalidEmail),
                ("mobile", Message::InvalidMobile),
                ("user_type", Message::UnknownValue),
            ]
        );
    }

    #[test]
    fn a_user_needs_an_email_or_a_mobile() {
        let errors = form(&[("last_name", "Martin"), ("email", "  ")]).parse(context()).unwrap_err();
        assert_eq!(fields(&errors), vec![("email", Message::EmailOrMobileRequired)]);
    }

    #[test]
    fn the_chosen_channel_needs_its_address() {
        let errors = form(&[("last_name", "Martin"), ("mobile", "+33612345678"), ("preferred_channel", "email")])
            .parse(context())
            .unwrap_err();
        assert_eq!(fields(&errors), vec![("preferred_channel", Message::ChannelNeedsEmail)]);
    }

    #[test]
    fn a_team_admin_cannot_create_a_company_admin() {
        let errors = form(&[("last_name", "Martin"), ("email", "a@b.fr"), ("role", "company_admin")])
            .parse(context())
            .unwrap_err();
        assert_eq!(fields(&errors), vec![("role", Message::RoleNotGrantable)]);
    }

    #[test]
    fn an_edit_changes_the_fields_it_gives_clears_the_empty_ones_and_checks_like_creation() {
        let current = NewUserForm::of_user(|field| match field {
            UserField::LastName => Some("Martin"),
            UserField::Email => Some("a@b.fr"),
            UserField::Mobile => Some("+33612345678"),
            UserField::Role => Some("member"),
            UserField::Language => Some("en"),
            _ => None,
        });
        let user =
            form(&[("first_name", "Léa"), ("mobile", "")]).parse_edit(current.clone(), context(), false).unwrap();
        assert_eq!(user.first_name.unwrap().as_str(), "Léa");
        assert_eq!((user.mobile, user.language), (None, Language::En));
        let errors = form(&[("email", ""), ("mobile", " ")]).parse_edit(current.clone(), context(), false).unwrap_err();
        assert_eq!(fields(&errors), vec![("email", Message::EmailOrMobileRequired)]);
        let promoted = form(&[("role", "team_admin")]);
        assert_eq!(promoted.parse_edit(current.clone(), context(), false).unwrap().role, Role::TeamAdmin);
        let errors = promoted.parse_edit(current.clone(), context(), true).unwrap_err();
        assert_eq!(fields(&errors), vec![("role", Message::OwnRole)]);
        assert!(form(&[("role", "member")]).parse_edit(current, context(), true).is_ok(), "the same role is no change");
    }

    #[test]
    fn french_values_are_accepted() {
        let user = form(&[
            ("last_name", "Martin"),
            ("email", "a@b.fr"),
            ("user_type", "Externe"),
            ("language", "anglais"),
            ("preferred_channel", "courriel"),
        ])
        .parse(context())
        .unwrap();
        assert_eq!((user.user_type, user.language), (UserType::External, Language::En));
    }

    #[test]
    fn sort_keys_order_by_last_then_first_name_ignoring_accents() {
        assert!(sort_key("Li", "Zoé") < sort_key("Lima", "Anne"));
        assert_eq!(sort_key("Émile", "Zoé"), sort_key("emile", "zoe"));
    }
}
