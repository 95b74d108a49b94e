//! Deployment settings: the registry of known keys (validation, sealing, masking) and the
//! settings table. Below the domain: providers, importers and delivery read their settings here.
pub mod registry;
pub mod store;
