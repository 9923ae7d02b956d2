-- Runtime tables of Hearth. Runs unchanged on CockroachDB and PostgreSQL: plain types, IF NOT EXISTS,
-- no extensions, no sequences.

-- Exactly-once effects: one row per (function, event id), written in the handler's transaction.
CREATE TABLE IF NOT EXISTS hearth_ledger (
  function_name TEXT NOT NULL,
  event_id TEXT NOT NULL,
  processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (function_name, event_id)
);
-- pruneLedger() deletes old rows by age.
CREATE INDEX IF NOT EXISTS hearth_ledger_processed_at ON hearth_ledger (processed_at);

-- Transactional outbox: messages emitted by a handler, published by the relay after commit.
-- id is the message's ce_id; seq keeps emit order within one transaction (created_at is the tx time).
CREATE TABLE IF NOT EXISTS hearth_outbox (
  id TEXT PRIMARY KEY,
  topic TEXT NOT NULL,
  message_key TEXT NULL,
  value TEXT NOT NULL,
  headers JSONB NOT NULL,
  seq INT NOT NULL DEFAULT 0,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  claimed_until TIMESTAMPTZ NULL
);
-- The relay scans oldest first and skips rows whose claim has not expired.
CREATE INDEX IF NOT EXISTS hearth_outbox_scan ON hearth_outbox (created_at, seq);

-- Cron: one row per (function, tick); the replica holding the lease runs it, done_at marks it finished.
CREATE TABLE IF NOT EXISTS hearth_cron_ticks (
  function_name TEXT NOT NULL,
  scheduled_at TIMESTAMPTZ NOT NULL,
  claimed_by TEXT NULL,
  lease_until TIMESTAMPTZ NULL,
  done_at TIMESTAMPTZ NULL,
  PRIMARY KEY (function_name, scheduled_at)
);
