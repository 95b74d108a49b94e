//! Skills (instruction blocks a generation follows) and their folders.
use serde::{Deserialize, Serialize};

/// Kinds of skill, for filtering and the UI's grouping.
pub const SKILL_TYPES: &[&str] = &[
    "writing",
    "formatting",
    "platform",
    "editing",
    "strategy",
    "seo",
];

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Skill {
    pub id: String,
    pub owner_id: String,
    pub name: String,
    pub description: String,
    pub skill_type: String,
    pub instructions: String,
    pub active: bool,
    pub folder_id: Option<String>,
    pub builtin: bool,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// What a create or update sets.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SkillInput {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub description: String,
    /// One of writing, formatting, platform, editing, strategy, seo (default writing).
    #[serde(default)]
    #[schema(pattern = "^(writing|formatting|platform|editing|strategy|seo)$")]
    pub skill_type: Option<String>,
    #[schema(min_length = 1, max_length = 20000)]
    pub instructions: String,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub folder_id: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub project_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Folder {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct FolderInput {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    #[serde(default)]
    pub parent_id: Option<String>,
}

/// The combined prompt of the caller's active skills.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ActiveInstructions {
    pub instructions: String,
    pub skill_ids: Vec<String>,
}
