//! Roster's business rules.
//!
//! Everything here is pure: values and bytes in, values and bytes out. No
//! files, clock, network or JavaScript, so the same rules run natively, in the
//! browser and in the Worker. Time and randomness come in as parameters.

mod vocabulary;

pub mod budget;
pub mod bulk;
pub mod chart;
pub mod delivery;
pub mod demo;
pub mod directory;
pub mod export;
pub mod form;
pub mod idempotency;
pub mod import;
pub mod insights;
pub mod invitation;
pub mod jobs;
pub mod licences;
pub mod membership;
pub mod messages;
pub mod model;
pub mod numbers;
pub mod permissions;
pub mod png;
pub mod public_link;
pub mod secret;
pub mod sharing;
pub mod sheet;
pub mod text;
pub mod throttle;
pub mod time;
pub mod time_text;

pub use messages::{FieldError, Language, Message};
pub use vocabulary::UnknownValue;
