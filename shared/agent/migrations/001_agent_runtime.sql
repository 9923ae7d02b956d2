-- Agent runtime tables. Portable between PostgreSQL (13+) and CockroachDB (23.1+): no extensions,
-- gen_random_uuid() is built into both, JSONB and TIMESTAMPTZ everywhere, upserts via ON CONFLICT.

-- The tool registry every replica sees (upserted on start by each replica).
CREATE TABLE IF NOT EXISTS agent_tools (
  name        TEXT PRIMARY KEY,
  version     TEXT NOT NULL,
  description TEXT NOT NULL,
  json_schema JSONB NOT NULL,
  source      TEXT NOT NULL,
  side_effects BOOLEAN NOT NULL DEFAULT false,
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One audit row per tool call the model asked for: ok, refused (permission, rate limit), invalid, error.
CREATE TABLE IF NOT EXISTS agent_tool_calls (
  id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  agent       TEXT NOT NULL,
  tool        TEXT NOT NULL,
  task_id     TEXT NOT NULL,
  session_id  TEXT NOT NULL,
  step        INT NOT NULL,
  call_index  INT NOT NULL,
  status      TEXT NOT NULL,
  error       TEXT,
  duration_ms INT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS agent_tool_calls_task_idx ON agent_tool_calls (task_id);

-- Results of side-effecting tools keyed by idempotency key, so a re-run returns the stored result.
CREATE TABLE IF NOT EXISTS agent_tool_effects (
  idempotency_key TEXT PRIMARY KEY,
  tool        TEXT NOT NULL,
  result      JSONB NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One checkpoint per running task (upserted after every step, deleted when the run ends).
CREATE TABLE IF NOT EXISTS agent_checkpoints (
  task_id     TEXT PRIMARY KEY,
  session_id  TEXT NOT NULL,
  agent       TEXT NOT NULL,
  step        INT NOT NULL,
  tokens_used INT NOT NULL,
  messages    JSONB NOT NULL,
  tool_calls  JSONB NOT NULL,
  output      TEXT NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The durable token ledger: one row per model call. KV counters are a cache rebuilt from here.
CREATE TABLE IF NOT EXISTS agent_token_ledger (
  id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  agent             TEXT NOT NULL,
  session_id        TEXT NOT NULL,
  task_id           TEXT NOT NULL,
  step              INT NOT NULL,
  usage_day         DATE NOT NULL,
  model             TEXT NOT NULL,
  prompt_tokens     INT NOT NULL,
  completion_tokens INT NOT NULL,
  total_tokens      INT NOT NULL,
  cost_usd          NUMERIC(14, 6) NOT NULL DEFAULT 0,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS agent_token_ledger_agent_day_idx ON agent_token_ledger (agent, usage_day);
CREATE INDEX IF NOT EXISTS agent_token_ledger_session_idx ON agent_token_ledger (session_id);
CREATE INDEX IF NOT EXISTS agent_token_ledger_task_idx ON agent_token_ledger (task_id);

-- Knowledge base for kb_search. Full-text search uses tsvector/plainto_tsquery/ts_rank with the
-- 'english' configuration and a GIN (CockroachDB: inverted) index, all supported by CockroachDB 23.1+.
-- The tsvector is written by the INSERT (not a generated column) so both databases accept the DDL.
CREATE TABLE IF NOT EXISTS agent_kb_documents (
  id          TEXT PRIMARY KEY,
  title       TEXT NOT NULL,
  body        TEXT NOT NULL,
  tsv         TSVECTOR NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS agent_kb_documents_tsv_idx ON agent_kb_documents USING GIN (tsv);

-- Long sessions folded into summaries, found again by full-text search (same approach as kb_search).
CREATE TABLE IF NOT EXISTS agent_session_summaries (
  id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id  TEXT NOT NULL,
  agent       TEXT NOT NULL,
  summary     TEXT NOT NULL,
  turn_count  INT NOT NULL,
  tsv         TSVECTOR NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS agent_session_summaries_session_idx ON agent_session_summaries (session_id);
CREATE INDEX IF NOT EXISTS agent_session_summaries_tsv_idx ON agent_session_summaries USING GIN (tsv);
