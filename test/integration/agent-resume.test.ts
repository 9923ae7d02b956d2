import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadCheckpoint } from '../../shared/agent/checkpoint/store.ts';
import { AgentRunner } from '../../shared/agent/runner/runner.ts';
import { defineTool } from '../../shared/agent/tools/define.ts';
import { invokeToolCall } from '../../shared/agent/tools/invoke.ts';
import { ToolRegistry } from '../../shared/agent/tools/registry.ts';
import { agentDirectory, type AgentProfile } from '../../shared/agent/types/agent.ts';
import { startScriptedProvider, type ScriptedProvider } from '../support/scripted-provider.ts';
import { agentHarness, answer, callTools, scriptedModel, sentMessages, type AgentHarness } from './agent-harness.ts';

let h: AgentHarness;
let llm: ScriptedProvider;

beforeAll(async () => {
  h = await agentHarness('agent_resume');
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

describe('checkpoints', () => {
  it('resumes a crashed run at step 3 without re-running the side effects of steps 1-2', async () => {
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
    const makeRunner = () =>
      new AgentRunner({
        model,
        registry: new ToolRegistry().register(tool),
        sql: h.sql,
        kv: h.kv,
        agents: agentDirectory([profile]),
      });
    const task = { taskId: h.id('task'), sessionId: h.id('session'), agent, prompt: 'charge three times', maxSteps: 4 };
    llm.script(name, [
      callTools([{ name: 'charge', args: { amount: 1 } }]),
      callTools([{ name: 'charge', args: { amount: 2 } }]),
      callTools([{ name: 'charge', args: { amount: 3 } }]),
      answer('charged 6'),
    ]);

    const crashed = await makeRunner().run(task, {
      onStep: (e) => {
        if (e.step === 2) throw new Error('simulated crash');
      },
    });
    expect(crashed).toMatchObject({ status: 'failed', errorCode: 'interrupted', resumable: true, stepsUsed: 2 });
    expect(executions).toEqual([`${task.taskId}:1:0`, `${task.taskId}:2:0`]);
    expect((await loadCheckpoint(h.sql, task.taskId))?.step).toBe(2);

    const seen: number[] = [];
    const resumed = await makeRunner().run(task, { onStep: (e) => void seen.push(e.step) });
    expect(resumed).toMatchObject({ status: 'completed', output: 'charged 6', stepsUsed: 4 });
    expect(seen).toEqual([3, 4]);
    expect(executions).toEqual([`${task.taskId}:1:0`, `${task.taskId}:2:0`, `${task.taskId}:3:0`]);
    expect(resumed.toolCalls).toHaveLength(3);
    // The first call after the resume carried the tool results of steps 1 and 2.
    const firstAfterResume = sentMessages(llm.requestsFor(name)[2]);
    expect(firstAfterResume.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content) as unknown)).toEqual([
      { charged: 1 },
      { charged: 2 },
    ]);
    expect(llm.requestsFor(name)).toHaveLength(4);
    expect(await loadCheckpoint(h.sql, task.taskId)).toBeNull();
  });

  it('returns the stored result when a side-effecting call is repeated with the same key', async () => {
    const { tool, executions } = effectTool();
    const registry = new ToolRegistry().register(tool);
    const site = {
      agent: h.id('agent'),
      allowedTools: ['charge'],
      taskId: h.id('task'),
      sessionId: h.id('s'),
      step: 1,
      callIndex: 0,
    };
    const call = { id: 'c1', type: 'function' as const, function: { name: 'charge', arguments: '{"amount":7}' } };
    const first = await invokeToolCall({ registry, sql: h.sql, kv: h.kv }, call, site);
    const second = await invokeToolCall({ registry, sql: h.sql, kv: h.kv }, call, site);
    expect(first.content).toBe('{"charged":7}');
    expect(second.content).toBe(first.content);
    expect(executions).toHaveLength(1);
  });

  it('keeps the checkpoint when the run is aborted between steps', async () => {
    const { tool } = effectTool();
    const { model, name } = scriptedModel(llm, 'abort');
    const agent = h.id('agent');
    const profile: AgentProfile = {
      name: agent,
      systemPrompt: 'test',
      allowedTools: ['charge'],
      sessionTokenCap: 1_000_000,
      dailyTokenCap: 1_000_000,
    };
    const runner = new AgentRunner({
      model,
      registry: new ToolRegistry().register(tool),
      sql: h.sql,
      kv: h.kv,
      agents: agentDirectory([profile]),
    });
    const task = { taskId: h.id('task'), sessionId: h.id('session'), agent, prompt: 'go' };
    llm.script(name, [callTools([{ name: 'charge', args: { amount: 1 } }]), answer('done')]);
    const controller = new AbortController();
    const result = await runner.run(task, { signal: controller.signal, onStep: () => controller.abort() });
    expect(result).toMatchObject({ status: 'cancelled', errorCode: 'interrupted', resumable: true, stepsUsed: 1 });
    expect((await loadCheckpoint(h.sql, task.taskId))?.step).toBe(1);
    const resumed = await runner.run(task);
    expect(resumed).toMatchObject({ status: 'completed', output: 'done', stepsUsed: 2 });
  });
});
