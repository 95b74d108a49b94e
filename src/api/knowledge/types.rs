//! Request and response bodies of the knowledge routes.
use super::sources_store::{ChunkView, Source};
use crate::knowledge::search::Hit;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, ToSchema)]
pub struct PasteImport {
    pub title: Option<String>,
    pub content: String,
    pub collection_id: Option<String>,
    pub platform: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct UrlImport {
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

#[derive(Serialize, ToSchema)]
pub struct ImportedMany {
    pub count: usize,
    pub sources: Vec<Source>,
}

#[derive(Deserialize, IntoParams)]
pub struct SourceListQuery {
    pub collection_id: Option<String>,
    pub status: Option<String>,
    pub platform: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct SourceDetail {
    #[serde(flatten)]
    pub source: Source,
    pub content: String,
    pub chunks: Vec<ChunkView>,
}

#[derive(Deserialize, ToSchema)]
pub struct BulkDelete {
    pub ids: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Deleted {
    pub deleted: usize,
}

#[derive(Deserialize, IntoParams)]
pub struct SearchQuery {
    pub q: String,
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
    pub mode: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    pub query: String,
    pub results: Vec<Hit>,
}

#[derive(Deserialize, ToSchema)]
pub struct CollectionIn {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct CollectionPatch {
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct CrossReference {
    pub query: String,
    pub collection_ids: Option<Vec<String>>,
    pub limit: Option<usize>,
}
