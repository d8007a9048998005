use super::CountryCode;
use crate::messages::{FieldError, Message};
use crate::time::Zone;
use crate::vocabulary::vocabulary;

/// The company's guard against mass mistakes: deleting or deactivating
/// more than `users` users or `percent` % of the company asks for a
/// typed confirmation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MassGuard {
    /// A number of users.
    pub users: u32,
    /// A share of the company's users, in percent.
    pub percent: u8,
}

impl Default for MassGuard {
    fn default() -> Self {
        Self { users: 1_000, percent: 10 }
    }
}

vocabulary! {
    /// A company's subscription (A1).
    pub enum Plan {
        /// The base plan.
        Standard = "standard" { fr: "standard", en: "standard" },
        /// Adds advanced permissions (H1).
        Gold = "gold" { fr: "gold", en: "gold", also: ["or"] },
    }
}

vocabulary! {
    /// A user field that a company may choose to use (A1).
    pub enum OptionalField {
        /// The user's mobile number.
        Mobile = "mobile" { fr: "mobile", en: "mobile" },
        /// The company's identifier for the employee.
        EmployeeId = "employee_id" { fr: "matricule", en: "employee id" },
        /// The user's department.
        Department = "department" { fr: "service", en: "department", also: ["departement"] },
    }
}

/// A company's settings (A1).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CompanySettings {
    /// Whether admins may import invitation files (D1). Off by default.
    pub invitation_file_import: bool,
    /// Whether permission profiles are on (H1). Only on the gold plan.
    pub advanced_permissions: bool,
    /// The optional user fields the company uses.
    pub optional_fields: Vec<OptionalField>,
    /// How many licence seats the company has bought.
    pub licence_capacity: u32,
    /// The calling code used to read national mobile numbers.
    pub country_code: CountryCode,
    /// The zone invitation dates are entered and shown in.
    #[serde(default)]
    pub time_zone: Zone,
    /// Whether the company's public forms ask for an anti-robot challenge (I7).
    #[serde(default)]
    pub public_link_challenge: bool,
    /// When deleting or deactivating in bulk asks for a typed confirmation (F3).
    #[serde(default)]
    pub mass_action_guard: MassGuard,
}

impl Default for CompanySettings {
    fn default() -> Self {
        Self {
            invitation_file_import: false,
            advanced_permissions: false,
            optional_fields: OptionalField::ALL.to_vec(),
            licence_capacity: 50,
            country_code: CountryCode::FRANCE,
            time_zone: Zone::default(),
            public_link_challenge: false,
            mass_action_guard: MassGuard::default(),
        }
    }
}

/// What a company administrator may change in the company's settings
/// page; fields left out stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsChange {
    /// Turns the invitation file import (D1) on or off.
    pub invitation_file_import: Option<bool>,
    /// The IANA name of the zone invitation dates are entered and shown in.
    pub time_zone: Option<String>,
    /// Turns the anti-robot challenge of public forms on or off.
    pub public_link_challenge: Option<bool>,
    /// Turns permission profiles on or off (gold plan only).
    pub advanced_permissions: Option<bool>,
    /// The optional user fields the company uses, by code.
    pub optional_fields: Option<Vec<String>>,
    /// Bulk deletions and deactivations of more users than this ask for a
    /// typed confirmation (1 to 1,000,000).
    #[serde(default, deserialize_with = "crate::numbers::optional_whole")]
    pub mass_action_guard_users: Option<i64>,
    /// … or of more than this share of the company, in percent (1 to 100).
    #[serde(default, deserialize_with = "crate::numbers::optional_whole")]
    pub mass_action_guard_percent: Option<i64>,
}

impl SettingsChange {
    /// The settings once changed, or every field that cannot be taken.
    ///
    /// # Errors
    /// A [`FieldError`] on `time_zone` for a name the time zone database
    /// does not know, on a guard threshold out of its range, on advanced
    /// permissions asked outside the gold `plan`, and on an unknown field.
    pub fn apply(&self, settings: &CompanySettings, plan: Plan) -> Result<CompanySettings, Vec<FieldError>> {
        let mut changed = settings.clone();
        let mut errors = Vec::new();
        match self.advanced_permissions {
            Some(true) if plan != Plan::Gold => {
                errors.push(FieldError::new("advanced_permissions", Message::AdvancedPermissionsNeedGold));
            }
            Some(on) => changed.advanced_permissions = on,
            None => {}
        }
        if let Some(codes) = &self.optional_fields {
            match codes.iter().map(|c| OptionalField::parse(c)).collect::<Result<Vec<_>, _>>() {
                // Kept in catalogue order, each once.
                Ok(fields) => {
                    changed.optional_fields =
                        OptionalField::ALL.iter().copied().filter(|f| fields.contains(f)).collect();
                }
                Err(_) => errors.push(FieldError::new("optional_fields", Message::UnknownValue)),
            }
        }
        if let Some(on) = self.invitation_file_import {
            changed.invitation_file_import = on;
        }
        if let Some(on) = self.public_link_challenge {
            changed.public_link_challenge = on;
        }
        if let Some(name) = &self.time_zone {
            match Zone::parse(name.trim()) {
                Some(zone) => changed.time_zone = zone,
                None => errors.push(FieldError::new("time_zone", Message::UnknownTimeZone)),
            }
        }
        if let Some(users) = self.mass_action_guard_users {
            match u32::try_from(users) {
                Ok(users @ 1..=1_000_000) => changed.mass_action_guard.users = users,
                _ => errors.push(FieldError::new("mass_action_guard_users", Message::OutOfRange)),
            }
        }
        if let Some(percent) = self.mass_action_guard_percent {
            match u8::try_from(percent) {
                Ok(percent @ 1..=100) => changed.mass_action_guard.percent = percent,
                _ => errors.push(FieldError::new("mass_action_guard_percent", Message::OutOfRange)),
            }
        }
        if errors.is_empty() { Ok(changed) } else { Err(errors) }
    }
}

/// Settings that a company's plan does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// Advanced permissions were asked on another plan than gold.
    #[error("advanced permissions need the gold plan")]
    AdvancedPermissionsNeedGold,
}

impl CompanySettings {
    /// Checks the settings against the company's `plan`.
    ///
    /// # Errors
    /// [`SettingsError`] when a setting needs another plan.
    pub fn check(&self, plan: Plan) -> Result<(), SettingsError> {
        if self.advanced_permissions && plan != Plan::Gold {
            return Err(SettingsError::AdvancedPermissionsNeedGold);
        }
        Ok(())
    }

    /// Whether permission profiles apply (H1): gold plan and the setting on.
    pub fn permission_profiles_on(&self, plan: Plan) -> bool {
        plan == Plan::Gold && self.advanced_permissions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_file_import_is_off_by_default() {
        assert!(!CompanySettings::default().invitation_file_import);
    }

    #[test]
    fn a_settings_change_takes_known_zones_only() {
        let before = CompanySettings::default();
        let change = SettingsChange {
            invitation_file_import: Some(true),
            time_zone: Some(" America/New_York ".into()),
            ..SettingsChange::default()
        };
        let after = change.apply(&before, Plan::Standard).unwrap();
        assert!(after.invitation_file_import);
        assert_eq!(after.time_zone.name(), "America/New_York");
        assert_eq!(after.country_code, before.country_code);
        let bad = SettingsChange { time_zone: Some("Mars/Olympus".into()), ..SettingsChange::default() };
        assert_eq!(bad.apply(&before, Plan::Standard).unwrap_err()[0].code, Message::UnknownTimeZone);
        assert_eq!(SettingsChange::default().apply(&before, Plan::Standard).unwrap(), before);
    }

    #[test]
    fn the_mass_action_guard_takes_thresholds_within_range() {
        let before = CompanySettings::default();
        let change = SettingsChange {
            mass_action_guard_users: Some(50),
            mass_action_guard_percent: Some(100),
            ..SettingsChange::default()
        };
        assert_eq!(
            change.apply(&before, Plan::Standard).unwrap().mass_action_guard,
            MassGuard { users: 50, percent: 100 }
        );
        let bad = SettingsChange {
            mass_action_guard_users: Some(0),
            mass_action_guard_percent: Some(101),
            ..SettingsChange::default()
        };
        let fields: Vec<_> =
            bad.apply(&before, Plan::Standard).unwrap_err().iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            fields,
            [("mass_action_guard_users", Message::OutOfRange), ("mass_action_guard_percent", Message::OutOfRange)]
        );
    }

    #[test]
    fn advanced_permissions_need_the_gold_plan() {
        let settings = CompanySettings { advanced_permissions: true, ..CompanySettings::default() };
        assert_eq!(settings.check(Plan::Standard), Err(SettingsError::AdvancedPermissionsNeedGold));
        assert_eq!(settings.check(Plan::Gold), Ok(()));
        assert!(settings.permission_profiles_on(Plan::Gold));
        assert!(!CompanySettings::default().permission_profiles_on(Plan::Gold));
        let on = SettingsChange { advanced_permissions: Some(true), ..SettingsChange::default() };
        assert!(on.apply(&CompanySettings::default(), Plan::Gold).unwrap().advanced_permissions);
        let refused = on.apply(&CompanySettings::default(), Plan::Standard).unwrap_err();
        assert_eq!((refused[0].field, refused[0].code), ("advanced_permissions", Message::AdvancedPermissionsNeedGold));
    }

    #[test]
    fn optional_fields_are_kept_in_catalogue_order_once() {
        let change = SettingsChange {
            optional_fields: Some(vec!["department".into(), "mobile".into(), "MOBILE".into()]),
            ..SettingsChange::default()
        };
        let after = change.apply(&CompanySettings::default(), Plan::Standard).unwrap();
        assert_eq!(after.optional_fields, [OptionalField::Mobile, OptionalField::Department]);
        let bad = SettingsChange { optional_fields: Some(vec!["shoe_size".into()]), ..SettingsChange::default() };
        assert_eq!(bad.apply(&CompanySettings::default(), Plan::Standard).unwrap_err()[0].field, "optional_fields");
    }
}
