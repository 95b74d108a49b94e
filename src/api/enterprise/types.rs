//! Request/response shapes of /enterprise (the domain's types, with their OpenAPI schemas).
pub use crate::domain::enterprise::types::*;
