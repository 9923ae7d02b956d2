-- The dead-letter agent's review queue, re-queue counters and error-kind catalogue.

-- One row per dead letter received, kept for review with its reason, error and source coordinates.
CREATE TABLE IF NOT EXISTS hearth_dead_letters (
  -- The dead letter's own event id (deterministic per failure, see core deadLetterMessage).
  id              TEXT PRIMARY KEY,
  dlq_topic       TEXT NOT NULL,
  dlq_partition   INT NOT NULL,
  dlq_offset      TEXT NOT NULL,
  function_name   TEXT NOT NULL,
  -- The original event's id: replays keep it, so re-queues are counted per (function, event_id).
  event_id        TEXT NOT NULL,
  reason          TEXT NOT NULL,
  error_class     TEXT NOT NULL,
  error_message   TEXT NOT NULL,
  fingerprint     TEXT NOT NULL,
  attempts        INT NOT NULL,
  source_topic    TEXT,
  source_partition INT,
  source_offset   TEXT,
  event_key       TEXT,
  body            TEXT NOT NULL,
  headers         JSONB NOT NULL,
  -- review: held for a person (bad input, non-retriable, not replayable); scheduled: re-queue due at
  -- requeue_at; requeued: published back to its source topic; exhausted: the re-queue budget is spent.
  status          TEXT NOT NULL,
  requeue_at      TIMESTAMPTZ,
  requeued_at     TIMESTAMPTZ,
  received_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS hearth_dead_letters_due_idx ON hearth_dead_letters (status, requeue_at);
CREATE INDEX IF NOT EXISTS hearth_dead_letters_event_idx ON hearth_dead_letters (function_name, event_id);

-- How often each (function, event) was re-queued: the bound of the re-queue policy.
CREATE TABLE IF NOT EXISTS hearth_dead_letter_requeues (
  function_name    TEXT NOT NULL,
  event_id         TEXT NOT NULL,
  requeues         INT NOT NULL DEFAULT 0,
  last_requeued_at TIMESTAMPTZ,
  PRIMARY KEY (function_name, event_id)
);

-- Distinct error kinds: (function, error class, normalized message) with how often each was seen.
CREATE TABLE IF NOT EXISTS hearth_error_kinds (
  fingerprint        TEXT PRIMARY KEY,
  function_name      TEXT NOT NULL,
  error_class        TEXT NOT NULL,
  normalized_message TEXT NOT NULL,
  sample_message     TEXT NOT NULL,
  occurrences        BIGINT NOT NULL DEFAULT 0,
  first_seen         TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_seen          TIMESTAMPTZ NOT NULL DEFAULT now()
);
