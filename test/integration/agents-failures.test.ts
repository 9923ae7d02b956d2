import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/kafka.ts';
import { startScriptedProvider, type ScriptedProvider } from '../support/scripted-provider.ts';
import { agentsEnv, API_FUNCTIONS, CONTROL_FUNCTIONS, token, waitForTask, type AgentsEnv } from './agents-harness.ts';

interface Step {
  key: string;
  kind: string;
  detail: Record<string, unknown>;
}

const submit = async (url: string, body: unknown): Promise<string> => {
  const res = await fetch(`${url}/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { taskId: string }).taskId;
};

/** Supervision of the multi-agent example: retries, escalation, and a worker killed mid-task. */
describe('agents example: failures', () => {
  let env: AgentsEnv;
  let llm: ScriptedProvider;

  beforeAll(async () => {
    env = await agentsEnv('agents_failures');
    llm = await startScriptedProvider();
  });
  afterAll(async () => {
    await llm?.close();
    await env?.close();
  });

  it('a sub-task failing three times is escalated and the task fails with the reason', async () => {
    const control = await env.start([...API_FUNCTIONS, ...CONTROL_FUNCTIONS], { AGENTS_RETRY_BASE_MS: '200' });
    const { url } = control;
    // The workers' model always answers 503: every attempt fails with a retriable error.
    llm.script('broken', [], { then: { status: 503 } });
    const worker = await env.start(['research-agent'], {
      HEARTH_LLM_PROVIDER: 'openai',
      HEARTH_LLM_BASE_URL: llm.url,
      HEARTH_LLM_MODELS: 'broken',
      HEARTH_LLM_MAX_ATTEMPTS: '1',
    });
    const taskId = await submit(url, { prompt: 'Explain the warranty' });
    const task = await waitForTask(url, taskId);

    expect(task['status']).toBe('failed');
    expect(String(task['error'])).toMatch(
      /^sub-task "research" \(research\) failed after 3 attempts: all_models_failed/,
    );
    const research = (task['subtasks'] as { id: string; status: string; attempt: number }[])[0];
    expect(research).toMatchObject({ id: 'research', status: 'escalated', attempt: 3 });
    const kinds = (task['steps'] as Step[]).map((s) => s.key);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'failed:research:1',
        'retry:research:2',
        'dispatch:research:2',
        'failed:research:3',
        'escalated:research',
        'failed',
      ]),
    );
    expect(kinds).not.toContain('dispatch:research:4');
    expect(kinds).not.toContain('dispatch:writer:1');
    // The next test starts its own control plane with other timeouts; these must not take its partitions.
    for (const { host } of [control, worker]) {
      host.child.kill('SIGTERM');
      await host.exited;
    }
  });

  it('a worker killed mid-task: the sub-task is re-dispatched, resumes, and notify runs once', async () => {
    const { url } = await env.start([...API_FUNCTIONS, ...CONTROL_FUNCTIONS], {
      AGENTS_RETRY_BASE_MS: '200',
      AGENTS_SUBTASK_TIMEOUT_MS: '10000',
    });
    const args = { recipient: 'ops@example.com', subject: 'Report ready', body: 'The weekly report is ready.' };
    // Step 1 calls notify; the step-2 answer hangs so the worker dies mid-task; later calls answer at once.
    llm.script(
      'scripted',
      [{ toolCalls: [{ name: 'notify', arguments: args }] }, { content: 'late', delayMs: 120_000 }],
      {
        then: { content: 'Sent the notification to ops@example.com.' },
      },
    );
    const workerEnv = {
      HEARTH_LLM_PROVIDER: 'openai',
      HEARTH_LLM_BASE_URL: llm.url,
      HEARTH_LLM_MODELS: 'scripted',
      HEARTH_LLM_TIMEOUT_MS: '180000',
    };
    const first = await env.start(['notifier-agent'], workerEnv);
    const taskId = await submit(url, {
      prompt: 'Tell ops the report is ready',
      plan: [{ id: 'notify', agent: 'notifier', task: 'Notify ops@example.com that the report is ready' }],
    });
    const notifications = async (): Promise<number> =>
      Number(
        (
          await env.pool.query<{ n: string }>('SELECT count(*) AS n FROM agents_notifications WHERE task_id = $1', [
            taskId,
          ])
        ).rows[0]?.n,
      );
    await waitUntil(
      'notify ran and the next model call hangs',
      async () => (await notifications()) === 1 && llm.requestsFor('scripted').length >= 2,
      60_000,
    );
    first.host.child.kill('SIGKILL');
    await first.host.exited;

    // While no worker runs, the supervisor sees attempt 1 time out and dispatches attempt 2.
    const dispatched = async (): Promise<boolean> =>
      (
        await env.pool.query("SELECT 1 FROM agents_task_steps WHERE task_id = $1 AND step_key = 'dispatch:notify:2'", [
          taskId,
        ])
      ).rowCount === 1;
    await waitUntil('the supervisor re-dispatched the sub-task', dispatched, 60_000);
    await env.start(['notifier-agent'], workerEnv);
    const task = await waitForTask(url, taskId, 150_000);

    expect(task['status']).toBe('completed');
    expect(String(task['answer'])).toContain('Sent the notification to ops@example.com.');
    const keys = (task['steps'] as Step[]).map((s) => s.key);
    expect(keys).toEqual(
      expect.arrayContaining(['dispatch:notify:1', 'failed:notify:1', 'dispatch:notify:2', 'done:notify']),
    );
    expect(await notifications()).toBe(1);
    // The notify call is one journaled step of the run, replayed (not run again) by attempt 2.
    const journaled = await env.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM hearth_steps WHERE function_name = 'notifier-agent' AND execution_key = $1
         AND step_id LIKE 'agent:notifier:tool:%'`,
      [`${taskId}/notify`],
    );
    expect(Number(journaled.rows[0]?.n)).toBe(1);
    const calls = await env.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM agent_tool_calls WHERE tool = 'notify' AND task_id LIKE $1",
      [`${taskId}/%`],
    );
    expect(Number(calls.rows[0]?.n)).toBe(1);
    const published = await env.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM agents_notifications WHERE task_id = $1 AND published_at IS NOT NULL',
      [taskId],
    );
    expect(Number(published.rows[0]?.n)).toBe(1);
  }, 240_000);
});
