import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentsEnv,
  API_FUNCTIONS,
  CONTROL_FUNCTIONS,
  readSse,
  token,
  waitForTask,
  WORKER_FUNCTIONS,
  type AgentsEnv,
} from './agents-harness.ts';

interface Step {
  key: string;
  kind: string;
  subtask: string | null;
}

/**
 * The multi-agent example end to end on real Kafka, PostgreSQL and Redis with the offline model: the
 * tasks API, orchestrator, supervisor and four workers in one `hearth dev` process.
 */
describe('agents example: a task from HTTP to answer', () => {
  let env: AgentsEnv;
  let url: string;

  beforeAll(async () => {
    env = await agentsEnv('agents_e2e');
    ({ url } = await env.start([...API_FUNCTIONS, ...CONTROL_FUNCTIONS, ...WORKER_FUNCTIONS]));
  });
  afterAll(() => env?.close());

  const post = async (path: string, body: unknown, bearer?: string): Promise<Response> =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer ?? (await token())}` },
      body: JSON.stringify(body),
    });

  it('plans, runs research and analyst in one wave, writes, notifies and answers; SSE shows each step in order', async () => {
    const prompt = 'Explain our refund policy and report total revenue by region, then notify ops@example.com';
    const submitted = await post('/tasks', { prompt });
    expect(submitted.status).toBe(202);
    const { taskId } = (await submitted.json()) as { taskId: string };
    expect(submitted.headers.get('location')).toBe(`/tasks/${taskId}`);

    const sse = await fetch(`${url}/tasks/${taskId}/events`, { headers: { authorization: `Bearer ${await token()}` } });
    expect(sse.headers.get('content-type')).toContain('text/event-stream');
    const events = await readSse(sse);
    const task = await waitForTask(url, taskId);

    expect(task['status']).toBe('completed');
    const answer = String(task['answer']);
    // Facts from the seeded knowledge base and data set, found by the research and analyst agents.
    expect(answer).toContain('Refund policy');
    const { rows } = await env.pool.query<{ region: string }>(
      'SELECT region FROM sales_v GROUP BY region ORDER BY SUM(revenue) DESC LIMIT 1',
    );
    expect(answer).toContain(`Total revenue by region: ${rows[0]?.region}`);
    expect(Number(task['tokens'])).toBeGreaterThan(0);
    const subtasks = task['subtasks'] as { id: string; status: string; dependsOn: string[] }[];
    expect(subtasks.map((s) => [s.id, s.status])).toEqual([
      ['research', 'done'],
      ['analyst', 'done'],
      ['writer', 'done'],
      ['notifier', 'done'],
    ]);
    expect(subtasks[2]?.dependsOn).toEqual(['research', 'analyst']);

    const steps = events.filter((e) => e.event === 'step').map((e) => e.data as Step);
    const keys = steps.map((s) => s.key);
    const at = (key: string): number => {
      const i = keys.indexOf(key);
      expect(i, `step ${key} in ${keys.join(', ')}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    expect(keys[0]).toBe('submitted');
    expect(at('planned')).toBeLessThan(at('dispatch:research:1'));
    // research and analyst form the first wave: both are dispatched before either finishes.
    expect(Math.max(at('dispatch:research:1'), at('dispatch:analyst:1'))).toBeLessThan(
      Math.min(at('done:research'), at('done:analyst')),
    );
    for (const sub of ['research', 'analyst', 'writer', 'notifier']) {
      expect(at(`dispatch:${sub}:1`)).toBeLessThan(at(`step:${sub}:1`));
      expect(at(`step:${sub}:1`)).toBeLessThan(at(`done:${sub}`));
    }
    expect(at('done:research')).toBeLessThan(at('dispatch:writer:1'));
    expect(at('done:analyst')).toBeLessThan(at('dispatch:writer:1'));
    expect(at('done:writer')).toBeLessThan(at('dispatch:notifier:1'));
    expect(keys.at(-1)).toBe('completed');
    expect(new Set(keys).size).toBe(keys.length);
    expect(events.at(-1)).toEqual({ event: 'end', data: { taskId, status: 'completed' } });
    // GET returns the same steps.
    expect((task['steps'] as Step[]).map((s) => s.key).sort()).toEqual([...keys].sort());

    const notes = await env.pool.query('SELECT recipient FROM agents_notifications WHERE task_id = $1', [taskId]);
    expect(notes.rowCount).toBe(1);
  });

  it('POST /run answers a short question synchronously', async () => {
    const res = await post('/run', { agent: 'analyst', prompt: 'What is the total revenue by product?' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; answer: string; taskId: string };
    expect(body.status).toBe('completed');
    expect(body.answer).toContain('Total revenue by product: Laptop Pro 14');
    const get = await fetch(`${url}/tasks/${body.taskId}`, { headers: { authorization: `Bearer ${await token()}` } });
    expect(((await get.json()) as { status: string }).status).toBe('completed');
  });

  it('rejects plans with cycles or unknown agents with 400 and the reason', async () => {
    const cycle = await post('/tasks', {
      prompt: 'x',
      plan: [
        { id: 'a', agent: 'research', task: 'a', dependsOn: ['b'] },
        { id: 'b', agent: 'writer', task: 'b', dependsOn: ['a'] },
      ],
    });
    expect(cycle.status).toBe(400);
    expect(((await cycle.json()) as { error: string }).error).toContain('dependency cycle among sub-tasks a, b');
    const unknown = await post('/tasks', { prompt: 'x', plan: [{ id: 'a', agent: 'hacker', task: 'a' }] });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toContain('unknown agent "hacker"');
  });

  it('answers 404 for an unknown task', async () => {
    const res = await fetch(`${url}/tasks/nope`, { headers: { authorization: `Bearer ${await token()}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no task with id "nope"' });
  });

  describe('authentication', () => {
    const get = (bearer: string | null): Promise<Response> =>
      fetch(`${url}/tasks/any`, { headers: bearer === null ? {} : { authorization: `Bearer ${bearer}` } });

    it('401 without a token', async () => {
      const res = await get(null);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(((await res.json()) as { error: string }).error).toContain('missing bearer token');
    });

    it('401 with an expired token', async () => {
      const res = await get(await token({ expiresIn: Math.floor(Date.now() / 1000) - 60 }));
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toContain('token expired');
    });

    it('401 with a badly signed or malformed token', async () => {
      const res = await get('not.a.jwt');
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toContain('invalid token');
    });

    it('403 with a token for another audience', async () => {
      const res = await get(await token({ aud: 'someone-else' }));
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toContain('audience is not accepted');
    });

    it('403 for a caller not on the allow-list', async () => {
      const res = await get(await token({ sub: 'intruder' }));
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toContain('caller "intruder" is not allowed');
    });

    it('413 for an oversize body, before it is read', async () => {
      const res = await post('/tasks', { prompt: 'x'.repeat(70 * 1024) });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: string }).error).toContain('request body exceeds 65536 bytes');
    });

    it('401 comes before body checks', async () => {
      const res = await fetch(`${url}/tasks`, { method: 'POST', body: 'x'.repeat(70 * 1024) });
      expect(res.status).toBe(401);
    });

    it('401 for a token without exp', async () => {
      const res = await get(await token({ expiresIn: null }));
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toContain('"exp" claim check failed (missing)');
    });
  });

  describe('caller scoping', () => {
    const as = async (sub: string, scope?: string) => ({
      authorization: `Bearer ${await token({ sub, ...(scope ? { scope } : {}) })}`,
    });
    const submitAs = async (sub: string, headers: Record<string, string> = {}) =>
      fetch(`${url}/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await as(sub)), ...headers },
        body: JSON.stringify({ prompt: 'Explain the refund policy' }),
      });

    it("another caller's task is a 404 on read, stream, input and cancel, even when it claims the submitter's name", async () => {
      const submitted = await submitAs('test-client');
      const { taskId } = (await submitted.json()) as { taskId: string };
      const notFound = { error: `no task with id "${taskId}"` };
      const spoof = { ...(await as('other-client')), 'hearth-principal': 'test-client' };
      const tries = [
        fetch(`${url}/tasks/${taskId}`, { headers: await as('other-client') }),
        fetch(`${url}/tasks/${taskId}`, { headers: spoof }),
        fetch(`${url}/tasks/${taskId}/events`, { headers: await as('other-client') }),
        fetch(`${url}/tasks/${taskId}/input`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(await as('other-client')) },
          body: JSON.stringify({ approve: true }),
        }),
        fetch(`${url}/tasks/${taskId}/cancel`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...spoof },
          body: '{}',
        }),
      ];
      for (const res of await Promise.all(tries)) {
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual(notFound);
      }
      const own = await fetch(`${url}/tasks/${taskId}`, { headers: await as('test-client') });
      expect(own.status).toBe(200);
      const admin = await fetch(`${url}/tasks/${taskId}`, { headers: await as('other-client', 'read hearth:admin') });
      expect(admin.status).toBe(200);
      expect(((await admin.json()) as { taskId: string }).taskId).toBe(taskId);
      await waitForTask(url, taskId);
    });

    it('an Idempotency-Key is scoped to its caller: the same key from two callers makes two tasks', async () => {
      const key = { 'idempotency-key': `key-${Date.now()}` };
      const first = await submitAs('test-client', key);
      const other = await submitAs('other-client', key);
      const again = await submitAs('test-client', key);
      expect([first.status, other.status, again.status]).toEqual([202, 202, 202]);
      const a = (await first.json()) as { taskId: string };
      const b = (await other.json()) as { taskId: string };
      expect(b.taskId).toMatch(/[0-9a-f-]{36}/);
      expect(b.taskId).not.toBe(a.taskId);
      expect(await again.json()).toEqual({ duplicate: true });
      const { rows } = await env.pool.query<{ caller: string }>(
        'SELECT caller FROM agents_tasks WHERE id = ANY($1) ORDER BY caller',
        [[a.taskId, b.taskId]],
      );
      expect(rows.map((r) => r.caller)).toEqual(['other-client', 'test-client']);
      await Promise.all([waitForTask(url, a.taskId), waitForTask(url, b.taskId)]);
    });

    it('POST /tasks is rate-limited per caller: 429 with Retry-After past the limit, nothing stored', async () => {
      const limited = await env.start(API_FUNCTIONS, { AGENTS_SUBMIT_RATE_PER_MIN: '3' });
      const submit = async (sub: string) =>
        fetch(`${limited.url}/tasks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(await as(sub)) },
          body: JSON.stringify({ prompt: `rate ${sub}` }),
        });
      const before = await env.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM agents_tasks WHERE request = 'rate test-client'",
      );
      const statuses: number[] = [];
      let refused: Response | undefined;
      for (let i = 0; i < 5; i++) {
        const res = await submit('test-client');
        statuses.push(res.status);
        if (res.status === 429) refused = res;
      }
      // A window may turn over between two calls; within one minute at most 3 pass per window.
      expect(statuses.filter((st) => st === 429).length).toBeGreaterThanOrEqual(1);
      expect(refused?.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await refused?.json()) as { error: string }).error).toContain(
        'caller "test-client" may submit 3 tasks per minute',
      );
      expect((await submit('other-client')).status).toBe(202);
      const after = await env.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM agents_tasks WHERE request = 'rate test-client'",
      );
      const accepted = statuses.filter((st) => st === 202).length;
      expect(Number(after.rows[0]?.n) - Number(before.rows[0]?.n)).toBe(accepted);
      limited.host.child.kill('SIGTERM');
      await limited.host.exited;
    });
  });
});
