//! THE list of API areas. Each contributes `configure(cfg)`; utoipa-actix-web collects every
//! `.service()` into the OpenAPI document, so the spec cannot drift from the routes.
pub mod ai_logs;
pub mod ai_settings;
pub mod approvals;
pub mod assets;
pub mod auth;
pub mod automations;
pub mod chat;
pub mod content;
pub mod enterprise;
pub mod graph;
pub mod json_numbers;
pub mod knowledge;
pub mod learnings;
pub mod mfa;
#[cfg(feature = "minilm")]
pub mod models;
pub mod multimodal;
pub mod notifications;
pub mod optional_json;
pub mod personas;
pub mod planner;
pub mod publishing;
pub mod settings;
pub mod skills;
pub mod sse;
pub mod system;
pub mod tasks;
pub mod timesheets;
pub mod webhooks;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    system::configure(cfg);
    auth::configure(cfg);
    mfa::configure(cfg);
    settings::configure(cfg);
    chat::configure(cfg);
    ai_logs::configure(cfg);
    ai_settings::configure(cfg);
    #[cfg(feature = "minilm")]
    models::configure(cfg);
    webhooks::configure(cfg);
    automations::configure(cfg);
    notifications::configure(cfg);
    tasks::configure(cfg);
    timesheets::configure(cfg);
    enterprise::configure(cfg);
    knowledge::configure(cfg);
    learnings::configure(cfg);
    skills::configure(cfg);
    personas::configure(cfg);
    content::configure(cfg);
    planner::configure(cfg);
    graph::configure(cfg);
    publishing::configure(cfg);
    approvals::configure(cfg);
    multimodal::configure(cfg);
    assets::configure(cfg);
}
