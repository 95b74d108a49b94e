//! The editorial planner: plans over a date range and their dated items, generated from the
//! user's material or written by hand; items become contents ("Draft it") and tasks.
pub mod store;
