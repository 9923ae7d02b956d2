-- The fast path's outbox: one row per committed chunk, holding all its emitted messages as one JSON
-- array. The committing process publishes them from memory and deletes the row; claimed_until keeps the
-- relay's sweep off it meanwhile, and the sweep publishes it if that process died first.
CREATE TABLE IF NOT EXISTS hearth_outbox_batches (
  id TEXT PRIMARY KEY,
  messages TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  claimed_until TIMESTAMPTZ NULL
);
CREATE INDEX IF NOT EXISTS hearth_outbox_batches_scan ON hearth_outbox_batches (created_at);
