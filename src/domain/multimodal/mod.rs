//! Multimodal: image and video providers, production plans executed asset by asset by a
//! durable job, and the assets themselves — bytes in the one SQLite file, every version kept,
//! served with capability URLs to reviewers outside the workspace.
pub mod assets;
pub mod assets_store;
pub mod types;
