//! What the provider and integration checks answer (also the /settings wire shapes).
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct TestResult {
    pub ok: bool,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<String>>,
}

impl TestResult {
    pub fn failed(detail: impl Into<String>) -> Self {
        TestResult {
            ok: false,
            detail: detail.into(),
            models: None,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProviderModels {
    pub provider: String,
    /// The built-in offline provider.
    pub offline: bool,
    pub configured: bool,
    pub models: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ProviderModels {
    /// A provider that is not configured (or, for Ollama, not detected).
    pub(super) fn absent(name: &str) -> Self {
        ProviderModels {
            provider: name.to_string(),
            offline: false,
            configured: false,
            models: vec![],
            error: None,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AvailableModels {
    pub default_provider: String,
    pub default_model: Option<String>,
    pub providers: Vec<ProviderModels>,
}

#[derive(Serialize, ToSchema)]
pub struct ClaudeCodeStatus {
    /// A `claude` executable is on PATH.
    pub installed: bool,
    pub path: Option<String>,
    pub logged_in: bool,
    /// `stored_token`, `environment`, `credentials_file` or null.
    pub method: Option<String>,
}
