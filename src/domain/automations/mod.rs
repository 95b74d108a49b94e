//! Automations: triggers, conditions, actions, and their runs.
