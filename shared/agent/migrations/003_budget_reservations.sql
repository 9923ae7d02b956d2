-- Budget reservations: before a model call, its estimated tokens (and cost) are reserved against every
-- cap it counts toward; after it, the reservation becomes a ledger row. KV holds the fast counters; these
-- rows let a lost KV be rebuilt with the calls still in flight. A row whose call crashed expires.
CREATE TABLE IF NOT EXISTS agent_budget_reservations (
  id           TEXT PRIMARY KEY,
  agent        TEXT NOT NULL,
  session_id   TEXT NOT NULL,
  usage_day    DATE NOT NULL,
  budget_group TEXT,
  tokens       INT NOT NULL,
  micro_usd    BIGINT NOT NULL DEFAULT 0,
  expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS agent_budget_reservations_session_idx ON agent_budget_reservations (session_id);
CREATE INDEX IF NOT EXISTS agent_budget_reservations_agent_day_idx ON agent_budget_reservations (agent, usage_day);
CREATE INDEX IF NOT EXISTS agent_budget_reservations_group_idx ON agent_budget_reservations (budget_group);
CREATE INDEX IF NOT EXISTS agent_budget_reservations_expires_idx ON agent_budget_reservations (expires_at);

-- A task-wide budget shared by the agents of one task: ledger rows name the group they count toward.
ALTER TABLE agent_token_ledger ADD COLUMN IF NOT EXISTS budget_group TEXT;
CREATE INDEX IF NOT EXISTS agent_token_ledger_group_idx ON agent_token_ledger (budget_group);
