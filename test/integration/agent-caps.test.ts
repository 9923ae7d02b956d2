import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageLedger } from '../../shared/agent/budget/usage.ts';
import { AgentRunner } from '../../shared/agent/runner/runner.ts';
import { ToolRegistry } from '../../shared/agent/tools/registry.ts';
import { agentDirectory, type AgentProfile } from '../../shared/agent/types/agent.ts';
import { startScriptedProvider, type ScriptedProvider } from '../support/scripted-provider.ts';
import { agentHarness, answer, scriptedModel, type AgentHarness } from './agent-harness.ts';

let h: AgentHarness;
let llm: ScriptedProvider;

beforeAll(async () => {
  h = await agentHarness('agent_caps');
  llm = await startScriptedProvider();
});
afterAll(async () => {
  await llm?.close();
  await h?.close();
});

describe('token caps', () => {
  it('refuses a session over its cap before calling the model, also after a restart with KV lost', async () => {
    const { model, name } = scriptedModel(llm, 'session-cap');
    const agent = h.id('agent');
    const sessionId = h.id('session');
    const profile: AgentProfile = {
      name: agent,
      systemPrompt: 'test',
      allowedTools: [],
      sessionTokenCap: 1000,
      dailyTokenCap: 1_000_000,
    };
    const newRunner = () =>
      new AgentRunner({
        model,
        registry: new ToolRegistry(),
        sql: h.sql,
        kv: h.kv,
        agents: agentDirectory([profile]),
        prices: { [name]: { input: 1, output: 2 } },
      });
    llm.script(name, [answer('first', { prompt: 900, completion: 300 })], { then: answer('should not be asked') });

    const first = await newRunner().run({ taskId: h.id('task'), sessionId, agent, prompt: 'one' });
    expect(first).toMatchObject({ status: 'completed', tokensUsed: 1200 });
    expect(llm.requestsFor(name)).toHaveLength(1);

    const second = await newRunner().run({ taskId: h.id('task'), sessionId, agent, prompt: 'two' });
    expect(second).toMatchObject({ status: 'failed', errorCode: 'session_cap_exceeded', stepsUsed: 0, tokensUsed: 0 });
    expect(llm.requestsFor(name)).toHaveLength(1);

    // "Restart": KV counters lost, new runner instances; the SQL ledger is the source of truth.
    const ledger = new UsageLedger(h.sql, h.kv);
    await h.kv.del(...ledger.keys(agent, sessionId));
    const third = await newRunner().run({ taskId: h.id('task'), sessionId, agent, prompt: 'three' });
    expect(third).toMatchObject({ status: 'failed', errorCode: 'session_cap_exceeded' });
    expect(llm.requestsFor(name)).toHaveLength(1);
    expect(await h.kv.get(ledger.keys(agent, sessionId)[0]!)).toBe(1200);
    expect(await ledger.totals(agent, sessionId)).toEqual({ session: 1200, agentDay: 1200 });

    const cost = await h.sql.query<{ cost: string }>(
      'SELECT SUM(cost_usd)::text AS cost FROM agent_token_ledger WHERE session_id = $1',
      [sessionId],
    );
    expect(Number(cost.rows[0]?.cost)).toBeCloseTo((900 * 1 + 300 * 2) / 1_000_000, 9);
  });

  it('refuses an agent over its daily cap in any session, and rebuilds a lost counter from SQL before adding', async () => {
    const { model, name } = scriptedModel(llm, 'daily-cap');
    const agent = h.id('agent');
    const profile: AgentProfile = {
      name: agent,
      systemPrompt: 'test',
      allowedTools: [],
      sessionTokenCap: 1_000_000,
      dailyTokenCap: 500,
    };
    const runner = new AgentRunner({
      model,
      registry: new ToolRegistry(),
      sql: h.sql,
      kv: h.kv,
      agents: agentDirectory([profile]),
    });
    const ledger = new UsageLedger(h.sql, h.kv);
    llm.script(name, [answer('a', { prompt: 200, completion: 100 }), answer('b', { prompt: 200, completion: 100 })], {
      then: answer('should not be asked'),
    });

    const s1 = h.id('session');
    expect((await runner.run({ taskId: h.id('task'), sessionId: s1, agent, prompt: 'one' })).status).toBe('completed');
    // KV lost between calls: the next record must rebuild from SQL (300 + 300), not restart at 300.
    await h.kv.del(...ledger.keys(agent, s1));
    const s2 = h.id('session');
    expect((await runner.run({ taskId: h.id('task'), sessionId: s2, agent, prompt: 'two' })).status).toBe('completed');
    expect((await ledger.totals(agent, s2)).agentDay).toBe(600);

    const refused = await runner.run({ taskId: h.id('task'), sessionId: h.id('session'), agent, prompt: 'three' });
    expect(refused).toMatchObject({ status: 'failed', errorCode: 'agent_daily_cap_exceeded' });
    expect(llm.requestsFor(name)).toHaveLength(2);
  });
});
