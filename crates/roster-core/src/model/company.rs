use super::CountryCode;
use crate::time::Zone;
use crate::vocabulary::vocabulary;

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
        }
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
    fn advanced_permissions_need_the_gold_plan() {
        let settings = CompanySettings { advanced_permissions: true, ..CompanySettings::default() };
        assert_eq!(settings.check(Plan::Standard), Err(SettingsError::AdvancedPermissionsNeedGold));
        assert_eq!(settings.check(Plan::Gold), Ok(()));
        assert!(settings.permission_profiles_on(Plan::Gold));
        assert!(!CompanySettings::default().permission_profiles_on(Plan::Gold));
    }
}
