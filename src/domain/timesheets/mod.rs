//! Weekly timesheets and their report.
