import { cron, defineFunction, kafka } from '../../shared/core/index.ts';
import { StuckTask, SubtaskResult } from '../_lib/events.ts';
import { settings } from '../_lib/settings.ts';
import { topics } from '../_lib/topics.ts';
import { onAttemptFailed, sweep } from './policy.ts';
import { onStuckTask } from './stuck.ts';
import { heartbeat } from '../_ops/heartbeat.ts';

/**
 * The supervisor, part 1: reacts to failed attempts reported by workers (successes are the
 * orchestrator's). Retriable failures are retried with backoff up to AGENTS_MAX_ATTEMPTS, then
 * escalated; unrecoverable ones are escalated at once.
 */
export const supervisor = defineFunction({
  name: 'supervisor',
  trigger: kafka({ topic: topics.results, schema: SubtaskResult }),
  // Declared so the host creates the topic at start (brokers may not auto-create it).
  emits: [topics.escalations],
  handler: async (result, ctx) => {
    await heartbeat('supervisor', ctx);
    if (result.ok) return;
    await onAttemptFailed(ctx, {
      taskId: result.taskId,
      subtaskId: result.subtaskId,
      agent: result.agent,
      attempt: result.attempt,
      reason: `${result.errorCode ?? 'error'}: ${result.error ?? 'no reason given'}`,
      retriable: result.retriable,
    });
  },
});

/**
 * The supervisor, part 2: on AGENTS_SWEEP_SCHEDULE (once across replicas) dispatches retries whose backoff has
 * elapsed and counts attempts past their deadline (a worker that crashed or hangs) as failures.
 */
export const supervisorSweep = defineFunction({
  name: 'supervisor-sweep',
  trigger: cron({ schedule: settings.AGENTS_SWEEP_SCHEDULE, catchUp: 'latest' }),
  handler: async (_tick, ctx) => {
    await heartbeat('supervisor-sweep', ctx);
    const swept = await sweep(ctx);
    if (swept.retried + swept.timedOut > 0) ctx.log.info('supervisor sweep', swept);
  },
});

/**
 * The supervisor, part 3: takes the tasks the stuck-task sweeper hands over. A task never planned is
 * submitted to the orchestrator again; a running task's dispatched attempts count as failed, so they are
 * retried with backoff or escalated like any other failure.
 */
export const supervisorStuck = defineFunction({
  name: 'supervisor-stuck',
  trigger: kafka({ topic: topics.supervisor, schema: StuckTask }),
  handler: async (event, ctx) => {
    const handled = await onStuckTask(ctx, event.taskId);
    ctx.log.info('stuck task handled', { taskId: event.taskId, ...handled });
  },
});
