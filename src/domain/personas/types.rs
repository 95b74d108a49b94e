//! Personas (who a piece is aimed at) and simulated reactions.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Persona {
    pub id: String,
    pub owner_id: String,
    pub name: String,
    pub role: String,
    pub description: String,
    pub goals: Vec<String>,
    pub pain_points: Vec<String>,
    pub interests: Vec<String>,
    pub objections: Vec<String>,
    pub tone: String,
    pub platforms: Vec<String>,
    pub builtin: bool,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonaInput {
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub role: String,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description: String,
    #[serde(default)]
    pub goals: Vec<String>,
    #[serde(default)]
    pub pain_points: Vec<String>,
    #[serde(default)]
    pub interests: Vec<String>,
    #[serde(default)]
    pub objections: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub tone: String,
    #[serde(default)]
    pub platforms: Vec<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub project_id: Option<String>,
}

/// How a persona would take a piece of content.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Simulation {
    /// 0–100.
    pub relevance_score: f64,
    pub reaction: String,
    pub strengths: Vec<String>,
    pub weaknesses: Vec<String>,
    pub suggestions: Vec<String>,
}
