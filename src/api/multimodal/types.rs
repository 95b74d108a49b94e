//! Request bodies, queries and small answers of /multimodal.
use crate::domain::multimodal::types::{AspectRatio, AssetKind, ProductionPlan};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateProviderRequest {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// openai_images | gemini_imagen | gemini_veo | openai_compatible_images | local.
    #[serde(rename = "type")]
    pub kind: String,
    /// Absent or empty: the type's (`GET /multimodal/providers/known`); required for openai_compatible_images.
    #[schema(max_length = 2048)]
    pub base_url: Option<String>,
    /// Sealed at rest, shown masked. Required by openai_images, gemini_imagen and gemini_veo.
    #[schema(max_length = 4096)]
    pub api_key: Option<String>,
    #[schema(max_length = 200)]
    pub model: Option<String>,
    /// Extra request parameters (a JSON object, ≤ 8 KB).
    #[schema(value_type = Option<Object>)]
    pub defaults: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateProviderRequest {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Empty string: back to the type's default.
    #[schema(max_length = 2048)]
    pub base_url: Option<String>,
    /// A new key; empty string removes the stored one; absent keeps it.
    #[schema(max_length = 4096)]
    pub api_key: Option<String>,
    /// Empty string: back to the type's default model.
    #[schema(max_length = 200)]
    pub model: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub defaults: Option<serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderTest {
    pub ok: bool,
    /// What the provider answered (models found, or its error naming the provider).
    pub detail: String,
    pub latency_ms: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanRequest {
    /// Plan the visuals of this content…
    pub content_id: Option<String>,
    /// …or of a brief alone.
    #[schema(max_length = 20000)]
    pub brief: Option<String>,
    /// Default: the content's platform (linkedin for a brief).
    pub platform: Option<String>,
    /// Only these kinds (image, carousel_slide, thumbnail, cover, video).
    #[schema(max_items = 5, value_type = Option<Vec<AssetKind>>)]
    pub asset_types: Option<Vec<String>>,
    /// At most this many assets (1–20, default 10).
    #[schema(minimum = 1, maximum = 20)]
    pub count: Option<u32>,
    /// The chat provider writing the plan (default: the configured one; local plans offline).
    pub provider: Option<String>,
    pub model: Option<String>,
    /// The media provider the planned assets use (default: the local renderer).
    pub image_provider_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ExecutePlanRequest {
    pub content_id: String,
    /// The plan as approved (possibly edited).
    pub plan: ProductionPlan,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct GenerateAssetRequest {
    /// Attach the asset to this content (the caller must be able to change it).
    pub content_id: Option<String>,
    /// image | carousel_slide | thumbnail | cover | video.
    #[schema(value_type = AssetKind)]
    pub kind: String,
    #[schema(min_length = 1, max_length = 4000)]
    pub prompt: String,
    /// 1:1 | 4:5 | 3:4 | 4:3 | 16:9 | 9:16.
    #[schema(value_type = Option<AspectRatio>)]
    pub aspect_ratio: Option<String>,
    /// A media provider id (default: the local renderer; videos need gemini_veo).
    pub provider_id: Option<String>,
    /// Text the local renderer sets on the image (first line: heading).
    #[schema(max_length = 2000)]
    pub text_overlay: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RegenerateRequest {
    /// An edited prompt (default: the asset's current one).
    #[schema(max_length = 4000)]
    pub prompt: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct FileQuery {
    /// A kept version (default: the current one).
    #[param(minimum = 1, maximum = 1000000000)]
    pub version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewLink {
    /// Capability URL of the content's preview card (PNG), for unfurling and approval emails.
    pub url: String,
}
