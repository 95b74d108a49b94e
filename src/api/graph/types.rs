//! Query strings of /graph.
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GraphQuery {
    pub client_id: Option<String>,
    /// Comma-separated node types: source, collection, learning, skill, persona, template,
    /// content, plan, client, project (default all).
    #[param(
        pattern = "^$|^ *(client|project|collection|persona|skill|template|learning|plan|content|source) *(, *(client|project|collection|persona|skill|template|learning|plan|content|source) *)*$"
    )]
    pub types: Option<String>,
    /// Most nodes (1–20000, default 2000).
    #[param(minimum = 1, maximum = 20000)]
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InfluenceQuery {
    pub client_id: Option<String>,
    /// The inputs of this one content.
    pub content_id: Option<String>,
    /// Most items (1–200, default 20).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}
