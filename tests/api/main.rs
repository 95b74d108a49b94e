//! Integration tests: one binary, one module per area. Servers run in-process on a free loopback
//! port (`helpers::TestServer`) or as the real binary (`helpers::BinaryServer`).
mod helpers;
mod receiver;

mod ai;
mod architecture;
mod chat;
mod fake_llm;

mod auth;
mod automations;
mod automations_tasks;
mod binary;
mod content;
mod content_links;
mod contention;
mod docs_and_errors;
mod enterprise;
mod graph;
mod jobs_events;
mod knowledge;
mod knowledge_ann;
mod knowledge_embed;
mod knowledge_fetch;
mod knowledge_layers;
mod knowledge_models;
mod knowledge_parsers;
mod knowledge_platforms;
mod knowledge_vision;
mod litestream;
mod local_llm;
mod mfa;
mod notifications;
mod planner;
mod settings;
mod supabase;
mod tasks;
mod timesheets;
mod voice;
mod voice_context;
mod voice_extract;
mod voice_model;
mod voice_skills;
mod webhooks;
