import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentRunner } from '../../shared/agent/runner/runner.ts';
import { kbSearchTool, upsertKbDocument } from '../../shared/agent/tools/builtin/kb-search.ts';
import { notifyTool, type Notification, type Notifier } from '../../shared/agent/tools/builtin/notify.ts';
import { sqlQueryTool } from '../../shared/agent/tools/builtin/sql-query.ts';
import { defineTool } from '../../shared/agent/tools/define.ts';
import { ToolRegistry } from '../../shared/agent/tools/registry.ts';
import { agentDirectory, type AgentProfile } from '../../shared/agent/types/agent.ts';
import { startScriptedProvider, type ScriptedProvider } from '../support/scripted-provider.ts';
import { agentHarness, answer, callTools, scriptedModel, sentMessages, type AgentHarness } from './agent-harness.ts';

let h: AgentHarness;
let llm: ScriptedProvider;
const sentNotifications: { notification: Notification; key: string }[] = [];
const notifier: Notifier = {
  send(notification, key) {
    sentNotifications.push({ notification, key });
    return Promise.resolve({ id: `n-${key}` });
  },
};

beforeAll(async () => {
  h = await agentHarness('agent_tools');
  llm = await startScriptedProvider();
});
afterAll(async () => {
  await llm?.close();
  await h?.close();
});

const echo = defineTool({
  name: 'echo',
  description: 'echoes',
  input: z.object({ text: z.string() }),
  run: ({ text }) => ({ text }),
});
const limited = defineTool({
  name: 'limited',
  description: 'rate limited',
  input: z.object({}),
  rateLimit: { limit: 1, windowMs: 3_600_000 },
  run: () => 'ran',
});

function setup(prefix: string, allowedTools: string[], registry: ToolRegistry) {
  const { model, name } = scriptedModel(llm, prefix);
  const agent = h.id('agent');
  const profile: AgentProfile = {
    name: agent,
    systemPrompt: 'test',
    allowedTools,
    sessionTokenCap: 1_000_000,
    dailyTokenCap: 1_000_000,
  };
  const runner = new AgentRunner({ model, registry, sql: h.sql, kv: h.kv, agents: agentDirectory([profile]) });
  return { runner, name, agent, task: { taskId: h.id('task'), sessionId: h.id('session'), agent, prompt: 'help' } };
}

async function auditRows(taskId: string) {
  const r = await h.sql.query<{ tool: string; status: string; error: string | null }>(
    'SELECT tool, status, error FROM agent_tool_calls WHERE task_id = $1 ORDER BY step, call_index',
    [taskId],
  );
  return r.rows;
}

describe('tool invocation', () => {
  it('hands invalid arguments back to the model, which recovers on the next step', async () => {
    const { runner, name, task } = setup('invalid-args', ['echo'], new ToolRegistry().register(echo));
    llm.script(name, [
      callTools([{ name: 'echo', args: { text: 5 } }]),
      callTools([{ name: 'echo', args: { text: 'hi' } }]),
      answer('recovered'),
    ]);
    const result = await runner.run(task);
    expect(result.status).toBe('completed');
    expect(result.output).toBe('recovered');
    expect(result.toolCalls.map((c) => c.ok)).toEqual([false, true]);
    const toolMessage = sentMessages(llm.requestsFor(name)[1]).find((m) => m.role === 'tool');
    expect(toolMessage?.content).toMatch(/^invalid arguments: text: /);
    expect((await auditRows(task.taskId)).map((r) => r.status)).toEqual(['invalid', 'ok']);
  });

  it('refuses a tool the agent may not use and records it', async () => {
    const registry = new ToolRegistry().register(echo, notifyTool(notifier));
    const { runner, name, task } = setup('not-allowed', ['echo'], registry);
    llm.script(name, [
      callTools([{ name: 'notify', args: { recipient: 'a@b.c', subject: 's', body: 'b' } }]),
      answer('sorry'),
    ]);
    const before = sentNotifications.length;
    const result = await runner.run(task);
    expect(result.status).toBe('completed');
    expect(result.toolCalls[0]).toMatchObject({ name: 'notify', ok: false, error: 'not_allowed' });
    expect(sentNotifications.length).toBe(before);
    expect(sentMessages(llm.requestsFor(name)[1]).find((m) => m.role === 'tool')?.content).toMatch(
      /^refused: agent ".*" is not allowed to call tool "notify"/,
    );
    expect(await auditRows(task.taskId)).toEqual([{ tool: 'notify', status: 'refused', error: 'not_allowed' }]);
    // Only allowed tools are offered to the model.
    const offered = (llm.requestsFor(name)[0]?.body['tools'] as { function: { name: string } }[]).map(
      (t) => t.function.name,
    );
    expect(offered).toEqual(['echo']);
  });

  it('refuses calls over the rate limit with a retry-after', async () => {
    const { runner, name, task } = setup('rate-limit', ['limited'], new ToolRegistry().register(limited));
    llm.script(name, [
      callTools([
        { name: 'limited', args: {} },
        { name: 'limited', args: {} },
      ]),
      answer('ok'),
    ]);
    const result = await runner.run(task);
    expect(result.toolCalls.filter((c) => c.ok)).toHaveLength(1);
    const refused = result.toolCalls.find((c) => !c.ok);
    expect(refused?.error).toMatch(/^rate_limited: retry after \d+s$/);
    const contents = sentMessages(llm.requestsFor(name)[1])
      .filter((m) => m.role === 'tool')
      .map((m) => m.content);
    expect(
      contents.some((c) =>
        /^refused: rate limit of 1 calls per 3600s exceeded for tool "limited"; retry after \d+ seconds$/.test(c),
      ),
    ).toBe(true);
    expect((await auditRows(task.taskId)).map((r) => r.status).sort()).toEqual(['ok', 'refused']);
  });

  it('publishes the registry to SQL with JSON Schemas', async () => {
    const registry = new ToolRegistry().register(echo, kbSearchTool(), notifyTool(notifier));
    await registry.publish(h.sql);
    await registry.publish(h.sql); // upsert: a second replica starting does not fail
    const r = await h.sql.query<{
      name: string;
      source: string;
      side_effects: boolean;
      json_schema: Record<string, unknown>;
    }>(
      "SELECT name, source, side_effects, json_schema FROM agent_tools WHERE name IN ('echo', 'kb_search', 'notify') ORDER BY name",
    );
    expect(r.rows.map((row) => [row.name, row.source, row.side_effects])).toEqual([
      ['echo', 'builtin', false],
      ['kb_search', 'builtin', false],
      ['notify', 'builtin', true],
    ]);
    expect(r.rows[1]?.json_schema).toMatchObject({ type: 'object', properties: { query: { type: 'string' } } });
  });
});

describe('built-in tools', () => {
  it('kb_search finds documents by full-text relevance', async () => {
    const prefix = h.id('kb');
    await upsertKbDocument(h.sql, {
      id: `${prefix}/refunds`,
      title: 'Refund policy',
      body: 'Customers can request refunds within 30 days of delivery.',
    });
    await upsertKbDocument(h.sql, {
      id: `${prefix}/shipping`,
      title: 'Shipping',
      body: 'Orders ship within two business days.',
    });
    const { runner, name, task } = setup(
      'kb',
      ['kb_search'],
      new ToolRegistry().register(kbSearchTool({ idPrefix: prefix })),
    );
    llm.script(name, [callTools([{ name: 'kb_search', args: { query: 'refunded deliveries' } }]), answer('30 days')]);
    const result = await runner.run(task);
    expect(result.status).toBe('completed');
    const found = JSON.parse(
      sentMessages(llm.requestsFor(name)[1]).find((m) => m.role === 'tool')?.content ?? '{}',
    ) as { results: { id: string }[] };
    expect(found.results.map((d) => d.id)).toEqual([`${prefix}/refunds`]);
  });

  it('sql_query runs a SELECT over an allowed view and rejects anything else', async () => {
    const view = `orders_${h.id('v').replace(/-/g, '_')}`;
    await h.sql.query(`CREATE VIEW ${view} AS SELECT * FROM (VALUES (1, 'shipped'), (2, 'pending')) AS t(id, status)`);
    const { runner, name, task } = setup(
      'sql',
      ['sql_query'],
      new ToolRegistry().register(sqlQueryTool({ allowedViews: [view], maxRows: 1 })),
    );
    llm.script(name, [
      callTools([
        { name: 'sql_query', args: { sql: `SELECT id, status FROM ${view} ORDER BY id` } },
        { name: 'sql_query', args: { sql: 'DELETE FROM agent_tools' } },
        { name: 'sql_query', args: { sql: 'SELECT * FROM agent_checkpoints' } },
      ]),
      answer('done'),
    ]);
    const result = await runner.run(task);
    expect(result.toolCalls.map((c) => c.ok)).toEqual([true, false, false]);
    const contents = sentMessages(llm.requestsFor(name)[1])
      .filter((m) => m.role === 'tool')
      .map((m) => m.content);
    expect(JSON.parse(contents[0] ?? '{}')).toEqual({ rows: [{ id: 1, status: 'shipped' }], truncated: true });
    expect(contents[1]).toMatch(/^error: rejected: only a single SELECT/);
    expect(contents[2]).toMatch(/^error: rejected: relation "agent_checkpoints" is not allowed/);
  });

  it("notify sends with the call's idempotency key, and the call is audited", async () => {
    const { runner, name, task } = setup('notify', ['notify'], new ToolRegistry().register(notifyTool(notifier)));
    llm.script(name, [
      callTools([{ name: 'notify', args: { recipient: 'a@example.com', subject: 'Hi', body: 'Your order shipped' } }]),
      answer('sent'),
    ]);
    const before = sentNotifications.length;
    const result = await runner.run(task);
    expect(result.status).toBe('completed');
    expect(sentNotifications.length).toBe(before + 1);
    expect(sentNotifications.at(-1)).toMatchObject({
      key: `${task.taskId}:1:0`,
      notification: { topic: 'agent.notifications', recipient: 'a@example.com' },
    });
    const audited = await h.sql.query('SELECT tool, status FROM agent_tool_calls WHERE task_id = $1', [task.taskId]);
    expect(audited.rows).toEqual([{ tool: 'notify', status: 'ok' }]);
  });
});
