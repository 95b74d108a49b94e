//! Request and response bodies of the knowledge routes.
use crate::domain::knowledge::search::Hit;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use crate::domain::knowledge::collections_store::Collection;
pub use crate::domain::knowledge::memory_store::{Memory, Stats};
pub use crate::domain::knowledge::reembed::Status as EmbeddingStatus;
pub use crate::domain::knowledge::sources_store::{ChunkView, Source};
pub use crate::domain::knowledge::types::{
    ContextBlock, CookieStatus, Deleted, Grounded, ImportedMany, Patterns, Queued, Sections,
    SourceDetail,
};

use crate::net::HttpUrl;

#[derive(Deserialize, ToSchema)]
pub struct PasteImport {
    pub title: Option<String>,
    #[schema(min_length = 1, pattern = "\\S")]
    pub content: String,
    pub collection_id: Option<String>,
    pub platform: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct UrlImport {
    /// An http or https URL.
    #[schema(value_type = HttpUrl)]
    pub url: String,
    pub collection_id: Option<String>,
    pub title: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct FolderImport {
    pub path: String,
    #[serde(default)]
    pub recursive: bool,
    pub collection_id: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct SourceListQuery {
    pub collection_id: Option<String>,
    pub status: Option<String>,
    pub platform: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct BulkDelete {
    #[schema(max_items = 1000)]
    pub ids: Vec<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct SearchQuery {
    pub q: String,
    /// Results wanted (0–100).
    #[param(value_type = Option<u32>, minimum = 0, maximum = 100)]
    #[serde(default, deserialize_with = "at_most_100")]
    pub limit: Option<usize>,
    /// Restrict to one collection.
    pub collection_id: Option<String>,
    pub source_id: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub platform: Option<String>,
    /// Source kind (paste, url, file, folder, platform) — or memory type on /memory/search.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// hybrid (default), keyword or vector.
    #[param(pattern = "^(hybrid|keyword|vector)$")]
    pub mode: Option<String>,
}

/// A search's `limit`: refused beyond 100 (a 422 from the query or body reader), as stated.
fn at_most_100<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    match Option::<u64>::deserialize(d)? {
        Some(n) if n > 100 => Err(serde::de::Error::custom("limit must be at most 100")),
        n => Ok(n.map(|n| n as usize)),
    }
}

#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    pub query: String,
    pub results: Vec<Hit>,
}

#[derive(Deserialize, ToSchema)]
pub struct CollectionIn {
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct CollectionPatch {
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct CrossReference {
    #[schema(min_length = 1, pattern = "\\S")]
    pub query: String,
    pub collection_ids: Option<Vec<String>>,
    /// Results wanted (0–100).
    #[schema(value_type = Option<u32>, minimum = 0, maximum = 100)]
    #[serde(default, deserialize_with = "at_most_100")]
    pub limit: Option<usize>,
}

#[derive(Deserialize, IntoParams)]
pub struct RecentQuery {
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct MemoryIn {
    #[serde(rename = "type")]
    #[schema(min_length = 1, max_length = 64, pattern = "\\S")]
    pub kind: String,
    #[schema(min_length = 1, pattern = "\\S")]
    pub content: String,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Value>,
}

#[derive(Deserialize, ToSchema)]
pub struct QueryIn {
    pub query: String,
    pub collection_id: Option<String>,
    /// Results wanted (0–100).
    #[schema(value_type = Option<u32>, minimum = 0, maximum = 100)]
    #[serde(default, deserialize_with = "at_most_100")]
    pub limit: Option<usize>,
}

#[derive(Deserialize, IntoParams)]
pub struct ContextQuery {
    pub q: Option<String>,
    /// Passages wanted (0–100).
    #[param(value_type = Option<u32>, minimum = 0, maximum = 100)]
    #[serde(default, deserialize_with = "at_most_100")]
    pub limit: Option<usize>,
    /// Whose rules and learnings to include (the caller's own are always included).
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    /// The persona the generation aims at.
    pub persona_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct GenerateIn {
    #[schema(min_length = 1, max_length = 20000)]
    pub brief: String,
    /// The platform to write for (default linkedin).
    #[schema(value_type = Option<crate::domain::content::types::PlatformName>)]
    pub platform: Option<String>,
    /// Retrieve passages only from these collections.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub collection_ids: Vec<String>,
    /// One collection (older form of `collection_ids`).
    pub collection_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct LinkedinUrl {
    /// An http or https URL.
    #[schema(value_type = HttpUrl)]
    pub url: String,
    pub collection_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct LinkedinUrls {
    /// 1–100 http or https URLs.
    #[schema(min_items = 1, max_items = 100, value_type = Vec<HttpUrl>)]
    pub urls: Vec<String>,
    pub collection_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct PastedItem {
    pub title: Option<String>,
    #[schema(min_length = 1, pattern = "\\S")]
    pub content: String,
}

#[derive(Deserialize, ToSchema)]
pub struct BatchPaste {
    #[schema(min_items = 1, max_items = 500)]
    pub items: Vec<PastedItem>,
    pub collection_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct SaveCookie {
    /// The cookie's value alone: 10–4096 characters, no spaces or ';'.
    #[schema(pattern = "^[^\\s;]{10,4096}$")]
    pub li_at: String,
}

#[derive(Deserialize, ToSchema, Default)]
pub struct AutoExtract {
    pub collection_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct StructureIn {
    #[schema(min_length = 1, pattern = "\\S")]
    pub text: String,
}

/// `multipart/form-data` for a file import: the file and optional fields. The multipart reader
/// parses the form; this type states it in the document.
#[derive(ToSchema)]
pub struct FileImportForm {
    /// The file (PDF, DOCX, TXT, MD, CSV, HTML or JSON).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    pub collection_id: Option<String>,
    pub title: Option<String>,
}

/// `multipart/form-data` for LinkedIn's official data export.
#[derive(ToSchema)]
pub struct DataExportForm {
    /// The export zip.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    pub collection_id: Option<String>,
}

/// `multipart/form-data` for a platform file: a Twitter/X archive zip, YouTube captions (.vtt,
/// .srt) or a visual-scan image (PNG, JPEG, WebP).
#[derive(ToSchema)]
pub struct PlatformUploadForm {
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    pub collection_id: Option<String>,
    pub title: Option<String>,
    /// visual-scan: the vision provider and model to read the image with.
    pub provider: Option<String>,
    pub model: Option<String>,
}

/// JSON for a fetching platform import: what to fetch (`url` or `username`, as the platform
/// takes) and how far. Other fields are ignored.
#[derive(Deserialize, Serialize, ToSchema)]
pub struct PlatformImportJson {
    /// The feed, site or video to fetch (rss, website, youtube; substack and medium take it or
    /// a `username`).
    #[schema(value_type = Option<HttpUrl>)]
    pub url: Option<String>,
    pub username: Option<String>,
    /// Notion / GitHub token; the saved one is used when absent.
    pub token: Option<String>,
    /// website: the most pages to take (20 when absent).
    #[schema(minimum = 1, maximum = 200)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pages: Option<u32>,
    /// website: the wait between two fetches (1000 when absent).
    #[schema(maximum = 10000)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    pub collection_id: Option<String>,
}
