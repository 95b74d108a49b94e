//! Request bodies of /personas.
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct GeneratePersonaRequest {
    #[schema(min_length = 10, max_length = 4000)]
    pub description: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SimulateRequest {
    /// The text to judge (up to 50,000 characters)…
    pub content: Option<String>,
    /// …or the id of a visible content (its current draft is judged).
    pub content_id: Option<String>,
}
