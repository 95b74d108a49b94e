-- Events waiting for their fan-out. One queued fan-out job drains every pending event in batches
-- (it was one job, three writes, per event). `fanout_attempts` counts failed hand-offs of one event.
ALTER TABLE events ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN fanout_attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX events_pending ON events(pending) WHERE pending = 1;
-- Events whose per-event fan-out job had not finished are pending under the new scheme; those
-- jobs stay queued and now just start a drain.
UPDATE events SET pending = 1 WHERE id IN (
    SELECT json_extract(payload, '$.event_id') FROM jobs
    WHERE kind = 'events.fanout' AND status IN ('queued', 'running'));
