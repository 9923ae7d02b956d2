-- Sessions (seed 001's AgentTask.session_id): a conversation across tasks, owned by the caller that
-- opened it. Tasks carry the request's contract: session, metadata and limits; results carry steps and
-- tool calls.
CREATE TABLE IF NOT EXISTS agents_sessions (
  id           TEXT PRIMARY KEY,
  caller       TEXT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_used_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
ALTER TABLE agents_tasks ADD COLUMN IF NOT EXISTS session_id TEXT;
ALTER TABLE agents_tasks ADD COLUMN IF NOT EXISTS metadata JSONB;
ALTER TABLE agents_tasks ADD COLUMN IF NOT EXISTS max_steps INT;
ALTER TABLE agents_tasks ADD COLUMN IF NOT EXISTS token_budget INT;
ALTER TABLE agents_subtasks ADD COLUMN IF NOT EXISTS steps_used INT NOT NULL DEFAULT 0;
ALTER TABLE agents_subtasks ADD COLUMN IF NOT EXISTS tool_calls JSONB;
CREATE INDEX IF NOT EXISTS agents_tasks_session_idx ON agents_tasks (session_id);
