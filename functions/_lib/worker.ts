import { defineFunction, kafka, type HandlerContext } from '../../shared/core/index.ts';
import type { AgentErrorCode } from '../../shared/agent/index.ts';
import type { AgentDefinition } from './agent.ts';
import { heartbeat } from '../_ops/heartbeat.ts';
import { WorkItem, type SubtaskResult } from './events.ts';
import { runAgent } from './run-agent.ts';
import { topics } from './topics.ts';

/** Failures another attempt may fix (a provider outage, a crash); the rest escalate at once. */
const RETRIABLE: readonly AgentErrorCode[] = ['all_models_failed', 'model_error', 'interrupted', 'internal_error'];

/**
 * A worker function for one agent: consumes `<prefix>.work.<agent>` (keyed by task id), runs the agent
 * (resuming from its checkpoint when an earlier attempt crashed) and reports the attempt's result.
 * Work for a sub-task that is no longer waiting for this attempt (finished, superseded) is skipped.
 * @example export default agentWorker(researchAgent)
 */
export function agentWorker(def: AgentDefinition, options: { afterRun?: AfterRun } = {}) {
  const agent = def.profile.name;
  return defineFunction({
    name: `${agent}-agent`,
    trigger: kafka({ topic: topics.work(agent), schema: WorkItem }),
    // Infrastructure failures (SQL down) are retried here; agent failures are reported to the supervisor.
    retries: 3,
    timeoutMs: 300_000,
    handler: async (work, ctx) => {
      await heartbeat(`${agent}-agent`, ctx);
      const current = await ctx.sql.query<{ status: string; attempt: number }>(
        'SELECT status, attempt FROM agents_subtasks WHERE task_id = $1 AND id = $2',
        [work.taskId, work.subtaskId],
      );
      const row = current.rows[0];
      if (!row || row.status !== 'dispatched' || Number(row.attempt) < work.attempt) return;
      // The run id ignores the attempt: a retry resumes the crashed attempt's checkpoint, and side-effecting
      // tools keep their idempotency keys, so nothing runs twice.
      const runId = `${work.taskId}/${work.subtaskId}`;
      const result = await runAgent(
        def,
        { runId, taskId: work.taskId, subtaskId: work.subtaskId, prompt: work.prompt },
        ctx,
      );
      // Shutting down: leave the event uncommitted so another replica resumes the run from its checkpoint.
      if (result.status === 'cancelled') throw new Error(`run ${runId} interrupted; it resumes on redelivery`);
      await options.afterRun?.(work, ctx);
      const report: SubtaskResult = {
        type: 'result',
        taskId: work.taskId,
        subtaskId: work.subtaskId,
        agent,
        attempt: work.attempt,
        ok: result.status === 'completed',
        output: result.output,
        tokens: result.tokensUsed,
        ...(result.errorCode ? { errorCode: result.errorCode } : {}),
        ...(result.error ? { error: result.error } : {}),
        retriable: result.errorCode !== undefined && RETRIABLE.includes(result.errorCode),
      };
      ctx.emit(topics.results, report, { key: work.taskId });
    },
  });
}

/** Extra work in the event's transaction after a run (e.g. publishing the notifier's outbox). */
export type AfterRun = (work: WorkItem, ctx: HandlerContext) => Promise<void>;
