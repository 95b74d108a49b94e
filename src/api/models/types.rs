//! Request types of /models that the handlers read without serde (a raw upload).
use utoipa::ToSchema;

/// Raw bytes (`application/octet-stream`).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct Binary(pub Vec<u8>);
