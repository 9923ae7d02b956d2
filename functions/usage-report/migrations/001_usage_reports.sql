-- Daily per-agent token and cost report, built from agent_token_ledger by the usage-report function.
CREATE TABLE IF NOT EXISTS hearth_usage_reports (
  day                DATE NOT NULL,
  agent              TEXT NOT NULL,
  calls              BIGINT NOT NULL,
  prompt_tokens      BIGINT NOT NULL,
  completion_tokens  BIGINT NOT NULL,
  total_tokens       BIGINT NOT NULL,
  -- What the runner recorded per call, and what today's price table says (they differ when prices change).
  recorded_cost_usd  NUMERIC(14, 6) NOT NULL,
  estimated_cost_usd NUMERIC(14, 6) NOT NULL,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (day, agent)
);
