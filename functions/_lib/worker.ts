import { defineFunction, kafka, type HandlerContext, type TransactionContext } from '../../shared/core/index.ts';
import type { AgentErrorCode } from '../../shared/agent/index.ts';
import type { AgentDefinition } from './agent.ts';
import { heartbeat } from '../_ops/heartbeat.ts';
import { approvalGate } from './approval.ts';
import { WorkItem, type SubtaskResult } from './events.ts';
import { runAgent } from './run-agent.ts';
import { topics } from './topics.ts';

/** Failures another attempt may fix (a provider outage, a crash); the rest escalate at once. */
const RETRIABLE: readonly AgentErrorCode[] = ['all_models_failed', 'model_error', 'interrupted', 'internal_error'];

/** Extra work in the transaction that reports the result (e.g. publishing the notifier's outbox). */
export type AfterRun = (work: WorkItem, tx: TransactionContext) => Promise<void>;

/**
 * A worker function for one agent: consumes `<prefix>.work.<agent>` (keyed by task id), runs the agent
 * and reports the attempt's result. It is durable: every model and tool call is a journaled step keyed
 * by the run (`<task>/<sub-task>`), so a crash, a redelivery or the next attempt resumes the run where
 * it stopped and never calls a model or a tool twice. It holds no transaction while the model thinks.
 * Work for a sub-task that is no longer waiting for this attempt (finished, superseded, cancelled) is
 * skipped; a cancelled task stops at its next step.
 * @example export default agentWorker(researchAgent)
 */
export function agentWorker(def: AgentDefinition, options: { afterRun?: AfterRun; emits?: readonly string[] } = {}) {
  const agent = def.profile.name;
  return defineFunction({
    name: `${agent}-agent`,
    trigger: kafka({ topic: topics.work(agent), schema: WorkItem }),
    // Failures outside the run (a bug, a refused write) are retried here; agent failures are reported.
    retries: 3,
    // The longest one step (a model or tool call) may take.
    timeoutMs: 300_000,
    emits: [topics.results, ...(options.emits ?? [])],
    durable: {
      key: (work) => `${work.taskId}/${work.subtaskId}`,
      cancelKey: (work) => work.taskId,
      waitsFor: [topics.input],
    },
    handler: async (work, ctx) => {
      await heartbeat(`${agent}-agent`, ctx);
      const current = await ctx.step(`check:${work.attempt}`, async () => {
        const { rows } = await ctx.database.query<{
          status: string;
          attempt: number;
          approval: boolean;
          session_id: string | null;
          max_steps: number | null;
          token_budget: number | null;
        }>(
          `SELECT s.status, s.attempt, t.approval, t.session_id, t.max_steps, t.token_budget
             FROM agents_subtasks s JOIN agents_tasks t ON t.id = s.task_id
           WHERE s.task_id = $1 AND s.id = $2`,
          [work.taskId, work.subtaskId],
        );
        const row = rows[0];
        if (!row) return null;
        return {
          status: row.status,
          attempt: Number(row.attempt),
          approval: row.approval,
          // Tasks from before sessions existed are their own session.
          sessionId: row.session_id ?? work.taskId,
          maxSteps: row.max_steps === null ? null : Number(row.max_steps),
          tokenBudget: row.token_budget === null ? null : Number(row.token_budget),
        };
      });
      // Work of a finished, cancelled or superseded attempt: the current attempt resumes the same run.
      if (!current || current.status !== 'dispatched' || current.attempt !== work.attempt) return;
      const runId = `${work.taskId}/${work.subtaskId}`;
      const result = await runAgent(
        def,
        {
          runId,
          taskId: work.taskId,
          subtaskId: work.subtaskId,
          prompt: work.prompt,
          sessionId: current.sessionId,
          maxSteps: current.maxSteps ?? undefined,
          tokenBudget: current.tokenBudget ?? undefined,
          // The task adds its request and answer to the session once it completes, not each agent's.
          remember: false,
        },
        ctx,
        current.approval ? { approve: approvalGate(work, ctx) } : {},
      );
      // Aborted by a hard stop of the host: let the event be delivered again; the run resumes then.
      if (result.status === 'cancelled') throw new Error(`run ${runId} interrupted; it resumes on redelivery`);
      const report: SubtaskResult = {
        type: 'result',
        taskId: work.taskId,
        subtaskId: work.subtaskId,
        agent,
        attempt: work.attempt,
        ok: result.status === 'completed',
        output: result.output,
        tokens: result.tokensUsed,
        steps: result.stepsUsed,
        toolCalls: result.toolCalls,
        ...(result.errorCode ? { errorCode: result.errorCode } : {}),
        ...(result.error ? { error: result.error } : {}),
        retriable: result.errorCode !== undefined && RETRIABLE.includes(result.errorCode),
      };
      await reportResult(work, report, ctx, options.afterRun);
    },
  });
}

async function reportResult(
  work: WorkItem,
  report: SubtaskResult,
  ctx: HandlerContext,
  afterRun: AfterRun | undefined,
): Promise<void> {
  await ctx.transaction(`report:${work.attempt}`, async (tx) => {
    await afterRun?.(work, tx);
    tx.emit(topics.results, report, { key: work.taskId });
  });
}
