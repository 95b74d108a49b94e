//! Types of the content studio: contents, versions, provenance, feedback and templates.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const STATUSES: &[&str] = &[
    "draft",
    "in_review",
    "approved",
    "scheduled",
    "published",
    "rejected",
    "archived",
];

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Content {
    pub id: String,
    pub title: String,
    pub platform: String,
    pub brief: String,
    pub draft_content: String,
    /// draft | in_review | approved | scheduled | published | rejected | archived.
    pub status: String,
    /// The current version's number.
    pub version: i64,
    pub persona_id: Option<String>,
    pub template_id: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub task_id: Option<String>,
    /// The platform rules the current text breaks.
    pub warnings: Vec<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContentDetail {
    #[serde(flatten)]
    pub content: Content,
    /// Images and other media (empty until multimodal generation).
    pub assets: Vec<serde_json::Value>,
    pub feedback: Vec<ContentFeedback>,
    pub versions_count: i64,
    /// What the current version drew on.
    pub provenance: Vec<ProvenanceItem>,
    /// The planner item this content drafts, if any.
    pub plan_item_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProvenanceItem {
    /// chunk | learning | skill | persona | template | model.
    pub kind: String,
    pub ref_id: String,
    pub source_id: Option<String>,
    pub label: String,
    /// The retrieval score for chunks, 1 otherwise.
    pub weight: f64,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContentVersion {
    pub version: i64,
    pub title: String,
    pub draft_content: String,
    /// generate | refine | edit | restore.
    pub origin: String,
    pub instructions: Option<String>,
    pub warnings: Vec<String>,
    pub created_by: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContentFeedback {
    pub id: String,
    /// 1–5.
    pub score: i64,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub user_id: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContentFilter {
    pub task_id: Option<String>,
    pub platform: Option<String>,
    pub status: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub q: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContentPatch {
    pub title: Option<String>,
    pub draft_content: Option<String>,
    pub status: Option<String>,
    pub persona_id: Option<String>,
    pub task_id: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TemplateSection {
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub name: String,
    #[schema(max_length = 2000)]
    pub guidance: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TemplateStructure {
    #[schema(min_items = 1, max_items = 30)]
    pub sections: Vec<TemplateSection>,
    pub notes: Option<String>,
}

/// A platform name (see GET /content/platforms; `twitter` means `x`).
#[derive(ToSchema)]
#[schema(value_type = String, pattern = "^(linkedin|x|twitter|instagram|facebook|threads|newsletter|email|blog|youtube|tiktok)$")]
pub struct PlatformName(pub String);

/// A content status.
#[derive(ToSchema)]
#[schema(value_type = String, pattern = "^(draft|in_review|approved|scheduled|published|rejected|archived)$")]
pub struct ContentStatus(pub String);

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContentTemplate {
    /// A built-in's name (`linkedin_post`, …) or a custom template's id.
    pub id: String,
    pub name: String,
    pub description: String,
    pub platform: Option<String>,
    pub builtin: bool,
    pub structure: TemplateStructure,
    pub created_at: Option<String>,
}

/// One row of provenance to record.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub kind: &'static str,
    pub ref_id: String,
    pub source_id: Option<String>,
    pub label: String,
    pub weight: f64,
}

/// A version to write (the content's new current text).
#[derive(Debug, Clone)]
pub struct NewVersion<'a> {
    pub title: &'a str,
    pub draft: &'a str,
    pub origin: &'a str,
    pub instructions: Option<&'a str>,
    pub warnings: &'a [String],
}
