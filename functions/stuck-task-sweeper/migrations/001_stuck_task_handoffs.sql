-- One row per task handed to the supervisor by the stuck-task sweeper, so a stalled task is handed over
-- once per stall (per last-progress time), and again only after another full deadline without progress.
CREATE TABLE IF NOT EXISTS hearth_stuck_task_handoffs (
  task_id          TEXT PRIMARY KEY,
  progress_at      TIMESTAMPTZ NOT NULL,
  handed_at        TIMESTAMPTZ NOT NULL,
  handoffs         INT NOT NULL DEFAULT 1
);
