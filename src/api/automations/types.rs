//! DTOs of /automations.
pub use crate::domain::automations::types::{
    ActionDef, Automation, AutomationIn, AutomationPatch, Condition, ConfigField, Run, TriggerDef,
};
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct TestIn {
    /// The trigger payload to run with; the trigger's example payload when absent.
    #[schema(value_type = Option<Object>)]
    pub payload: Option<serde_json::Value>,
}
