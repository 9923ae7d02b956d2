import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentRunner } from '../../shared/agent/runner/runner.ts';
import { defineTool } from '../../shared/agent/tools/define.ts';
import { ToolRegistry } from '../../shared/agent/tools/registry.ts';
import { agentDirectory, type AgentProfile } from '../../shared/agent/types/agent.ts';
import type { AgentResult } from '../../shared/agent/types/task.ts';
import { defineFunction, kafka } from '../../shared/core/index.ts';
import { durableHarness, type DurableHarness } from '../support/durable.ts';
import { startScriptedProvider, type ScriptedProvider } from '../support/scripted-provider.ts';
import { agentHarness, answer, callTools, scriptedModel, sentMessages, type AgentHarness } from './agent-harness.ts';

let h: AgentHarness;
let d: DurableHarness;
let llm: ScriptedProvider;

beforeAll(async () => {
  h = await agentHarness('agent_resume');
  d = await durableHarness(h.sql, h.kv);
  llm = await startScriptedProvider();
});
afterAll(async () => {
  await llm?.close();
  await h?.close();
});

/** A side-effecting tool counting its real executions. */
function effectTool() {
  const executions: string[] = [];
  const tool = defineTool({
    name: 'charge',
    description: 'charges a card (side effect)',
    input: z.object({ amount: z.number() }),
    sideEffects: true,
    run: ({ amount }, ctx) => {
      executions.push(ctx.idempotencyKey ?? 'none');
      return { charged: amount };
    },
  });
  return { tool, executions };
}

/** A durable function running one agent on its steps. */
function agentFunction(runner: () => AgentRunner, results: AgentResult[], stepsSeen: number[]) {
  return defineFunction({
    name: h.id('durable-agent').toLowerCase(),
    trigger: kafka({
      topic: 'agent-resume',
      schema: z.object({ taskId: z.string(), sessionId: z.string(), agent: z.string() }),
    }),
    durable: true,
    handler: async (task, ctx) => {
      const result = await runner().run(
        { ...task, prompt: 'charge three times', maxSteps: 4 },
        { steps: ctx, onStep: (e) => void stepsSeen.push(e.step) },
      );
      results.push(result);
      return result.status;
    },
  });
}

describe('agent runs on durable steps', () => {
  it('resumes a run handed over after step 2 without calling the model or the tool again', async () => {
    const { tool, executions } = effectTool();
    const { model, name } = scriptedModel(llm, 'resume');
    const agent = h.id('agent');
    const profile: AgentProfile = {
      name: agent,
      systemPrompt: 'test',
      allowedTools: ['charge'],
      sessionTokenCap: 1_000_000,
      dailyTokenCap: 1_000_000,
    };
    const runner = () =>
      new AgentRunner({
        model,
        registry: new ToolRegistry().register(tool),
        sql: h.sql,
        kv: h.kv,
        agents: agentDirectory([profile]),
      });
    llm.script(name, [
      callTools([{ name: 'charge', args: { amount: 1 } }]),
      callTools([{ name: 'charge', args: { amount: 2 } }]),
      callTools([{ name: 'charge', args: { amount: 3 } }]),
      answer('charged 6'),
    ]);
    const results: AgentResult[] = [];
    const seen: number[] = [];
    const fn = agentFunction(runner, results, seen);
    const task = { taskId: h.id('task'), sessionId: h.id('session'), agent };
    const eventId = h.id('event');

    // The host "stops" after step 2: the execution parks, handed over, with steps 1-2 journaled.
    const first = await d.run(fn, task, { eventId, shouldYield: () => seen.length >= 2 });
    expect(first).toMatchObject({ status: 'done', parked: { reason: 'yield' } });
    expect(llm.requestsFor(name)).toHaveLength(2);
    expect(executions).toEqual([`${task.taskId}:1:0`, `${task.taskId}:2:0`]);

    // Redelivered: the journal replays steps 1-2, then steps 3-4 run.
    const second = await d.run(fn, task, { eventId });
    expect(second).toMatchObject({ status: 'done', value: 'completed' });
    expect(llm.requestsFor(name)).toHaveLength(4);
    expect(executions).toEqual([`${task.taskId}:1:0`, `${task.taskId}:2:0`, `${task.taskId}:3:0`]);
    expect(results.at(-1)).toMatchObject({ status: 'completed', output: 'charged 6', stepsUsed: 4 });
    expect(results.at(-1)?.toolCalls).toHaveLength(3);
    // The first call after the resume carried the tool results of steps 1 and 2, read from the journal.
    const firstAfterResume = sentMessages(llm.requestsFor(name)[2]);
    expect(firstAfterResume.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content) as unknown)).toEqual([
      { charged: 1 },
      { charged: 2 },
    ]);
    // Usage is recorded once per step, whatever the replays.
    const { rows } = await h.sql.query<{ n: string }>(
      'SELECT count(*) AS n FROM agent_token_ledger WHERE task_id = $1',
      [task.taskId],
    );
    expect(Number(rows[0]?.n)).toBe(4);

    // A third delivery of the same event is a duplicate: nothing runs.
    expect(await d.run(fn, task, { eventId })).toEqual({ status: 'done', duplicate: true });
    expect(llm.requestsFor(name)).toHaveLength(4);
  });

  it('passes a tool refusal from the approval hook to the model instead of running the tool', async () => {
    const { tool, executions } = effectTool();
    const { model, name } = scriptedModel(llm, 'approve');
    const agent = h.id('agent');
    const profile: AgentProfile = {
      name: agent,
      systemPrompt: 'test',
      allowedTools: ['charge'],
      sessionTokenCap: 1e6,
      dailyTokenCap: 1e6,
    };
    const asked: string[] = [];
    const runner = new AgentRunner({
      model,
      registry: new ToolRegistry().register(tool),
      sql: h.sql,
      kv: h.kv,
      agents: agentDirectory([profile]),
      approve: (request) => {
        asked.push(`${request.tool}:${request.arguments}`);
        return Promise.resolve({ approved: false, reason: 'too expensive' });
      },
    });
    llm.script(name, [callTools([{ name: 'charge', args: { amount: 9 } }]), answer('not charged')]);
    const result = await runner.run({ taskId: h.id('task'), sessionId: h.id('s'), agent, prompt: 'charge' });
    expect(result).toMatchObject({ status: 'completed', output: 'not charged' });
    expect(executions).toEqual([]);
    expect(asked).toEqual(['charge:{"amount":9}']);
    const toolMessage = sentMessages(llm.requestsFor(name)[1]).find((m) => m.role === 'tool');
    expect(toolMessage?.content).toBe('refused: not approved (too expensive)');
  });
});
