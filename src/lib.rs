//! Neuromancer: a self-hosted AI content studio in one binary and one SQLite file.
pub mod access;
pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod db;
pub mod docs;
pub mod error;
pub mod events;
pub mod jobs;
pub mod knowledge;
pub mod net;
pub mod telemetry;
pub mod time;
pub mod web;
