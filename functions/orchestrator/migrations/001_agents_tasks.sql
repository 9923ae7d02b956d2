-- State of the multi-agent example: tasks, their sub-task DAG and a step log. Any replica of the
-- orchestrator or supervisor continues a task from these rows. Portable PostgreSQL/CockroachDB SQL.
CREATE TABLE IF NOT EXISTS agents_tasks (
  id          TEXT PRIMARY KEY,
  request     TEXT NOT NULL,
  caller      TEXT NOT NULL,
  -- queued -> running -> completed | failed
  status      TEXT NOT NULL,
  plan        JSONB,
  answer      TEXT,
  error       TEXT,
  tokens      INT NOT NULL DEFAULT 0,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS agents_subtasks (
  task_id     TEXT NOT NULL,
  id          TEXT NOT NULL,
  agent       TEXT NOT NULL,
  prompt      TEXT NOT NULL,
  depends_on  JSONB NOT NULL,
  position    INT NOT NULL,
  -- waiting -> dispatched -> (retry_wait -> dispatched)* -> done | escalated
  status      TEXT NOT NULL,
  attempt     INT NOT NULL DEFAULT 0,
  output      TEXT,
  error       TEXT,
  tokens      INT NOT NULL DEFAULT 0,
  deadline_at TIMESTAMPTZ,
  retry_at    TIMESTAMPTZ,
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, id)
);
CREATE INDEX IF NOT EXISTS agents_subtasks_watch_idx ON agents_subtasks (status, deadline_at);

-- The step log the API returns and the SSE stream follows; idempotent by (task, step key).
CREATE TABLE IF NOT EXISTS agents_task_steps (
  task_id     TEXT NOT NULL,
  step_key    TEXT NOT NULL,
  kind        TEXT NOT NULL,
  subtask     TEXT,
  detail      JSONB NOT NULL,
  at          TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (task_id, step_key)
);
