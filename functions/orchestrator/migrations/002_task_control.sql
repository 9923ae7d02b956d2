-- Tasks may ask for a person's approval before side-effecting tools run (POST /tasks {"approval": true}),
-- and can be cancelled: task status queued -> running -> completed | failed | cancelled; a sub-task waits
-- for input as 'awaiting_input' and a cancelled task's unfinished sub-tasks become 'cancelled'.
ALTER TABLE agents_tasks ADD COLUMN IF NOT EXISTS approval BOOLEAN NOT NULL DEFAULT false;
