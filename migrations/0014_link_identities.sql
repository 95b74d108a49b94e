-- Outside identities (Supabase) are found by (provider, subject) only, never by email: a
-- Supabase sign-up with someone's email must not open their account. Existing Supabase-created
-- accounts keep the subject they were created with.
CREATE TABLE user_identities (
    provider   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX user_identities_user ON user_identities(user_id);

INSERT OR IGNORE INTO user_identities (provider, subject, user_id, created_at)
    SELECT 'supabase', external_id, id, created_at FROM users
    WHERE auth_provider = 'supabase' AND external_id IS NOT NULL AND external_id <> '';
