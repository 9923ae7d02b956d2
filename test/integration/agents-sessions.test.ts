import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/kafka.ts';
import { startScriptedProvider, type ScriptedProvider } from '../support/scripted-provider.ts';
import { answer, callTools, sentMessages } from './agent-harness.ts';
import {
  agentsEnv,
  API_FUNCTIONS,
  CONTROL_FUNCTIONS,
  token,
  waitForTask,
  WORKER_FUNCTIONS,
  type AgentsEnv,
} from './agents-harness.ts';

const MODEL = 'sessions-model';

async function post(url: string, path: string, body: unknown, sub = 'test-client'): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await token({ sub, expiresIn: '30m' })}` },
    body: JSON.stringify(body),
  });
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

/** Seed 001's AgentTask contract through the tasks API: sessions across tasks, limits, caps. */
describe('agents example: sessions, per-request limits and budgets', () => {
  let env: AgentsEnv;
  let llm: ScriptedProvider;
  let url: string;
  let main: Awaited<ReturnType<AgentsEnv['start']>>['host'];

  beforeAll(async () => {
    env = await agentsEnv('agents_sessions');
    llm = await startScriptedProvider();
    ({ url, host: main } = await env.start([...API_FUNCTIONS, ...CONTROL_FUNCTIONS, ...WORKER_FUNCTIONS], {
      HEARTH_LLM_PROVIDER: 'openai',
      HEARTH_LLM_BASE_URL: llm.url,
      HEARTH_LLM_MODELS: MODEL,
      HEARTH_LLM_MAX_ATTEMPTS: '1',
    }));
  }, 120_000);
  afterAll(async () => {
    await llm?.close();
    await env?.close();
  });

  const researchPlan = (task: string) => [{ id: 'research', agent: 'research', task }];

  it("remembers a session's exchange in its next task, and only in that session", async () => {
    llm.script(MODEL, [answer('The warranty lasts two years.'), answer('Yes, batteries too.'), answer('No idea.')]);
    const first = await post(url, '/tasks', { prompt: 'How long is the warranty?', plan: researchPlan('warranty') });
    expect(first.status).toBe(202);
    const { taskId: t1, session_id: sessionId } = (await json(first)) as { taskId: string; session_id: string };
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await waitForTask(url, t1)).toMatchObject({ status: 'completed', session_id: sessionId });

    const second = await post(url, '/tasks', {
      prompt: 'Does it cover batteries?',
      plan: researchPlan('batteries'),
      session_id: sessionId,
      metadata: { channel: 'chat', ticket: 42 },
    });
    expect(second.status).toBe(202);
    const t2 = ((await json(second)) as { taskId: string }).taskId;
    const done = await waitForTask(url, t2);
    expect(done).toMatchObject({
      status: 'completed',
      session_id: sessionId,
      metadata: { channel: 'chat', ticket: 42 },
      steps_used: 1,
      tool_calls: [],
    });
    expect(done['tokens_used']).toBe(60);
    expect(typeof done['duration_ms']).toBe('number');
    const seen = JSON.stringify(sentMessages(llm.requestsFor(MODEL)[1]));
    expect(seen).toContain('How long is the warranty?');
    expect(seen).toContain('The warranty lasts two years.');

    const other = await post(url, '/tasks', { prompt: 'Anything else?', plan: researchPlan('other') });
    const t3 = ((await json(other)) as { taskId: string }).taskId;
    await waitForTask(url, t3);
    const unseen = JSON.stringify(sentMessages(llm.requestsFor(MODEL)[2]));
    expect(unseen).not.toContain('How long is the warranty?');
    expect(unseen).not.toContain('two years');
  });

  it("answers 404 for another caller's session, as for one that does not exist", async () => {
    llm.script(MODEL, [answer('hello')]);
    const opened = await post(url, '/run', { agent: 'research', prompt: 'hi', max_steps: 1 });
    expect(opened.status).toBe(200);
    const mine = await json(opened);
    expect(mine).toMatchObject({ status: 'completed', output: 'hello', steps_used: 1, error: null });
    const res = await post(url, '/tasks', { prompt: 'x', session_id: mine['session_id'] }, 'other-client');
    expect(res.status).toBe(404);
    expect((await json(res))['error']).toBe(`no session with id "${String(mine['session_id'])}"`);
    const run = await post(
      url,
      '/run',
      { agent: 'research', prompt: 'x', session_id: mine['session_id'] },
      'other-client',
    );
    expect(run.status).toBe(404);
  });

  it('stops at max_steps with max_steps_reached, and at token_budget with the partial output', async () => {
    const search = { name: 'search_knowledge_base', args: { query: 'warranty' } };
    llm.script(MODEL, [callTools([search]), callTools([search])]);
    const capped = await post(url, '/run', { agent: 'research', prompt: 'Loop forever', max_steps: 2 });
    const body = await json(capped);
    expect(capped.status).toBe(502);
    expect(body).toMatchObject({ status: 'failed', error_code: 'max_steps_reached', steps_used: 2 });
    expect(body['tool_calls']).toHaveLength(2);
    expect(llm.requests.filter((r) => JSON.stringify(r.body).includes('Loop forever'))).toHaveLength(2);

    llm.script(MODEL, [callTools([search], { prompt: 350, completion: 150 }, 'Partial: the warranty is two years')]);
    const budget = await post(url, '/run', { agent: 'research', prompt: 'Tell me everything', token_budget: 600 });
    expect(await json(budget)).toMatchObject({
      status: 'failed',
      error_code: 'token_budget_exceeded',
      output: 'Partial: the warranty is two years',
      tokens_used: 500,
    });
    // The second step did not fit in the 100 tokens left: refused before the provider was asked.
    expect(llm.requests.filter((r) => JSON.stringify(r.body).includes('Tell me everything'))).toHaveLength(1);
  });

  it('answers 400 naming the field for out-of-range limits and unknown or misspelled fields', async () => {
    const steps = await post(url, '/tasks', { prompt: 'x', max_steps: 30 });
    expect(steps.status).toBe(400);
    expect((await json(steps))['error']).toMatch(/max_steps/);
    const budget = await post(url, '/run', { agent: 'research', prompt: 'x', token_budget: 100 });
    expect(budget.status).toBe(400);
    expect((await json(budget))['error']).toMatch(/token_budget/);
    const camel = await post(url, '/tasks', { prompt: 'x', sessionId: 's-1' });
    expect(camel.status).toBe(400);
    expect((await json(camel))['error']).toMatch(/unknown field "sessionId" \(spelled "session_id"\)/);
    const unknown = await post(url, '/run', { agent: 'research', prompt: 'x', colour: 'blue' });
    expect(unknown.status).toBe(400);
    expect((await json(unknown))['error']).toMatch(/unknown field "colour"/);
    const big = await post(url, '/tasks', { prompt: 'x', metadata: { blob: 'x'.repeat(9000) } });
    expect(big.status).toBe(400);
    expect((await json(big))['error']).toMatch(/metadata: must be at most 8192 bytes/);
  });

  it("holds an agent's daily cap across two host processes under 12 concurrent requests", async () => {
    const model = 'day-cap-model';
    // Each call takes a while and costs at most what it reserved: its prompt's 1 token plus the
    // completion tokens it was allowed (the provider stops at max_tokens).
    llm.script(model, [], { then: { ...answer('done', { prompt: 1, completion: 1000 }), delayMs: 500 } });
    const hostEnv = {
      HEARTH_LLM_PROVIDER: 'openai',
      HEARTH_LLM_BASE_URL: llm.url,
      HEARTH_LLM_MODELS: model,
      AGENTS_BUDGETS: '{"default":{"sessionTokens":1000000,"dailyTokens":1000000},"writer":{"dailyTokens":3000}}',
    };
    const hosts = await Promise.all([env.start(['tasks-run'], hostEnv), env.start(['tasks-run'], hostEnv)]);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        post(hosts[i % 2]!.url, '/run', { agent: 'writer', prompt: `Write note ${i}` }).then(json),
      ),
    );
    const { rows } = await env.pool.query<{ total: string }>(
      "SELECT COALESCE(SUM(total_tokens), 0)::text AS total FROM agent_token_ledger WHERE agent = 'writer'",
    );
    const total = Number(rows[0]?.total);
    const completed = answers.filter((a) => a['status'] === 'completed');
    const refused = answers.filter((a) => a['error_code'] === 'agent_daily_budget_exceeded');
    expect(completed.length + refused.length, JSON.stringify(answers.find((a) => !a['status']))).toBe(12);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.['error']).toMatch(/agent "writer" on \d{4}-\d\d-\d\d used \d+ tokens of 3000 tokens/);
    expect(total).toBe(completed.reduce((sum, a) => sum + Number(a['tokens_used']), 0));
    expect(total).toBeLessThanOrEqual(3000);
    for (const { host } of hosts) host.child.kill('SIGTERM');
    await Promise.all(hosts.map(({ host }) => host.exited));
  });

  it('a host killed mid-call: its reservation holds within its bound, and the resumed run is charged once', async () => {
    const model = 'crash-model';
    // Only the hosts of this test may resume the run (any durable host serving tasks-run would).
    main.child.kill('SIGTERM');
    await main.exited;
    llm.script(model, [
      { ...answer('never delivered'), delayMs: 60_000 },
      answer('resumed answer', { prompt: 1, completion: 99 }),
    ]);
    const hostEnv = {
      HEARTH_LLM_PROVIDER: 'openai',
      HEARTH_LLM_BASE_URL: llm.url,
      HEARTH_LLM_MODELS: model,
      HEARTH_DURABLE_LEASE_MS: '3000',
      AGENTS_BUDGET_RESERVATION_TTL_MS: '20000',
    };
    const first = await env.start(['tasks-run'], hostEnv);
    const prompt = `Crash test ${Date.now()}`;
    void post(first.url, '/run', { agent: 'analyst', prompt, session_id: 'crash-session' }).catch(() => undefined);
    await waitUntil('the model call in flight', () => llm.requestsFor(model).length === 1, 30_000);
    const held = await env.pool.query<{ ms: string }>(
      `SELECT (EXTRACT(EPOCH FROM expires_at - now()) * 1000)::text AS ms FROM agent_budget_reservations WHERE session_id = 'crash-session'`,
    );
    expect(held.rows).toHaveLength(1);
    expect(Number(held.rows[0]!.ms)).toBeLessThanOrEqual(20_000);
    first.host.child.kill('SIGKILL');
    await first.host.exited;

    const second = await env.start(['tasks-run', 'tasks-get'], hostEnv);
    const { rows } = await env.pool.query<{ id: string }>('SELECT id FROM agents_tasks WHERE request = $1', [prompt]);
    const task = await waitForTask(second.url, rows[0]!.id, 60_000);
    expect(task).toMatchObject({ status: 'completed', output: 'resumed answer', tokens_used: 100 });
    expect(llm.requestsFor(model)).toHaveLength(2);
    const ledger = await env.pool.query<{ n: string; total: string }>(
      "SELECT COUNT(*)::text AS n, SUM(total_tokens)::text AS total FROM agent_token_ledger WHERE session_id = 'crash-session'",
    );
    expect(ledger.rows[0]).toEqual({ n: '1', total: '100' });
    const left = await env.pool.query("SELECT 1 FROM agent_budget_reservations WHERE session_id = 'crash-session'");
    expect(left.rowCount).toBe(0);
    second.host.child.kill('SIGTERM');
    await second.host.exited;
  });
});
