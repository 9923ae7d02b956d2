import { cron, defineFunction } from '../../shared/core/index.ts';
import { heartbeat } from '../_ops/heartbeat.ts';
import { sweeperConfig } from './config.ts';

const config = sweeperConfig(process.env);

/** The event handed to the supervisor for a task that stopped making progress. */
export interface StuckTaskEvent {
  type: 'task.stuck';
  taskId: string;
  status: string;
  lastProgressAt: string;
  stuckForMs: number;
  handoff: number;
  detectedAt: string;
}

/**
 * Stuck-task sweeper: every tick, finds active tasks (HEARTH_SWEEPER_ACTIVE_STATUSES) whose `updated_at`
 * is older than HEARTH_SWEEPER_STUCK_AFTER_MS and hands each to the supervisor (a `task.stuck` event on
 * HEARTH_SUPERVISOR_TOPIC, keyed by task id). A stalled task is handed over once per stall, and again
 * after each further full deadline without progress; the handoff row commits with the emitted event.
 */
export default defineFunction({
  name: 'stuck-task-sweeper',
  trigger: cron({ schedule: config.HEARTH_SWEEPER_SCHEDULE, catchUp: 'latest' }),
  handler: async ({ scheduledAt }, ctx) => {
    await heartbeat('stuck-task-sweeper', ctx);
    const deadline = new Date(scheduledAt.getTime() - config.HEARTH_SWEEPER_STUCK_AFTER_MS);
    const { rows } = await ctx.sql.query<{ id: string; status: string; updated_at: Date; handoffs: number | null }>(
      `SELECT t.id, t.status, t.updated_at, h.handoffs
         FROM ${config.HEARTH_SWEEPER_TASKS_TABLE} t
         LEFT JOIN hearth_stuck_task_handoffs h ON h.task_id = t.id
        WHERE t.status = ANY($1::TEXT[]) AND t.updated_at < $2
          AND (h.task_id IS NULL OR h.progress_at <> t.updated_at OR h.handed_at < $2)
        ORDER BY t.updated_at LIMIT $3`,
      [config.HEARTH_SWEEPER_ACTIVE_STATUSES, deadline, config.HEARTH_SWEEPER_BATCH],
    );
    for (const task of rows) {
      const sameStall = await ctx.sql.query<{ handoffs: number }>(
        `INSERT INTO hearth_stuck_task_handoffs (task_id, progress_at, handed_at, handoffs)
         -- progress_at copied in SQL: a JS Date drops microseconds and would never compare equal.
         SELECT id, updated_at, $2::TIMESTAMPTZ, 1 FROM ${config.HEARTH_SWEEPER_TASKS_TABLE} WHERE id = $1
         ON CONFLICT (task_id) DO UPDATE SET
           handoffs = CASE WHEN hearth_stuck_task_handoffs.progress_at = excluded.progress_at
                           THEN hearth_stuck_task_handoffs.handoffs + 1 ELSE 1 END,
           progress_at = excluded.progress_at, handed_at = excluded.handed_at
         RETURNING handoffs`,
        [task.id, scheduledAt],
      );
      const event: StuckTaskEvent = {
        type: 'task.stuck',
        taskId: task.id,
        status: task.status,
        lastProgressAt: task.updated_at.toISOString(),
        stuckForMs: scheduledAt.getTime() - task.updated_at.getTime(),
        handoff: Number(sameStall.rows[0]?.handoffs ?? 1),
        detectedAt: scheduledAt.toISOString(),
      };
      ctx.emit(config.HEARTH_SUPERVISOR_TOPIC, event, { key: task.id });
    }
    if (rows.length > 0) ctx.log.info('stuck tasks handed to the supervisor', { count: rows.length });
    return { handedOver: rows.length };
  },
});
