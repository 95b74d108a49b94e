//! Request/response shapes of /timesheets (the domain's types, with their OpenAPI schemas).
pub use crate::domain::timesheets::types::{
    CreateEntry, Entry, EntryQuery, ReportQuery, TimesheetReport, UpdateEntry,
};
