//! The knowledge graph's shapes: nodes and weighted edges, pipeline counts, influence.
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Node types, in the order a limited graph keeps them.
pub const NODE_TYPES: &[&str] = &[
    "client",
    "project",
    "collection",
    "persona",
    "skill",
    "template",
    "learning",
    "plan",
    "content",
    "source",
];

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GraphNode {
    /// `<type>:<row id>`.
    pub id: String,
    /// source | collection | learning | skill | persona | template | content | plan | client | project.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: &'static str,
    pub label: String,
    /// Type-specific fields; absent ones are left out.
    pub data: GraphNodeData,
}

/// What a node carries besides its label (each type fills what applies).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct GraphNodeData {
    /// Source kind (paste, url, file…), learning type, skill type, template origin (custom | builtin).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Row status (source, content, plan, client, project; skills: active | inactive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Sources: how many chunks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chunks: Option<i64>,
    /// Learnings: 0–1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// Plans: first day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// Plans: last day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// Collections: description; personas: role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GraphEdge {
    pub source: String,
    pub target: String,
    /// in_collection | derived_from | used | belongs_to | planned_as.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: &'static str,
    pub weight: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KnowledgeGraph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    /// True when the node limit cut the graph.
    pub truncated: bool,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct GraphStats {
    pub sources: i64,
    pub chunks: i64,
    pub collections: i64,
    pub learnings: i64,
    pub skills: i64,
    pub personas: i64,
    pub contents: i64,
    pub contents_by_status: BTreeMap<String, i64>,
    pub approved: i64,
    pub published: i64,
    pub plans: i64,
    pub plan_items: i64,
    pub plan_items_by_status: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InfluenceItem {
    /// `<type>:<id>`, as in the graph.
    pub node_id: String,
    pub id: String,
    /// source | learning | skill | persona | template.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: String,
    pub label: String,
    /// How many contents it went into.
    pub contents: i64,
    /// Summed over contents: the input's provenance weight relative to the strongest input of
    /// its kind in that content (the top source of a content counts 1.0).
    pub strength: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Influence {
    pub items: Vec<InfluenceItem>,
}

/// Filters of the graph.
#[derive(Debug, Clone, Default)]
pub struct GraphFilter {
    pub client_id: Option<String>,
    pub types: Option<String>,
    pub limit: Option<u32>,
}
