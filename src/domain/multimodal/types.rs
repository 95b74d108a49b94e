//! Types of the multimodal area: assets and their versions, providers, plans.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an asset is for; decides the local renderer's layout and the default aspect ratio.
pub const KINDS: &[&str] = &["image", "carousel_slide", "thumbnail", "cover", "video"];

/// Aspect ratios the renderers and providers accept.
pub const ASPECTS: &[&str] = &["1:1", "4:5", "3:4", "4:3", "16:9", "9:16"];

/// The schema of `kind` fields (the area keeps kinds as the strings of [`KINDS`]).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    Image,
    CarouselSlide,
    Thumbnail,
    Cover,
    Video,
}

/// The schema of `aspect_ratio` fields (the strings of [`ASPECTS`]).
#[derive(Serialize, ToSchema)]
pub enum AspectRatio {
    #[serde(rename = "1:1")]
    Square,
    #[serde(rename = "4:5")]
    Portrait4x5,
    #[serde(rename = "3:4")]
    Portrait3x4,
    #[serde(rename = "4:3")]
    Landscape4x3,
    #[serde(rename = "16:9")]
    Wide,
    #[serde(rename = "9:16")]
    Tall,
}

/// The current version of an asset that has bytes (what publishing uploads and links).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Asset {
    pub id: String,
    pub content_id: Option<String>,
    /// image | carousel_slide | thumbnail | cover | video.
    pub kind: String,
    pub mime: String,
    pub size: i64,
    pub width: i64,
    pub height: i64,
    pub duration_ms: Option<i64>,
    pub sha256: String,
    pub version: i64,
    pub created_at: String,
}

/// An asset as the studio shows it: what was asked, where its generation stands, and its
/// current bytes when it has some.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssetView {
    pub id: String,
    pub content_id: Option<String>,
    pub run_id: Option<String>,
    pub position: i64,
    pub kind: String,
    pub prompt: String,
    pub aspect_ratio: String,
    pub text_overlay: Option<String>,
    pub provider_id: Option<String>,
    pub model: Option<String>,
    /// queued | running | done | failed (of the latest generation).
    pub status: String,
    pub error: Option<String>,
    /// The current version (0 while the first is being produced).
    pub version: i64,
    pub mime: Option<String>,
    pub size: Option<i64>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_ms: Option<i64>,
    pub sha256: Option<String>,
    /// Authenticated download of the current version.
    pub url: Option<String>,
    /// Capability URL for reviewers outside the workspace (expires; see `asset_link_ttl_days`).
    pub public_url: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One kept version of an asset.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssetVersion {
    pub version: i64,
    pub mime: String,
    pub size: i64,
    pub width: i64,
    pub height: i64,
    pub duration_ms: Option<i64>,
    pub sha256: String,
    pub prompt: String,
    pub provider: String,
    pub model: Option<String>,
    /// Authenticated download of this version.
    pub url: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssetDetail {
    #[serde(flatten)]
    pub asset: AssetView,
    pub versions: Vec<AssetVersion>,
}

/// One asset of a production plan, as proposed or as approved (possibly edited).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlanAsset {
    /// A plan-local id (`a1`, `a2`…); execution assigns the stored asset ids.
    #[serde(default)]
    pub id: String,
    /// image | carousel_slide | thumbnail | cover | video.
    #[schema(value_type = AssetKind, example = "carousel_slide")]
    pub kind: String,
    #[schema(min_length = 1, max_length = 4000)]
    pub prompt: String,
    /// 1:1 | 4:5 | 3:4 | 4:3 | 16:9 | 9:16 (default: the kind's).
    #[serde(default)]
    #[schema(value_type = Option<AspectRatio>)]
    pub aspect_ratio: Option<String>,
    /// A media provider id; none: the local renderer.
    #[serde(default)]
    pub provider_id: Option<String>,
    /// Text the local renderer lays out on the image (a slide's heading and lines, a quote).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub text_overlay: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProductionPlan {
    #[serde(default)]
    pub text: String,
    #[schema(min_items = 1, max_items = 40)]
    pub assets: Vec<PlanAsset>,
}

/// A configured image or video provider (its key masked).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Provider {
    pub id: String,
    pub name: String,
    /// openai_images | gemini_imagen | gemini_veo | openai_compatible_images | local.
    #[serde(rename = "type")]
    pub kind: String,
    pub base_url: Option<String>,
    /// `sk-…1234` when a key is stored.
    pub api_key: Option<String>,
    pub model: String,
    pub defaults: serde_json::Value,
    pub created_at: String,
    pub updated_at: String,
}
