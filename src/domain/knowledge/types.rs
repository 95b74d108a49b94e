//! What the knowledge operations answer (beside the rows of the store files).
use super::search::Hit;
use super::sources_store::{ChunkView, NewSource, Source};
use super::structure::Section;
use serde::Serialize;
use utoipa::ToSchema;

/// A source to create, with its uploaded file (name, bytes) when there is one.
pub type NewImport = (NewSource, Option<(String, Vec<u8>)>);

#[derive(Serialize, ToSchema)]
pub struct SourceDetail {
    #[serde(flatten)]
    pub source: Source,
    pub content: String,
    pub chunks: Vec<ChunkView>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportedMany {
    pub count: usize,
    pub sources: Vec<Source>,
}

#[derive(Serialize, ToSchema)]
pub struct Deleted {
    pub deleted: usize,
}

#[derive(Serialize, ToSchema)]
pub struct Queued {
    pub platform: String,
    pub job_id: Option<i64>,
    /// `queued`: sources appear (pending → ready) as the job fetches items.
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct ContextBlock {
    /// Markdown ready to paste into an agent's prompt.
    pub context: String,
    pub memory: Vec<super::memory_store::Memory>,
    pub passages: Vec<Hit>,
}

#[derive(Serialize, ToSchema)]
pub struct Grounded {
    /// The prompt the drafter got: platform rules, voice, the passages, then the brief.
    pub prompt: String,
    pub passages: Vec<Hit>,
    /// The content saved in the content studio.
    pub content_id: String,
    pub version: i64,
    pub title: String,
    pub platform: String,
    pub draft_content: String,
    /// The platform rules the draft breaks.
    pub warnings: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Patterns {
    pub collection_id: String,
    pub sources: usize,
    pub avg_words: f64,
    pub avg_paragraphs: f64,
    /// Distinctive terms: frequent here, spread over several sources.
    pub top_terms: Vec<TermCount>,
    pub hashtags: Vec<TermCount>,
    /// How pieces open: their first line, most frequent first word patterns.
    pub openings: Vec<String>,
    pub question_ratio: f64,
}

/// A term (or hashtag) and how often it occurs.
#[derive(Serialize, ToSchema)]
pub struct TermCount {
    pub term: String,
    pub count: usize,
}

#[derive(Serialize, ToSchema)]
pub struct CookieStatus {
    pub saved: bool,
    pub updated_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Sections {
    pub source_id: String,
    pub sections: Vec<Section>,
}
