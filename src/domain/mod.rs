//! The product's areas, one folder each: `mod.rs` (operations: validate, authorize, write
//! through `Db::write`, emit events), `store.rs` (SQL only), `types.rs`, and where needed
//! `jobs.rs` / `tools.rs` (registered in `app.rs`). Nothing here knows HTTP (no actix) or
//! the API layer above.
pub mod ai_logs;
pub mod ai_settings;
pub mod approvals;
pub mod automations;
pub mod chat;
pub mod content;
pub mod enterprise;
pub mod graph;
pub mod knowledge;
pub mod learnings;
#[cfg(feature = "minilm")]
pub mod models;
pub mod multimodal;
pub mod notifications;
pub mod personas;
pub mod planner;
pub mod publishing;
pub mod skills;
pub mod tasks;
pub mod timesheets;
pub mod webhooks;
