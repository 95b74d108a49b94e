//! Query strings of /planner (the bodies are `crate::domain::planner::types`).
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    /// draft | active | completed | archived.
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanItemQuery {
    /// First date, YYYY-MM-DD.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last date, YYYY-MM-DD.
    #[param(format = Date)]
    pub to: Option<String>,
    pub plan_id: Option<String>,
    pub client_id: Option<String>,
    /// idea | planned | drafted | scheduled | published | skipped.
    pub status: Option<String>,
    pub platform: Option<String>,
}
