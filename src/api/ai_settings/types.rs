//! DTOs of the /settings provider and integration checks: the requests here; the answers are the
//! domain's own.
use serde::Deserialize;
use utoipa::ToSchema;

pub use crate::domain::ai_settings::types::{
    AvailableModels, ClaudeCodeStatus, ProviderModels, TestResult,
};

#[derive(Deserialize, ToSchema)]
pub struct TestProviderRequest {
    /// local, openai, anthropic, gemini, ollama or openrouter.
    pub provider: String,
}

#[derive(Deserialize, ToSchema)]
pub struct TestGithubRequest {
    /// A token to test; the stored `github_token` when absent.
    pub token: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct SaveTokenRequest {
    pub token: String,
}
