//! The API end to end, against the local runtime and its real D1.
#![allow(missing_docs)]

mod access;
mod bulk;
mod directory;
mod exports;
mod groups;
mod hostile;
mod imports;
mod insights;
mod invitation_imports;
mod invitations;
mod people;
mod permissions;
mod provider;
mod public_links;
mod rank;
mod retries;
mod sharing;
mod tags;
mod tenancy;

const DEMO_ADMIN: &str = "admin@demo.example";
const ACME_ADMIN: &str = "admin@acme.example";
