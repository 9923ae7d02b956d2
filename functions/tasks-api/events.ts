import { setTimeout as sleep } from 'node:timers/promises';
import { httpReply, type HandlerContext, type HttpReply, type HttpStreamWrite } from '../../shared/core/index.ts';
import { canSeeTask } from '../_lib/access.ts';
import { listSteps } from '../_lib/steps.ts';
import { noSuchTask } from './read.ts';

const POLL_MS = 250;
/** A stream never outlives this; clients reconnect (EventSource does) to follow longer tasks. */
const MAX_STREAM_MS = 5 * 60_000;
const KEEPALIVE_MS = 15_000;

/**
 * GET /tasks/:id/events: the task's steps as server-sent events (`event: step`), each once, polled from
 * SQL; ends with `event: end` when the task completes, fails or is cancelled (or after a bounded time).
 * @example curl -N -H "authorization: Bearer $TOKEN" localhost:8080/tasks/$ID/events
 */
export async function streamTaskEvents(taskId: string, ctx: HandlerContext): Promise<HttpReply> {
  if (!(await canSeeTask(ctx.sql, taskId, ctx.meta.headers))) return noSuchTask(taskId);
  return httpReply({
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    },
    stream: (write, signal) => follow(taskId, ctx, write, signal),
  });
}

async function follow(taskId: string, ctx: HandlerContext, write: HttpStreamWrite, signal: AbortSignal): Promise<void> {
  const sent = new Set<string>();
  const until = Date.now() + MAX_STREAM_MS;
  let quietSince = Date.now();
  while (!signal.aborted && Date.now() < until) {
    // Re-read every step: rows written inside slower transactions may commit after later ones.
    for (const step of await listSteps(ctx.sql, taskId)) {
      if (sent.has(step.key)) continue;
      sent.add(step.key);
      await write(`id: ${step.key}\nevent: step\ndata: ${JSON.stringify(step)}\n\n`);
      quietSince = Date.now();
    }
    const { rows } = await ctx.sql.query<{ status: string }>('SELECT status FROM agents_tasks WHERE id = $1', [taskId]);
    const status = rows[0]?.status;
    if (status === 'completed' || status === 'failed' || status === 'cancelled') {
      await write(`event: end\ndata: ${JSON.stringify({ taskId, status })}\n\n`);
      return;
    }
    if (Date.now() - quietSince > KEEPALIVE_MS) {
      await write(': keep-alive\n\n');
      quietSince = Date.now();
    }
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}
