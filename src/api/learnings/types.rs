//! Request and response bodies of /learnings.
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, ToSchema)]
pub struct GenerateRequest {
    /// Sources to read (default: the newest visible sources, within a budget).
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub source_ids: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub collection_ids: Vec<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DesignSystemRequest {
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub source_ids: Vec<String>,
    /// Pages to fetch (http/https; private addresses only when the admin allows them). A URL
    /// answering `image/*` (PNG, JPEG, WebP) is read by a vision-capable model.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub urls: Vec<String>,
    pub client_id: Option<String>,
    /// Provider for image URLs (a vision-capable model; the offline provider skips images).
    pub provider: Option<String>,
    pub model: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ProductKnowledgeRequest {
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub source_ids: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub collection_ids: Vec<String>,
    pub client_id: Option<String>,
    /// Provider for the model-backed path (default: the configured default; offline: extractive).
    pub provider: Option<String>,
    pub model: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct LearningQuery {
    /// writing_style, preferences, design_system, product_knowledge or merged_<type>.
    #[serde(rename = "type")]
    #[param(
        rename = "type",
        pattern = "^(merged_)?(writing_style|preferences|design_system|product_knowledge)$"
    )]
    pub kind: Option<String>,
    pub source_id: Option<String>,
    pub client_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BulkDeleteRequest {
    #[schema(max_items = 1000)]
    pub ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    pub deleted: usize,
}

/// A vote: -1 (thumbs down) or 1 (thumbs up).
pub struct Vote;

impl utoipa::PartialSchema for Vote {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .enum_values(Some([-1, 1]))
            .description(Some("-1 (thumbs down) or 1 (thumbs up)."))
            .into()
    }
}

impl ToSchema for Vote {}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FeedbackRequest {
    /// -1 (thumbs down) or 1 (thumbs up).
    #[schema(value_type = Vote)]
    pub score: i64,
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MergeRequest {
    #[schema(value_type = std::collections::HashSet<String>, min_items = 2, max_items = 50)]
    pub ids: Vec<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct RulesQuery {
    /// The client whose rules to read (default: the caller's own).
    pub client_id: Option<String>,
}
