/**
 * The tasks API: submit a task, read its status, follow its steps as server-sent events, or run one
 * agent synchronously. Every route needs a bearer JWT (see ../_lib/auth.ts); /health, /ready and
 * /metrics are the host's own.
 *
 *   POST /tasks              {"prompt": "...", "plan"?: [...]}     -> 202 {taskId}
 *   GET  /tasks/:id                                              -> status, answer, sub-tasks, steps, tokens
 *   GET  /tasks/:id/events                                       -> text/event-stream of steps until the task ends
 *   POST /run                {"agent": "analyst", "prompt": "..."} -> the agent's answer
 */
import { z } from 'zod';
import { defineFunction, http } from '../../shared/core/index.ts';
import { jwtAuthorizer } from '../_lib/auth.ts';
import { Plan } from '../_lib/plan.ts';
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
    schema: z.object({ prompt: z.string().trim().min(1).max(4_000), plan: Plan.optional() }),
    maxBytes: 64 * 1024,
    authorize,
  }),
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

export const run = defineFunction({
  name: 'tasks-run',
  trigger: http({
    method: 'POST',
    path: '/run',
    schema: z.object({ agent: z.enum(SYNC_AGENTS), prompt: z.string().trim().min(1).max(4_000) }),
    maxBytes: 64 * 1024,
    authorize,
  }),
  timeoutMs: 30_000,
  handler: runNow,
});
