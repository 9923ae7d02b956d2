-- Agent runs are journaled as durable steps (hearth_steps): checkpoints and stored tool results are no
-- longer written. A usage row is recorded once per task and step.
DROP TABLE IF EXISTS agent_checkpoints;
DROP TABLE IF EXISTS agent_tool_effects;
CREATE INDEX IF NOT EXISTS agent_token_ledger_task_step_idx ON agent_token_ledger (task_id, step);
