//! Kanban boards: tasks, columns, subtasks, comments, timers, time logs, the productivity report.
pub mod tools;
