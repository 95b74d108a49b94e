//! DTOs of the /settings provider and integration checks: the requests here; the answers are the
//! domain's own.
use serde::Deserialize;
use utoipa::ToSchema;

pub use crate::domain::ai_settings::types::{
    AvailableModels, ClaudeCodeStatus, ProviderModels, TestResult,
};

#[derive(Deserialize, ToSchema)]
pub struct TestProviderRequest {
    /// local, local-llm, openai, anthropic, gemini, ollama or openrouter.
    #[schema(pattern = "^(local|local-llm|openai|anthropic|gemini|ollama|openrouter)$")]
    pub provider: String,
}

#[derive(Deserialize, ToSchema)]
pub struct TestGithubRequest {
    /// A token to test; the stored `github_token` when absent.
    pub token: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct SaveTokenRequest {
    #[schema(min_length = 1, max_length = 4096, pattern = "\\S")]
    pub token: String,
}
