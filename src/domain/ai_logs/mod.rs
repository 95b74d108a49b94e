//! AI call logs, token usage, cost, leaderboard.
