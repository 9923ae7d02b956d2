-- Outbox rows that fail to publish are retried with backoff (claimed_until is the next attempt) and,
-- after a few attempts, parked as dead (dead_at, last_error) so they never hold up the rows behind them.
ALTER TABLE hearth_outbox ADD COLUMN IF NOT EXISTS attempts INT NOT NULL DEFAULT 0;
ALTER TABLE hearth_outbox ADD COLUMN IF NOT EXISTS last_error TEXT NULL;
ALTER TABLE hearth_outbox ADD COLUMN IF NOT EXISTS dead_at TIMESTAMPTZ NULL;
