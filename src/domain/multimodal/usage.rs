//! Provider generations in the AI logs and budgets: every image or video a provider makes is
//! one `ai_logs` row (function `multimodal.image` / `multimodal.video`, provider type, model,
//! latency, status) and counts against its user's monthly token budget, like chat and content
//! generation. The local renderer calls nobody and costs nothing: it is neither logged nor
//! counted.
use crate::ai::{Usage, estimate_tokens, logs};
use crate::crypto::SecretBox;
use crate::error::{ApiError, ApiResult};
use rusqlite::Connection;

/// Tokens one image counts for when the provider reports none: what gpt-image-1 reports for a
/// 1024×1024 image of medium quality.
pub const IMAGE_TOKENS: u64 = 1056;
/// Tokens one video counts for: an 8-second clip costs about as much as seventy images.
pub const VIDEO_TOKENS: u64 = 75_000;

/// 429 when the user's monthly budget is spent (checked before any provider generation).
pub fn check_budget(c: &Connection, secrets: &SecretBox, user_id: &str) -> ApiResult<()> {
    match logs::over_budget(c, secrets, user_id)? {
        Some(detail) => Err(ApiError::too_many(detail, 3600)),
        None => Ok(()),
    }
}

/// What one provider generation counts for: the provider's own figures when it reported them,
/// else the prompt's tokens in and a fixed equivalent out.
pub fn tokens(prompt: &str, video: bool, reported: Option<Usage>) -> Usage {
    reported.unwrap_or_else(|| {
        let (i, o) = (
            estimate_tokens(prompt),
            if video { VIDEO_TOKENS } else { IMAGE_TOKENS },
        );
        Usage {
            input_tokens: i,
            output_tokens: o,
            total_tokens: i + o,
        }
    })
}

/// One provider generation, recorded in the writer's transaction that stores its outcome.
pub struct Call {
    pub provider: String,
    pub model: String,
    pub video: bool,
    pub user_id: Option<String>,
    pub latency_ms: i64,
    pub usage: Usage,
}

impl Call {
    pub fn record(
        &self,
        c: &Connection,
        secrets: &SecretBox,
        error: Option<&str>,
    ) -> anyhow::Result<()> {
        logs::record(
            c,
            secrets,
            &logs::Entry {
                provider: &self.provider,
                model: &self.model,
                function: if self.video {
                    "multimodal.video"
                } else {
                    "multimodal.image"
                },
                user_id: self.user_id.as_deref(),
                error,
                latency_ms: self.latency_ms,
                ttft_ms: None,
                usage: self.usage,
                conversation_id: None,
            },
        )
    }
}
