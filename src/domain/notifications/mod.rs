//! In-app notifications: who hears which event, read state, live pushes.
