//! Request bodies of /skills.
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
pub struct SkillQuery {
    /// writing, formatting, platform, editing, strategy or seo.
    #[param(pattern = "^(writing|formatting|platform|editing|strategy|seo)$")]
    pub skill_type: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct GenerateSkillRequest {
    #[schema(min_length = 10, max_length = 2000)]
    pub description: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ToggleRequest {
    /// The new state; without it the skill is flipped.
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MoveRequest {
    /// The target folder, or null for the root.
    pub folder_id: Option<String>,
}
