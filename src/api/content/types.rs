//! Request bodies and queries of /content.
use crate::domain::content::generate::GenerateRequest;
use crate::domain::content::types::{
    ContentFilter, ContentPatch, ContentStatus, PlatformName, TemplateStructure,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, ToSchema)]
pub struct GenerateContentRequest {
    /// linkedin, x, instagram, facebook, threads, newsletter, email, blog, youtube or tiktok.
    #[schema(value_type = PlatformName)]
    pub platform: String,
    #[schema(min_length = 1, max_length = 20000)]
    pub brief: String,
    #[schema(max_length = 300)]
    pub title: Option<String>,
    /// Retrieve passages only from these collections.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub collection_ids: Vec<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
    /// 0–2 (validated; providers here use their own sampling defaults).
    #[schema(minimum = 0, maximum = 2)]
    pub temperature: Option<f64>,
    pub persona_id: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    /// A built-in template's name (`linkedin_post`, …) or a custom template's id.
    pub template_id: Option<String>,
    pub task_id: Option<String>,
    /// A planner item to link (its status becomes `drafted`).
    pub plan_item_id: Option<String>,
}

impl From<GenerateContentRequest> for GenerateRequest {
    fn from(b: GenerateContentRequest) -> Self {
        GenerateRequest {
            platform: b.platform,
            brief: b.brief,
            title: b.title,
            collection_ids: b.collection_ids,
            provider: b.provider,
            model: b.model,
            temperature: b.temperature,
            persona_id: b.persona_id,
            client_id: b.client_id,
            project_id: b.project_id,
            template_id: b.template_id,
            task_id: b.task_id,
            plan_item_id: b.plan_item_id,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefineContentRequest {
    pub content_id: String,
    #[schema(min_length = 1, max_length = 4000)]
    pub instructions: String,
    pub provider: Option<String>,
    pub model: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ContentQuery {
    pub task_id: Option<String>,
    #[param(value_type = Option<PlatformName>)]
    pub platform: Option<String>,
    /// draft, in_review, approved, scheduled, published, rejected or archived.
    #[param(value_type = Option<ContentStatus>)]
    pub status: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    /// Words in the title, brief or text.
    pub q: Option<String>,
}

impl From<ContentQuery> for ContentFilter {
    fn from(q: ContentQuery) -> Self {
        ContentFilter {
            task_id: q.task_id,
            platform: q.platform,
            status: q.status,
            client_id: q.client_id,
            project_id: q.project_id,
            q: q.q,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateContentRequest {
    #[schema(min_length = 1, max_length = 300)]
    pub title: Option<String>,
    #[schema(max_length = 100000)]
    pub draft_content: Option<String>,
    /// draft, in_review, approved, scheduled, published, rejected or archived.
    #[schema(value_type = Option<ContentStatus>)]
    pub status: Option<String>,
    pub persona_id: Option<String>,
    pub task_id: Option<String>,
    /// An empty string removes the client (and the project).
    pub client_id: Option<String>,
    /// An empty string removes the project.
    pub project_id: Option<String>,
}

impl From<UpdateContentRequest> for ContentPatch {
    fn from(b: UpdateContentRequest) -> Self {
        ContentPatch {
            title: b.title,
            draft_content: b.draft_content,
            status: b.status,
            persona_id: b.persona_id,
            task_id: b.task_id,
            client_id: b.client_id,
            project_id: b.project_id,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ContentFeedbackRequest {
    #[schema(minimum = 1, maximum = 5)]
    pub score: i64,
    #[schema(max_length = 2000)]
    pub summary: Option<String>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub tags: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateTemplateRequest {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    /// A platform name, or empty for none.
    #[schema(
        pattern = "^(linkedin|x|twitter|instagram|facebook|threads|newsletter|email|blog|youtube|tiktok)?$"
    )]
    pub platform: Option<String>,
    pub structure: TemplateStructure,
}
