import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/kafka.ts';
import { startScriptedProvider, type ScriptedProvider } from '../support/scripted-provider.ts';
import {
  agentsEnv,
  API_FUNCTIONS,
  CONTROL_FUNCTIONS,
  token,
  waitForTask,
  WORKER_FUNCTIONS,
  type AgentsEnv,
} from './agents-harness.ts';

interface Step {
  key: string;
  kind: string;
  detail: Record<string, unknown>;
}

const ALL = [...API_FUNCTIONS, ...CONTROL_FUNCTIONS, ...WORKER_FUNCTIONS];

async function call(url: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await token({ expiresIn: '30m' })}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function submit(url: string, body: unknown): Promise<string> {
  const res = await call(url, 'POST', '/tasks', body);
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { taskId: string }).taskId;
}

async function read(url: string, taskId: string): Promise<Record<string, unknown>> {
  return (await (await call(url, 'GET', `/tasks/${taskId}`)).json()) as Record<string, unknown>;
}

const NOTIFY_PLAN = [{ id: 'notify', agent: 'notifier', task: 'Notify ops@example.com that the report is ready' }];

/** Durable agent work in the multi-agent example: approvals that wait, cancellation, pool safety. */
describe('agents example: durable waits, cancellation and a small pool', () => {
  let env: AgentsEnv;
  let llm: ScriptedProvider;

  beforeAll(async () => {
    env = await agentsEnv('agents_durable');
    llm = await startScriptedProvider();
  });
  afterAll(async () => {
    await llm?.close();
    await env?.close();
  });

  const notifications = async (taskId: string): Promise<number> =>
    Number(
      (
        await env.pool.query<{ n: string }>('SELECT count(*) AS n FROM agents_notifications WHERE task_id = $1', [
          taskId,
        ])
      ).rows[0]?.n,
    );

  it('a task waiting for approval survives a restart; answering it on another replica resumes it', async () => {
    const first = await env.start(ALL);
    const taskId = await submit(first.url, {
      prompt: 'Tell ops the report is ready',
      plan: NOTIFY_PLAN,
      approval: true,
    });
    await waitUntil(
      'the notifier waits for approval',
      async () => (await read(first.url, taskId))['waitingForInput'] === true,
    );
    // Nothing can be answered twice or too early: the task is waiting, not finished.
    expect(await notifications(taskId)).toBe(0);
    const { rows: parked } = await env.pool.query<{ status: string; waiting_for: string }>(
      "SELECT status, waiting_for FROM hearth_executions WHERE function_name = 'notifier-agent'",
    );
    expect(parked).toEqual([{ status: 'parked', waiting_for: 'approval:1:0' }]);
    first.host.child.kill('SIGTERM');
    expect((await first.host.exited).code, first.host.output()).toBe(0);

    const second = await env.start(ALL);
    const answered = await call(second.url, 'POST', `/tasks/${taskId}/input`, { approve: true, comment: 'go ahead' });
    expect(answered.status).toBe(202);
    const task = await waitForTask(second.url, taskId);
    expect(task['status']).toBe('completed');
    expect(await notifications(taskId)).toBe(1);
    const kinds = (task['steps'] as Step[]).map((s) => s.kind);
    expect(kinds).toEqual(expect.arrayContaining(['input_requested', 'input_received', 'subtask_done', 'completed']));
    const received = (task['steps'] as Step[]).find((s) => s.kind === 'input_received');
    expect(received?.detail).toMatchObject({ approved: true, timedOut: false, by: 'test-client' });
    // A task that waits for nothing refuses input.
    const late = await call(second.url, 'POST', `/tasks/${taskId}/input`, { approve: true });
    expect(late.status).toBe(409);
    second.host.child.kill('SIGTERM');
    await second.host.exited;
  }, 180_000);

  it("a wait's timeout fires: the side effect is refused and the task still completes", async () => {
    const host = await env.start(ALL, { AGENTS_APPROVAL_TIMEOUT_MS: '2000' });
    const taskId = await submit(host.url, {
      prompt: 'Tell ops the report is ready',
      plan: NOTIFY_PLAN,
      approval: true,
    });
    const task = await waitForTask(host.url, taskId, 60_000);
    expect(task['status']).toBe('completed');
    expect(await notifications(taskId)).toBe(0);
    const received = (task['steps'] as Step[]).find((s) => s.kind === 'input_received');
    expect(received?.detail).toMatchObject({ approved: false, timedOut: true });
    host.host.child.kill('SIGTERM');
    await host.host.exited;
  }, 120_000);

  it('cancelling a running 4-agent task stops it at the next step: no more model calls, the notifier never runs', async () => {
    const model = 'slow';
    llm.script(model, [], {
      then: { content: 'findings so far', delayMs: 1_500, usage: { prompt_tokens: 20, completion_tokens: 5 } },
    });
    const host = await env.start(ALL, {
      HEARTH_LLM_PROVIDER: 'openai',
      HEARTH_LLM_BASE_URL: llm.url,
      HEARTH_LLM_MODELS: model,
    });
    const taskId = await submit(host.url, {
      prompt: 'Explain the refund policy and total revenue by region, then notify ops',
    });
    await waitUntil('research and analyst call the model', () => llm.requestsFor(model).length >= 2, 60_000);
    const cancelled = await call(host.url, 'POST', `/tasks/${taskId}/cancel`, { reason: 'changed my mind' });
    expect(cancelled.status).toBe(200);
    const atCancel = llm.requestsFor(model).length;
    expect((await read(host.url, taskId))['status']).toBe('cancelled');
    // The calls in flight finish; nothing starts after them.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(llm.requestsFor(model).length).toBe(atCancel);
    const task = await read(host.url, taskId);
    expect(task['status']).toBe('cancelled');
    const subtasks = task['subtasks'] as { id: string; status: string }[];
    expect(subtasks.find((s) => s.id === 'writer')?.status).toBe('cancelled');
    expect(subtasks.find((s) => s.id === 'notifier')?.status).toBe('cancelled');
    const { rows: notifier } = await env.pool.query(
      "SELECT 1 FROM hearth_executions WHERE function_name IN ('writer-agent', 'notifier-agent') AND execution_key LIKE $1",
      [`${taskId}/%`],
    );
    expect(notifier).toEqual([]);
    const { rows: executions } = await env.pool.query<{ status: string }>(
      'SELECT status FROM hearth_executions WHERE execution_key LIKE $1',
      [`${taskId}/%`],
    );
    expect(executions.length).toBeGreaterThan(0);
    expect(new Set(executions.map((e) => e.status))).toEqual(new Set(['cancelled']));
    expect(await notifications(taskId)).toBe(0);
    // Cancelling what already ended is a conflict.
    expect((await call(host.url, 'POST', `/tasks/${taskId}/cancel`, {})).status).toBe(409);
    expect((await call(host.url, 'POST', '/tasks/no-such-task/cancel', {})).status).toBe(404);
    host.host.child.kill('SIGTERM');
    await host.host.exited;
  }, 180_000);

  it('with HEARTH_SQL_POOL_MAX=4, 20 tasks and 12 pollers all finish, and no pool wait times out', async () => {
    const host = await env.start(ALL, { HEARTH_SQL_POOL_MAX: '4' });
    const started = Date.now();
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        submit(host.url, { prompt: `Explain the warranty and total revenue by region (${i})` }),
      ),
    );
    let polling = true;
    const polls = Array.from({ length: 12 }, async (_, i) => {
      let answered = 0;
      while (polling) {
        const res = await call(host.url, 'GET', `/tasks/${ids[i % ids.length]}`);
        expect(res.status).toBe(200);
        answered += 1;
      }
      return answered;
    });
    const tasks = await Promise.all(ids.map((id) => waitForTask(host.url, id, 60_000)));
    polling = false;
    const answered = await Promise.all(polls);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(tasks.map((t) => t['status'])).toEqual(ids.map(() => 'completed'));
    expect(Math.min(...answered)).toBeGreaterThan(0);
    expect(host.host.output()).not.toContain('timeout exceeded when trying to connect');
    host.host.child.kill('SIGTERM');
    expect((await host.host.exited).code, host.host.output()).toBe(0);
  }, 120_000);
});
