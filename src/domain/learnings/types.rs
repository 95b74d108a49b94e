//! Learnings, their feedback, and client rules as the domain sees them.
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The kinds a generation can produce; consolidations are `merged_<kind>`.
pub const TYPES: &[&str] = &[
    "writing_style",
    "preferences",
    "design_system",
    "product_knowledge",
];

/// Whether `t` is a known learning type (a base type or `merged_<base>`).
pub fn valid_type(t: &str) -> bool {
    TYPES.contains(&base_type(t))
}

/// `merged_writing_style` → `writing_style`.
pub fn base_type(t: &str) -> &str {
    t.strip_prefix("merged_").unwrap_or(t)
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Feedback {
    pub id: String,
    pub user_id: Option<String>,
    /// -1 or 1.
    pub score: i64,
    pub comment: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Learning {
    pub id: String,
    pub owner_id: String,
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: String,
    pub title: String,
    pub content: String,
    /// The measured profile or extracted facts (shape depends on `type`).
    #[schema(value_type = Object)]
    pub data: Value,
    /// 0–1.
    pub confidence: f64,
    pub source_ids: Vec<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub feedback: Vec<Feedback>,
    pub created_at: String,
    pub updated_at: String,
}

/// A learning about to be stored.
#[derive(Debug, Clone, Default)]
pub struct NewLearning {
    pub kind: String,
    pub title: String,
    pub content: String,
    pub data: Value,
    pub confidence: f64,
    pub source_ids: Vec<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
}

/// Fields a PATCH may change; `None` keeps the stored value.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct LearningPatch {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 20000)]
    pub content: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub data: Option<Value>,
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub confidence: Option<f64>,
}

#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub kind: Option<String>,
    pub source_id: Option<String>,
    pub client_id: Option<String>,
}

/// A client's (or the caller's own) dos and don'ts.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CustomRules {
    pub client_id: Option<String>,
    pub dos: Vec<String>,
    pub donts: Vec<String>,
}

/// A source as generation reads it.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
    pub platform: Option<String>,
    pub content: String,
}

/// Which sources a generation reads.
#[derive(Debug, Clone, Default)]
pub struct SourceSelection {
    pub source_ids: Vec<String>,
    pub collection_ids: Vec<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
}
