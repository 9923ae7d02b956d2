-- Operational tables shared by the ops agents (health monitor, dead-letter agent, usage report).
-- Portable between PostgreSQL and CockroachDB: no extensions, upserts via ON CONFLICT.

-- Last sign of life of each agent function, written (throttled) by functions/_ops/heartbeat.ts.
CREATE TABLE IF NOT EXISTS hearth_agent_heartbeats (
  agent       TEXT NOT NULL,
  -- The topic the agent consumed ('' for cron agents): the health monitor checks the group's lag on it.
  topic       TEXT NOT NULL,
  -- 'kafka' or 'cron': the kind of trigger the agent beat from.
  kind        TEXT NOT NULL,
  replica     TEXT NOT NULL,
  last_seen   TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (agent, topic)
);

-- Alerts raised by ops agents; one row per (alert key, window) so an alert is emitted once per window.
CREATE TABLE IF NOT EXISTS hearth_alerts (
  alert_key    TEXT NOT NULL,
  window_start TIMESTAMPTZ NOT NULL,
  rule         TEXT NOT NULL,
  subject      TEXT NOT NULL,
  severity     TEXT NOT NULL,
  detail       JSONB NOT NULL,
  raised_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (alert_key, window_start)
);
CREATE INDEX IF NOT EXISTS hearth_alerts_rule_idx ON hearth_alerts (rule, raised_at);
