//! Request/response shapes of /timesheets (the domain's types, with their OpenAPI schemas).
pub use crate::domain::timesheets::types::{
    CreateEntry, EntryQuery, ReportQuery, TimeEntry, TimesheetReport, UpdateEntry,
};
