import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Budget } from '../../shared/agent/budget/budget.ts';
import { budgetScopes, type BudgetOwner } from '../../shared/agent/budget/scopes.ts';
import type { PriceTable } from '../../shared/agent/llm/prices.ts';
import { AgentRunner } from '../../shared/agent/runner/runner.ts';
import { ToolRegistry } from '../../shared/agent/tools/registry.ts';
import { agentDirectory, type AgentProfile } from '../../shared/agent/types/agent.ts';
import type { AgentResult } from '../../shared/agent/types/task.ts';
import { startScriptedProvider, type ScriptedProvider } from '../support/scripted-provider.ts';
import { agentHarness, answer, scriptedModel, type AgentHarness } from './agent-harness.ts';

let h: AgentHarness;
let llm: ScriptedProvider;

beforeAll(async () => {
  h = await agentHarness('agent_budget');
  llm = await startScriptedProvider();
});
afterAll(async () => {
  await llm?.close();
  await h?.close();
});

function profileOf(overrides: Partial<AgentProfile> = {}): AgentProfile {
  return {
    name: h.id('agent'),
    systemPrompt: 'test',
    allowedTools: [],
    sessionTokenCap: 1_000_000,
    dailyTokenCap: 1_000_000,
    ...overrides,
  };
}

function runnerFor(profile: AgentProfile, model: ReturnType<typeof scriptedModel>['model'], prices?: PriceTable) {
  return new AgentRunner({
    model,
    registry: new ToolRegistry(),
    sql: h.sql,
    kv: h.kv,
    agents: agentDirectory([profile]),
    budget: { namespace: 'test:' },
    ...(prices ? { prices } : {}),
  });
}

function owner(profile: AgentProfile, sessionId: string): BudgetOwner {
  return { agent: profile.name, sessionId, day: new Date().toISOString().slice(0, 10) };
}

async function ledgerTotal(where: string, value: string): Promise<number> {
  const { rows } = await h.sql.query<{ total: string }>(
    `SELECT COALESCE(SUM(total_tokens), 0)::text AS total FROM agent_token_ledger WHERE ${where} = $1`,
    [value],
  );
  return Number(rows[0]?.total);
}

async function reservationsOf(sessionId: string): Promise<number> {
  const { rows } = await h.sql.query<{ n: string }>(
    'SELECT COUNT(*)::text AS n FROM agent_budget_reservations WHERE session_id = $1',
    [sessionId],
  );
  return Number(rows[0]?.n);
}

describe('budget caps', () => {
  it('refuses a session over its cap before calling the model, with the figures, also after KV is lost', async () => {
    const { model, name } = scriptedModel(llm, 'session-cap');
    const profile = profileOf({ sessionTokenCap: 1000 });
    const sessionId = h.id('session');
    llm.script(name, [answer('first', { prompt: 900, completion: 300 })], { then: answer('should not be asked') });

    const first = await runnerFor(profile, model, { [name]: { input: 1, output: 2 } }).run({
      taskId: h.id('task'),
      sessionId,
      agent: profile.name,
      prompt: 'one',
    });
    expect(first).toMatchObject({ status: 'completed', tokensUsed: 1200 });
    // The call asked for no more completion tokens than the cap had room for.
    expect(llm.requestsFor(name)[0]?.body['max_tokens']).toBeLessThan(1000);

    const second = await runnerFor(profile, model).run({
      taskId: h.id('task'),
      sessionId,
      agent: profile.name,
      prompt: 'two',
    });
    expect(second).toMatchObject({
      status: 'failed',
      errorCode: 'session_budget_exceeded',
      stepsUsed: 0,
      tokensUsed: 0,
    });
    expect(second.error).toMatch(/used 1200 tokens of 1000 tokens/);
    expect(llm.requestsFor(name)).toHaveLength(1);

    // KV lost: the counters are rebuilt from the SQL ledger, the source of truth.
    const scopes = budgetScopes(owner(profile, sessionId), profile, 'test:');
    await h.kv.del(...scopes.flatMap((s) => [s.key, `${s.key}:r`]));
    const third = await runnerFor(profile, model).run({
      taskId: h.id('task'),
      sessionId,
      agent: profile.name,
      prompt: 'three',
    });
    expect(third).toMatchObject({ status: 'failed', errorCode: 'session_budget_exceeded' });
    expect(llm.requestsFor(name)).toHaveLength(1);
    expect(await new Budget(h.sql, h.kv).read(scopes[0]!)).toEqual({ used: 1200, reserved: 0 });
    expect(await reservationsOf(sessionId)).toBe(0);

    const cost = await h.sql.query<{ cost: string }>(
      'SELECT SUM(cost_usd)::text AS cost FROM agent_token_ledger WHERE session_id = $1',
      [sessionId],
    );
    expect(Number(cost.rows[0]?.cost)).toBeCloseTo((900 * 1 + 300 * 2) / 1_000_000, 9);
  });

  it('refuses an agent over its daily cap in any session, and rebuilds a lost counter from SQL', async () => {
    const { model, name } = scriptedModel(llm, 'daily-cap');
    const profile = profileOf({ dailyTokenCap: 610, maxCompletionTokens: 100 });
    const runner = runnerFor(profile, model);
    llm.script(name, [answer('a', { prompt: 200, completion: 100 }), answer('b', { prompt: 200, completion: 100 })], {
      then: answer('should not be asked'),
    });
    const s1 = h.id('session');
    expect((await runner.run({ taskId: h.id('task'), sessionId: s1, agent: profile.name, prompt: 'one' })).status).toBe(
      'completed',
    );
    const scopes = budgetScopes(owner(profile, s1), profile, 'test:');
    await h.kv.del(scopes[1]!.key);
    const s2 = h.id('session');
    expect((await runner.run({ taskId: h.id('task'), sessionId: s2, agent: profile.name, prompt: 'two' })).status).toBe(
      'completed',
    );
    expect((await new Budget(h.sql, h.kv).read(scopes[1]!)).used).toBe(600);

    const refused = await runner.run({
      taskId: h.id('task'),
      sessionId: h.id('session'),
      agent: profile.name,
      prompt: 'x',
    });
    expect(refused).toMatchObject({ status: 'failed', errorCode: 'agent_daily_budget_exceeded' });
    expect(refused.error).toMatch(/agent ".+" on \d{4}-\d\d-\d\d used 600 tokens of 610 tokens/);
    expect(llm.requestsFor(name)).toHaveLength(2);
  });

  it('holds a session cap across 20 concurrent tasks: never more than the cap is recorded', async () => {
    const { model, name } = scriptedModel(llm, 'concurrent');
    const profile = profileOf({ sessionTokenCap: 5000, maxCompletionTokens: 600 });
    const sessionId = h.id('session');
    // Each call costs up to 610 tokens (its prompt as estimated, 13, plus up to 597 completion tokens;
    // a call that was given fewer stops there) and takes a while, so all 20 tasks are in flight together.
    llm.script(name, [], { then: { ...answer('done', { prompt: 13, completion: 597 }), delayMs: 300 } });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        runnerFor(profile, model).run({ taskId: h.id('task'), sessionId, agent: profile.name, prompt: 'go' }),
      ),
    );
    const completed = results.filter((r) => r.status === 'completed');
    const refused = results.filter((r) => r.errorCode === 'session_budget_exceeded');
    const total = await ledgerTotal('session_id', sessionId);
    expect(
      completed.length + refused.length,
      JSON.stringify(results.find((r) => !r.errorCode?.startsWith('session'))),
    ).toBe(20);
    expect(refused.length).toBeGreaterThan(0);
    expect(completed.length, refused[0]?.error).toBeGreaterThanOrEqual(8);
    expect(total).toBe(completed.reduce((sum, r) => sum + r.tokensUsed, 0));
    expect(total).toBeLessThanOrEqual(5000);
    expect(llm.requestsFor(name)).toHaveLength(completed.length);
    const scope = budgetScopes(owner(profile, sessionId), profile, 'test:')[0]!;
    expect(await new Budget(h.sql, h.kv).read(scope)).toEqual({ used: total, reserved: 0 });
    expect(await reservationsOf(sessionId)).toBe(0);
  });

  it('holds the cap when KV loses the counters while calls are in flight: they are rebuilt with them', async () => {
    const { model, name } = scriptedModel(llm, 'kv-loss');
    const profile = profileOf({ sessionTokenCap: 5000, maxCompletionTokens: 600 });
    const sessionId = h.id('session');
    llm.script(name, [], { then: { ...answer('done', { prompt: 13, completion: 597 }), delayMs: 400 } });
    const scopes = budgetScopes(owner(profile, sessionId), profile, 'test:');
    const runs = Array.from({ length: 20 }, (_, i) =>
      new Promise((resolve) => setTimeout(resolve, i * 40)).then(() =>
        runnerFor(profile, model).run({ taskId: h.id('task'), sessionId, agent: profile.name, prompt: 'go' }),
      ),
    );
    // Lose this session's counters and reservations while calls hold reservations (FLUSHDB would also
    // wipe the keys of suites running beside this one; deleting every key of the scope is the same loss).
    while (llm.requestsFor(name).length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    await h.kv.del(...scopes.flatMap((s) => [s.key, `${s.key}:r`]));
    const results: AgentResult[] = await Promise.all(runs);
    const completed = results.filter((r) => r.status === 'completed');
    const total = await ledgerTotal('session_id', sessionId);
    expect(total).toBe(completed.reduce((sum, r) => sum + r.tokensUsed, 0));
    expect(total).toBeLessThanOrEqual(5000);
    expect(results.some((r) => r.errorCode === 'session_budget_exceeded')).toBe(true);
  });

  it('releases a reservation left by a crashed call after its time-to-live', async () => {
    const { model, name } = scriptedModel(llm, 'crash-left');
    const profile = profileOf({ sessionTokenCap: 2000, maxCompletionTokens: 500 });
    const sessionId = h.id('session');
    const scopes = budgetScopes(owner(profile, sessionId), profile, 'test:');
    // A call that reserved 1990 tokens and then died with its process: nothing settles or releases it.
    const crashed = new Budget(h.sql, h.kv, { reservationTtlMs: 1500 });
    expect(
      await crashed.reserve('crashed-task:1', owner(profile, sessionId), scopes, { tokens: 1990, microUsd: 0 }),
    ).toBeNull();
    llm.script(name, [answer('after the crash', { prompt: 100, completion: 200 })]);

    const blocked = await runnerFor(profile, model).run({
      taskId: h.id('task'),
      sessionId,
      agent: profile.name,
      prompt: 'x',
    });
    expect(blocked).toMatchObject({ status: 'failed', errorCode: 'session_budget_exceeded' });
    expect(blocked.error).toMatch(/1990 tokens held by calls in flight/);
    expect(llm.requestsFor(name)).toHaveLength(0);

    await new Promise((resolve) => setTimeout(resolve, 1600));
    const later = await runnerFor(profile, model).run({
      taskId: h.id('task'),
      sessionId,
      agent: profile.name,
      prompt: 'x',
    });
    expect(later).toMatchObject({ status: 'completed', output: 'after the crash' });
    // A rebuild drops expired reservation rows from SQL too.
    await h.kv.del(scopes[0]!.key);
    expect(await new Budget(h.sql, h.kv).read(scopes[0]!)).toEqual({ used: 300, reserved: 0 });
    expect(await reservationsOf(sessionId)).toBe(0);
  });

  it('charges a resumed call once: its new reservation replaces the one its crashed attempt left', async () => {
    const { model, name } = scriptedModel(llm, 'resumed');
    const profile = profileOf({ sessionTokenCap: 1500, maxCompletionTokens: 800 });
    const sessionId = h.id('session');
    const taskId = h.id('task');
    const scopes = budgetScopes(owner(profile, sessionId), profile, 'test:');
    // The first attempt of the task's step 1 reserved 900 tokens, then its host was killed mid-call.
    await new Budget(h.sql, h.kv).reserve(`${taskId}:1`, owner(profile, sessionId), scopes, {
      tokens: 900,
      microUsd: 0,
    });
    llm.script(name, [answer('resumed', { prompt: 100, completion: 600 })]);
    const result = await runnerFor(profile, model).run({ taskId, sessionId, agent: profile.name, prompt: 'x' });
    // Two reservations of 800+ would not fit under 1500; the resumed one replaced its own.
    expect(result).toMatchObject({ status: 'completed', tokensUsed: 700 });
    expect(await ledgerTotal('task_id', taskId)).toBe(700);
    expect(await new Budget(h.sql, h.kv).read(scopes[0]!)).toEqual({ used: 700, reserved: 0 });
  });

  it('shares a task group budget between runs and caps USD per session from the price table', async () => {
    const { model, name } = scriptedModel(llm, 'group-usd');
    const profile = profileOf({ sessionUsdCap: 0.00142, maxCompletionTokens: 200 });
    const prices = { [name]: { input: 2, output: 4 } };
    llm.script(name, [], { then: answer('ok', { prompt: 300, completion: 200 }) });
    const group = { id: h.id('group'), tokens: 1000 };
    const run = (sessionId: string) =>
      runnerFor(profile, model, prices).run({
        taskId: h.id('task'),
        sessionId,
        agent: profile.name,
        prompt: 'x',
        budgetGroup: group,
      });
    expect((await run(h.id('session'))).status).toBe('completed');
    expect((await run(h.id('session'))).status).toBe('completed');
    const third = await run(h.id('session'));
    expect(third).toMatchObject({ status: 'failed', errorCode: 'token_budget_exceeded' });
    expect(third.error).toMatch(/task ".+" used 1000 tokens of 1000 tokens/);
    expect(await ledgerTotal('budget_group', group.id)).toBe(1000);

    // $0.0014 per call (300 x $2 + 200 x $4 per 1M): a session's second call does not fit under $0.00142.
    const sessionId = h.id('session');
    const solo = () =>
      runnerFor(profile, model, prices).run({ taskId: h.id('task'), sessionId, agent: profile.name, prompt: 'x' });
    expect((await solo()).status).toBe('completed');
    const over = await solo();
    expect(over).toMatchObject({ status: 'failed', errorCode: 'session_budget_exceeded' });
    expect(over.error).toMatch(/used \$0\.001400 of \$0\.001420/);
  });
});
