-- The notifier's outbox: one row per notification, keyed by the notify tool's idempotency key, so a
-- resumed or repeated run never sends twice. `published_at` is set in the transaction that emits it.
CREATE TABLE IF NOT EXISTS agents_notifications (
  idempotency_key TEXT PRIMARY KEY,
  task_id       TEXT NOT NULL,
  subtask_id    TEXT NOT NULL,
  recipient     TEXT NOT NULL,
  subject       TEXT NOT NULL,
  body          TEXT NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  published_at  TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS agents_notifications_task_idx ON agents_notifications (task_id, subtask_id);
