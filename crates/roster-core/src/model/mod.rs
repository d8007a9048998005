//! The directory of a company (A1–A7): typed values, parsed once at the edge.

mod activity;
mod company;
mod contact;
mod email;
mod label;
mod mobile;
mod person;
mod user;

pub use crate::text::TextError;
pub use activity::{ActivityType, EventKind, Title};
pub use company::{CompanySettings, MassGuard, OptionalField, Plan, SettingsChange, SettingsError};
pub use contact::{Contact, ContactError};
pub use email::{Email, EmailError};
pub use label::{GroupName, Label, LabelError, ProfileName, TagName};
pub use mobile::{CountryCode, Mobile, MobileError};
pub use person::{EmployeeId, PersonName};
pub use user::{Channel, LicenceLevel, Role, StatusChange, TransitionRefused, UserStatus, UserType};
