-- Per-agent daily token totals written by the usage-recorder example.
CREATE TABLE IF NOT EXISTS example_usage_daily (
  agent TEXT NOT NULL,
  day DATE NOT NULL,
  calls BIGINT NOT NULL DEFAULT 0,
  total_tokens BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (agent, day)
);
