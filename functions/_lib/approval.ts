import type { ApprovalDecision, ApprovalRequest } from '../../shared/agent/index.ts';
import type { HandlerContext } from '../../shared/core/index.ts';
import type { WorkItem } from './events.ts';
import { settings } from './settings.ts';
import { recordStep } from './steps.ts';
import { topics } from './topics.ts';

/** What `POST /tasks/:id/input` publishes on the input topic. */
export interface TaskInput {
  taskId: string;
  approve: boolean;
  comment?: string;
  by: string;
}

/**
 * Human in the loop: before a side-effecting tool runs, marks the sub-task as awaiting input (the task
 * view shows what is asked), parks the execution until `POST /tasks/:id/input` answers or
 * AGENTS_APPROVAL_TIMEOUT_MS passes (a refusal), then puts the sub-task back to work. Every part is a
 * journaled step, so a restart while waiting loses nothing and asks nothing twice.
 * @example await runAgent(def, run, ctx, { approve: approvalGate(work, ctx) })
 */
export function approvalGate(
  work: WorkItem,
  ctx: HandlerContext,
): (request: ApprovalRequest) => Promise<ApprovalDecision> {
  return async (request) => {
    const id = `approval:${request.step}:${request.callIndex}`;
    await ctx.transaction(`${id}:ask`, async ({ sql }) => {
      await sql.query(
        `UPDATE agents_subtasks SET status = 'awaiting_input', deadline_at = NULL, updated_at = now()
         WHERE task_id = $1 AND id = $2 AND status = 'dispatched'`,
        [work.taskId, work.subtaskId],
      );
      await recordStep(sql, work.taskId, `${id}:asked:${work.subtaskId}`, 'input_requested', work.subtaskId, {
        tool: request.tool,
        arguments: request.arguments.slice(0, 2_000),
        timeoutMs: settings.AGENTS_APPROVAL_TIMEOUT_MS,
      });
    });
    const answer = await ctx.waitForEvent<TaskInput>(id, {
      topic: topics.input,
      match: { taskId: work.taskId },
      timeoutMs: settings.AGENTS_APPROVAL_TIMEOUT_MS,
    });
    const decision: ApprovalDecision = answer
      ? { approved: answer.approve === true, ...(answer.comment ? { reason: answer.comment } : {}) }
      : { approved: false, reason: `no answer within ${settings.AGENTS_APPROVAL_TIMEOUT_MS} ms` };
    await ctx.transaction(`${id}:answered`, async ({ sql }) => {
      await sql.query(
        `UPDATE agents_subtasks SET status = 'dispatched', updated_at = now(),
           deadline_at = now() + ($3::int * interval '1 millisecond')
         WHERE task_id = $1 AND id = $2 AND status = 'awaiting_input'`,
        [work.taskId, work.subtaskId, settings.AGENTS_SUBTASK_TIMEOUT_MS],
      );
      await recordStep(sql, work.taskId, `${id}:answered:${work.subtaskId}`, 'input_received', work.subtaskId, {
        approved: decision.approved,
        timedOut: answer === null,
        ...(answer?.by ? { by: answer.by } : {}),
      });
    });
    return decision;
  };
}
