//! The provider types this build speaks, with their fields and defaults (what the providers
//! form offers and what a create request is checked against).
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KnownProvider {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub label: &'static str,
    /// image | video.
    pub media: &'static str,
    /// Fields a provider of this type takes (name, base_url, api_key, model, defaults).
    pub fields: &'static [&'static str],
    pub needs_key: bool,
    pub default_base_url: Option<&'static str>,
    pub default_model: &'static str,
    pub models: &'static [&'static str],
    /// Request parameters sent unless the provider's `defaults` say otherwise.
    pub defaults: &'static str,
    pub description: &'static str,
}

impl KnownProvider {
    /// Types that call a server and know none of their own need a base URL.
    pub fn needs_base_url(&self) -> bool {
        self.default_base_url.is_none() && self.kind != "local"
    }
}

pub const KNOWN: &[KnownProvider] = &[
    KnownProvider {
        kind: "local",
        label: "Local renderer",
        media: "image",
        fields: &["name"],
        needs_key: false,
        default_base_url: None,
        default_model: "cards",
        models: &["cards"],
        defaults: "{}",
        description: "PNG cards rendered in-process (quotes, carousel slides, covers, thumbnails) from the content's text, in the client's design-system colours. No key, works offline.",
    },
    KnownProvider {
        kind: "openai_images",
        label: "OpenAI Images",
        media: "image",
        fields: &["name", "api_key", "model", "base_url", "defaults"],
        needs_key: true,
        default_base_url: Some("https://api.openai.com/v1"),
        default_model: "gpt-image-1",
        models: &["gpt-image-1", "dall-e-3"],
        defaults: "{\"quality\": \"auto\"}",
        description: "POST {base}/images/generations; gpt-image-1 answers b64_json, dall-e-3 is asked for b64_json.",
    },
    KnownProvider {
        kind: "gemini_imagen",
        label: "Google Imagen (Gemini API)",
        media: "image",
        fields: &["name", "api_key", "model", "base_url", "defaults"],
        needs_key: true,
        default_base_url: Some("https://generativelanguage.googleapis.com"),
        default_model: "imagen-4.0-generate-001",
        models: &[
            "imagen-4.0-generate-001",
            "imagen-4.0-fast-generate-001",
            "imagen-3.0-generate-002",
        ],
        defaults: "{\"personGeneration\": \"allow_adult\"}",
        description: "POST {base}/v1beta/models/{model}:predict with instances[{prompt}] and parameters{sampleCount, aspectRatio}.",
    },
    KnownProvider {
        kind: "gemini_veo",
        label: "Google Veo (Gemini API)",
        media: "video",
        fields: &["name", "api_key", "model", "base_url", "defaults"],
        needs_key: true,
        default_base_url: Some("https://generativelanguage.googleapis.com"),
        default_model: "veo-3.0-generate-001",
        models: &[
            "veo-3.0-generate-001",
            "veo-3.0-fast-generate-001",
            "veo-2.0-generate-001",
        ],
        defaults: "{\"poll_interval_ms\": 5000}",
        description: "POST {base}/v1beta/models/{model}:predictLongRunning, then the operation is polled until done and the video downloaded from its URI.",
    },
    KnownProvider {
        kind: "openai_compatible_images",
        label: "OpenAI-compatible images server",
        media: "image",
        fields: &["name", "base_url", "api_key", "model", "defaults"],
        needs_key: false,
        default_base_url: None,
        default_model: "",
        models: &[],
        defaults: "{}",
        description: "Any server speaking the OpenAI images API (LocalAI, a self-hosted Stable Diffusion gateway…): base_url required.",
    },
];

pub fn find(kind: &str) -> Option<&'static KnownProvider> {
    KNOWN.iter().find(|k| k.kind == kind)
}

pub fn types() -> String {
    KNOWN.iter().map(|k| k.kind).collect::<Vec<_>>().join(", ")
}
