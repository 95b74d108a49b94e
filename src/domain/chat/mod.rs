//! Conversations, messages, sharing, participants, uploads.
