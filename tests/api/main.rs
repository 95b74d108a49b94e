//! Integration tests: one binary, one module per area. Servers run in-process on a free loopback
//! port (`helpers::TestServer`) or as the real binary (`helpers::BinaryServer`).
mod helpers;

mod auth;
mod binary;
mod docs_and_errors;
mod jobs_events;
mod knowledge;
mod knowledge_models;
mod knowledge_platforms;
mod mfa;
mod settings;
mod supabase;
