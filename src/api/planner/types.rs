//! Query strings of /planner (the bodies are `crate::domain::planner::types`).
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    /// draft | active | completed | archived.
    #[param(value_type = Option<crate::domain::planner::types::PlanStatus>)]
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
    #[param(value_type = Option<crate::domain::planner::types::ItemStatus>)]
    pub status: Option<String>,
    #[param(value_type = Option<crate::domain::content::types::PlatformName>)]
    pub platform: Option<String>,
}
