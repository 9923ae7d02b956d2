import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateMessagesTokens } from '../../shared/agent/llm/tokens.ts';
import { boundContext } from '../../shared/agent/memory/context.ts';
import { SessionMemory } from '../../shared/agent/memory/session-memory.ts';
import { findSessionSummaries } from '../../shared/agent/memory/summaries.ts';
import { AgentRunner } from '../../shared/agent/runner/runner.ts';
import { openingMessages } from '../../shared/agent/runner/prompt.ts';
import { ToolRegistry } from '../../shared/agent/tools/registry.ts';
import { agentDirectory, type AgentProfile } from '../../shared/agent/types/agent.ts';
import { AgentTaskSchema } from '../../shared/agent/types/task.ts';
import { startScriptedProvider, type ScriptedProvider } from '../support/scripted-provider.ts';
import { agentHarness, answer, scriptedModel, sentMessages, type AgentHarness } from './agent-harness.ts';

let h: AgentHarness;
let llm: ScriptedProvider;

beforeAll(async () => {
  h = await agentHarness('agent_memory');
  llm = await startScriptedProvider();
});
afterAll(async () => {
  await llm?.close();
  await h?.close();
});

const BOUND = 600;

describe('session memory', () => {
  it('never exceeds the context bound across a 200-turn session, and finds folded turns again', async () => {
    const memory = new SessionMemory(h.kv, h.sql, { maxTurns: 20 });
    const agent = h.id('agent');
    const sessionId = h.id('session');
    const profile: AgentProfile = {
      name: agent,
      systemPrompt: 'You help with orders.',
      allowedTools: [],
      sessionTokenCap: 1e9,
      dailyTokenCap: 1e9,
      contextTokens: BOUND,
    };
    let largest = 0;
    for (let turn = 0; turn < 200; turn++) {
      const topic = turn === 7 ? 'zanzibar shipment delayed by customs' : `order ${turn} status`;
      const task = AgentTaskSchema.parse({
        taskId: `${sessionId}-${turn}`,
        sessionId,
        agent,
        prompt: `Turn ${turn}: tell me about ${topic}. ${'detail '.repeat(turn % 13)}`,
      });
      const prompt = boundContext(await openingMessages(task, profile, { memory, sql: h.sql }), BOUND);
      largest = Math.max(largest, estimateMessagesTokens(prompt));
      expect(estimateMessagesTokens(prompt)).toBeLessThanOrEqual(BOUND);
      expect(prompt.at(-1)).toEqual({ role: 'user', content: task.prompt });
      await memory.append(sessionId, agent, [
        { role: 'user', content: task.prompt },
        { role: 'assistant', content: `Answer ${turn} about ${topic}. ${'more '.repeat(turn % 17)}` },
      ]);
    }
    expect(largest).toBeGreaterThan(BOUND / 2);
    expect((await memory.recent(sessionId)).length).toBeLessThanOrEqual(20);
    const found = await findSessionSummaries(h.sql, sessionId, 'zanzibar customs');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toContain('zanzibar shipment delayed');
  });

  it('the runner remembers earlier turns of the session and keeps each prompt within the bound', async () => {
    const { model, name } = scriptedModel(llm, 'memory');
    const agent = h.id('agent');
    const sessionId = h.id('session');
    const profile: AgentProfile = {
      name: agent,
      systemPrompt: 'You help with orders.',
      allowedTools: [],
      sessionTokenCap: 1e9,
      dailyTokenCap: 1e9,
      contextTokens: 300,
    };
    const memory = new SessionMemory(h.kv, h.sql, { maxTurns: 6 });
    const runner = new AgentRunner({
      model,
      registry: new ToolRegistry(),
      sql: h.sql,
      kv: h.kv,
      agents: agentDirectory([profile]),
      memory,
    });
    llm.script(name, [], { then: answer(`a long answer ${'words '.repeat(40)}`) });
    for (let i = 0; i < 12; i++) {
      const result = await runner.run({
        taskId: h.id('task'),
        sessionId,
        agent,
        prompt: `question number ${i} ${'context '.repeat(20)}`,
      });
      expect(result.status).toBe('completed');
    }
    const requests = llm.requestsFor(name);
    expect(requests).toHaveLength(12);
    for (const request of requests) expect(estimateMessagesTokens(sentMessages(request))).toBeLessThanOrEqual(300);
    const last = sentMessages(requests.at(-1));
    expect(last.some((m) => m.role === 'user' && m.content.startsWith('question number 10'))).toBe(true);
  });
});
