//! What the models area answers: one row per model the app knows.
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct ModelInfo {
    /// `smollm2-135m`, `qwen2.5-0.5b`, `qwen2.5-1.5b` (local-llm) or `minilm` (the embedder).
    pub name: String,
    /// `llm` or `embedder`.
    pub kind: String,
    pub title: String,
    /// File name under the data dir's `models/`.
    pub file: String,
    /// Where `pull` downloads it from.
    pub url: String,
    pub sha256: String,
    /// Size of the published file, bytes.
    pub expected_size: u64,
    /// Installed (for LLMs: the file is present; its checksum is checked when it loads).
    pub present: bool,
    /// Bytes on disk (0 when absent).
    pub size: u64,
    /// The model local-llm runs (LLMs only).
    pub active: bool,
    /// The weights are in memory now.
    pub loaded: bool,
    /// A generation is running.
    pub busy: bool,
    /// Generations waiting for this model.
    pub queued: usize,
    /// Tokens sampled since the server started.
    pub generated_tokens: u64,
    /// Its chat template defines tool calls.
    pub tools: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ModelList {
    pub items: Vec<ModelInfo>,
    /// The provider chat uses when none is chosen: local-llm when a model is installed and no
    /// default_provider is set.
    pub default_provider: String,
}
