/**
 * The tasks API: submit a task, read its status, follow its steps as server-sent events, or run one
 * agent synchronously. Every route needs a bearer JWT (see ../_lib/auth.ts); /health, /ready and
 * /metrics are the host's own.
 *
 *   POST /tasks              {"prompt": "...", "plan"?: [...], "approval"?: true, AgentTask fields} -> 202 {taskId, session_id}
 *   GET  /tasks/:id                                              -> status, answer, sub-tasks, steps, tokens
 *   GET  /tasks/:id/events                                       -> text/event-stream of steps until the task ends
 *   POST /tasks/:id/input    {"approve": true, "comment"?: "..."} -> 202, the waiting agent resumes
 *   POST /tasks/:id/cancel   {"reason"?: "..."}                  -> 200 cancelled, 409 when already ended
 *   POST /run                {"agent": "analyst", "prompt": "...", AgentTask fields} -> the agent's AgentResult
 *
 * AgentTask fields (seed 001, see ./contract.ts): session_id, metadata, max_steps, token_budget.
 */
import { z } from 'zod';
import { BadInputError, defineFunction, http } from '../../shared/core/index.ts';
import { jwtAuthorizer } from '../_lib/auth.ts';
import { agentTaskFields, strictRequest } from './contract.ts';
import { Plan } from '../_lib/plan.ts';
import { topics } from '../_lib/topics.ts';
import { cancelTaskRoute, taskInputRoute } from './control.ts';
import { streamTaskEvents } from './events.ts';
import { runNow, SYNC_AGENTS } from './run.ts';
import { submitTask } from './submit.ts';
import { readTask } from './read.ts';

// Built once at load: a bad HEARTH_JWT_* variable stops the host at start with its name.
const authorize = jwtAuthorizer(process.env);
const TaskId = z.object({ id: z.string().min(1).max(100) });

export const submit = defineFunction({
  name: 'tasks-submit',
  trigger: http({
    method: 'POST',
    path: '/tasks',
    schema: strictRequest({
      prompt: z.string().trim().min(1).max(4_000),
      plan: Plan.optional(),
      /** Side-effecting tools wait for POST /tasks/:id/input before they run. */
      approval: z.boolean().optional(),
      ...agentTaskFields,
    }),
    maxBytes: 64 * 1024,
    authorize,
  }),
  emits: [topics.tasks],
  handler: submitTask,
});

export const get = defineFunction({
  name: 'tasks-get',
  trigger: http({ method: 'GET', path: '/tasks/:id', schema: TaskId, authorize }),
  handler: ({ id }, ctx) => readTask(id, ctx),
});

export const events = defineFunction({
  name: 'tasks-events',
  trigger: http({ method: 'GET', path: '/tasks/:id/events', schema: TaskId, authorize }),
  handler: ({ id }, ctx) => streamTaskEvents(id, ctx),
});

export const input = defineFunction({
  name: 'tasks-input',
  trigger: http({
    method: 'POST',
    path: '/tasks/:id/input',
    schema: z.strictObject({ approve: z.boolean(), comment: z.string().trim().max(2_000).optional() }),
    maxBytes: 16 * 1024,
    authorize,
  }),
  emits: [topics.input],
  handler: (answer, ctx) => taskInputRoute({ id: taskIdOf(ctx.meta.source), ...answer }, ctx),
});

export const cancel = defineFunction({
  name: 'tasks-cancel',
  trigger: http({
    method: 'POST',
    path: '/tasks/:id/cancel',
    schema: z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }),
    maxBytes: 16 * 1024,
    authorize,
  }),
  emits: [topics.answers],
  handler: ({ reason }, ctx) => cancelTaskRoute({ id: taskIdOf(ctx.meta.source), reason }, ctx),
});

export const run = defineFunction({
  name: 'tasks-run',
  trigger: http({
    method: 'POST',
    path: '/run',
    schema: strictRequest({
      agent: z.enum(SYNC_AGENTS),
      prompt: z.string().trim().min(1).max(4_000),
      ...agentTaskFields,
    }),
    maxBytes: 64 * 1024,
    authorize,
  }),
  timeoutMs: 30_000,
  // Model and tool calls are journaled steps: no transaction is held while the agent thinks.
  durable: true,
  handler: runNow,
});

function taskIdOf(source: { kind: string; params?: Record<string, string> }): string {
  const id = source.kind === 'http' ? source.params?.['id'] : undefined;
  if (!id || id.length > 100)
    throw new BadInputError('schema-invalid', 'id: a task id of 1 to 100 characters is required in the path');
  return id;
}
