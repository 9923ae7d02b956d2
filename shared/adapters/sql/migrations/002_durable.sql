-- Durable execution: executions, their step journal and their waits. Runs unchanged on CockroachDB and
-- PostgreSQL: plain types, IF NOT EXISTS, no extensions.

-- One row per execution (function, key; the key is the event id unless the function says otherwise).
-- status: running (owner holds a lease) | parked (waits for wake_at or an event) | done | failed | cancelled.
CREATE TABLE IF NOT EXISTS hearth_executions (
  function_name TEXT NOT NULL,
  execution_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  status TEXT NOT NULL,
  envelope JSONB NOT NULL,
  owner TEXT NULL,
  lease_until TIMESTAMPTZ NULL,
  wake_at TIMESTAMPTZ NULL,
  waiting_for TEXT NULL,
  attempt INT NOT NULL DEFAULT 1,
  runs INT NOT NULL DEFAULT 1,
  cancel_key TEXT NULL,
  cancel_requested BOOLEAN NOT NULL DEFAULT false,
  result JSONB NULL,
  error TEXT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (function_name, execution_key)
);
-- The timer sweep: parked rows whose wake_at passed, running rows whose lease expired.
CREATE INDEX IF NOT EXISTS hearth_executions_wake ON hearth_executions (status, wake_at);
CREATE INDEX IF NOT EXISTS hearth_executions_lease ON hearth_executions (status, lease_until);
CREATE INDEX IF NOT EXISTS hearth_executions_owner ON hearth_executions (owner);
CREATE INDEX IF NOT EXISTS hearth_executions_cancel ON hearth_executions (cancel_key);
CREATE INDEX IF NOT EXISTS hearth_executions_updated ON hearth_executions (updated_at);

-- The journal: one row per completed step (run, transaction, sleep, wait), written once.
CREATE TABLE IF NOT EXISTS hearth_steps (
  function_name TEXT NOT NULL,
  execution_key TEXT NOT NULL,
  step_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  outcome TEXT NOT NULL,
  value JSONB NULL,
  error JSONB NULL,
  attempts INT NOT NULL DEFAULT 1,
  started_at TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (function_name, execution_key, step_id)
);

-- Open waits of parked executions, found by the topic and the canonical key of their match fields.
CREATE TABLE IF NOT EXISTS hearth_waits (
  function_name TEXT NOT NULL,
  execution_key TEXT NOT NULL,
  step_id TEXT NOT NULL,
  topic TEXT NOT NULL,
  match_key TEXT NOT NULL,
  match_fields TEXT NOT NULL,
  expires_at TIMESTAMPTZ NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (function_name, execution_key, step_id)
);
CREATE INDEX IF NOT EXISTS hearth_waits_match ON hearth_waits (topic, match_key);
