import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentRunner } from '../../shared/agent/runner/runner.ts';
import { connectMcpStdio, registerMcpTools } from '../../shared/agent/tools/mcp.ts';
import { ToolRegistry } from '../../shared/agent/tools/registry.ts';
import { agentDirectory, type AgentProfile } from '../../shared/agent/types/agent.ts';
import { startScriptedProvider, type ScriptedProvider } from '../support/scripted-provider.ts';
import { agentHarness, answer, callTools, scriptedModel, sentMessages, type AgentHarness } from './agent-harness.ts';

let h: AgentHarness;
let llm: ScriptedProvider;
let client: Client;

beforeAll(async () => {
  h = await agentHarness('agent_mcp');
  llm = await startScriptedProvider();
  client = await connectMcpStdio({
    command: process.execPath,
    args: [fileURLToPath(new URL('../support/mcp-server.ts', import.meta.url))],
  });
});
afterAll(async () => {
  await client?.close();
  await llm?.close();
  await h?.close();
});

describe('MCP tools', () => {
  it('registers the server tools, publishes them, and calls them through validation and permissions', async () => {
    const registry = new ToolRegistry();
    const names = await registerMcpTools(registry, client, { server: 'test' });
    expect(names.sort()).toEqual(['add', 'shout']);
    await registry.publish(h.sql);
    const rows = await h.sql.query<{ name: string; source: string; side_effects: boolean }>(
      "SELECT name, source, side_effects FROM agent_tools WHERE source = 'mcp:test' ORDER BY name",
    );
    expect(rows.rows).toEqual([
      { name: 'add', source: 'mcp:test', side_effects: false },
      { name: 'shout', source: 'mcp:test', side_effects: true },
    ]);

    const { model, name } = scriptedModel(llm, 'mcp');
    const agent = h.id('agent');
    const profile: AgentProfile = {
      name: agent,
      systemPrompt: 'test',
      allowedTools: ['add'],
      sessionTokenCap: 1e9,
      dailyTokenCap: 1e9,
    };
    const runner = new AgentRunner({ model, registry, sql: h.sql, kv: h.kv, agents: agentDirectory([profile]) });
    llm.script(name, [
      callTools([
        { name: 'add', args: { a: 2, b: 3 } },
        { name: 'add', args: { a: 'two', b: 3 } },
        { name: 'shout', args: { text: 'hi' } },
      ]),
      answer('5'),
    ]);
    const result = await runner.run({ taskId: h.id('task'), sessionId: h.id('session'), agent, prompt: 'add 2 and 3' });
    expect(result.status).toBe('completed');
    expect(result.toolCalls.map((c) => c.ok)).toEqual([true, false, false]);
    const contents = sentMessages(llm.requestsFor(name)[1])
      .filter((m) => m.role === 'tool')
      .map((m) => m.content);
    expect(contents[0]).toBe('5');
    expect(contents[1]).toMatch(/^invalid arguments: a: /);
    expect(contents[2]).toMatch(/^refused: .* not allowed to call tool "shout"/);
    const offered = llm.requestsFor(name)[0]?.body['tools'] as {
      function: { name: string; parameters: { properties: object } };
    }[];
    expect(offered.map((t) => t.function.name)).toEqual(['add']);
    expect(Object.keys(offered[0]?.function.parameters.properties ?? {})).toEqual(['a', 'b']);
  });
});
