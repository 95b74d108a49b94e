//! The knowledge graph's shapes: nodes and weighted edges, pipeline counts, influence.
use serde::Serialize;
use serde_json::Value;
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
    /// Type-specific fields (status, platform, dates, counts…).
    #[schema(value_type = Object)]
    pub data: Value,
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
    /// Summed provenance weight.
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
