import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentRunner } from '../../shared/agent/runner/runner.ts';
import { defineTool } from '../../shared/agent/tools/define.ts';
import { ToolRegistry } from '../../shared/agent/tools/registry.ts';
import { agentDirectory, type AgentProfile } from '../../shared/agent/types/agent.ts';
import { startScriptedProvider, type ScriptedProvider } from '../support/scripted-provider.ts';
import { agentHarness, answer, callTools, scriptedModel, sentMessages, type AgentHarness } from './agent-harness.ts';

let h: AgentHarness;
let llm: ScriptedProvider;

beforeAll(async () => {
  h = await agentHarness('agent_runner');
  llm = await startScriptedProvider();
});
afterAll(async () => {
  await llm?.close();
  await h?.close();
});

/** Two tools that each wait until both have started: they only both succeed when run concurrently. */
function latchTools() {
  let started = 0;
  let release: () => void = () => {};
  const bothStarted = new Promise<void>((resolve) => (release = resolve));
  const make = (name: string) =>
    defineTool({
      name,
      description: `waits for its sibling (${name})`,
      input: z.object({ id: z.string() }),
      timeoutMs: 5_000,
      async run({ id }) {
        started += 1;
        if (started === 2) release();
        await bothStarted;
        return { id, tool: name };
      },
    });
  return [make('latch_a'), make('latch_b')];
}

const echo = defineTool({
  name: 'echo',
  description: 'echoes',
  input: z.object({ text: z.string() }),
  run: ({ text }) => ({ text }),
});

function setup(prefix: string, overrides: Partial<AgentProfile> = {}) {
  const { model, name } = scriptedModel(llm, prefix);
  const agent = h.id('agent');
  const profile: AgentProfile = {
    name: agent,
    systemPrompt: 'You are a test agent.',
    allowedTools: ['echo', 'latch_a', 'latch_b'],
    sessionTokenCap: 1_000_000,
    dailyTokenCap: 1_000_000,
    ...overrides,
  };
  const registry = new ToolRegistry().register(echo, ...latchTools());
  const runner = new AgentRunner({ model, registry, sql: h.sql, kv: h.kv, agents: agentDirectory([profile]) });
  return {
    runner,
    name,
    agent,
    task: { taskId: h.id('task'), sessionId: h.id('session'), agent, prompt: 'What is the capital of France?' },
  };
}

describe('AgentRunner', () => {
  it('answers in one step', async () => {
    const { runner, name, task } = setup('one-step');
    llm.script(name, [answer('Paris')]);
    const result = await runner.run(task);
    expect(result).toMatchObject({
      taskId: task.taskId,
      status: 'completed',
      output: 'Paris',
      stepsUsed: 1,
      tokensUsed: 60,
      toolCalls: [],
    });
    expect(result.errorCode).toBeUndefined();
    const sent = sentMessages(llm.requestsFor(name)[0]);
    expect(sent.map((m) => m.role)).toEqual(['system', 'user']);
    expect(llm.requestsFor(name)[0]?.body['max_tokens']).toBeGreaterThan(0);
  });

  it('runs the tool calls of one step concurrently, then answers', async () => {
    const { runner, name, task } = setup('multi-step');
    llm.script(name, [
      callTools([
        { name: 'latch_a', args: { id: 'x' } },
        { name: 'latch_b', args: { id: 'y' } },
      ]),
      answer('both done'),
    ]);
    const steps: number[] = [];
    const result = await runner.run(task, { onStep: (e) => void steps.push(e.step) });
    expect(result.status).toBe('completed');
    expect(result.output).toBe('both done');
    expect(result.stepsUsed).toBe(2);
    expect(steps).toEqual([1, 2]);
    expect(result.toolCalls.map((c) => [c.name, c.ok])).toEqual([
      ['latch_a', true],
      ['latch_b', true],
    ]);
    const second = sentMessages(llm.requestsFor(name)[1]);
    const toolMessages = second.filter((m) => m.role === 'tool');
    expect(toolMessages.map((m) => JSON.parse(m.content) as unknown)).toEqual([
      { id: 'x', tool: 'latch_a' },
      { id: 'y', tool: 'latch_b' },
    ]);
  });

  it('stops at max steps with the best output so far', async () => {
    const { runner, name, task } = setup('max-steps');
    llm.script(name, [
      callTools([{ name: 'echo', args: { text: 'a' } }], undefined, 'draft one'),
      callTools([{ name: 'echo', args: { text: 'b' } }], undefined, 'draft two'),
      answer('never requested'),
    ]);
    const result = await runner.run({ ...task, maxSteps: 2 });
    expect(result).toMatchObject({
      status: 'failed',
      errorCode: 'max_steps_reached',
      output: 'draft two',
      stepsUsed: 2,
    });
    expect(llm.requestsFor(name)).toHaveLength(2);
  });

  it('stops when the token budget is spent and returns the partial output', async () => {
    const { runner, name, task } = setup('budget');
    llm.script(name, [
      callTools([{ name: 'echo', args: { text: 'a' } }], { prompt: 300, completion: 100 }, 'partial answer'),
      callTools([{ name: 'echo', args: { text: 'b' } }], { prompt: 400, completion: 50 }, 'more partial'),
      answer('never requested'),
    ]);
    const result = await runner.run({ ...task, tokenBudget: 800 });
    expect(result.status).toBe('failed');
    expect(result.errorCode).toBe('token_budget_exceeded');
    expect(result.output).toBe('more partial');
    expect(result.tokensUsed).toBe(850);
    expect(llm.requestsFor(name)).toHaveLength(2);
    // The second call's completion cap came from what was left of the budget.
    expect(llm.requestsFor(name)[1]?.body['max_tokens']).toBeLessThanOrEqual(800 - 400);
  });

  it('returns a failed result with a code when every model call fails, never a rejection', async () => {
    const { runner, name, task } = setup('model-down');
    llm.script(name, [{ status: 400, body: { error: { code: 'bad', message: 'bad request' } } }]);
    const result = await runner.run(task);
    expect(result.status).toBe('failed');
    expect(['model_error', 'all_models_failed']).toContain(result.errorCode);
    expect(result.resumable).toBe(true);
  });

  it('rejects an invalid task with a clear message', async () => {
    const { runner } = setup('invalid');
    const result = await runner.run({ taskId: 't', sessionId: 's', agent: 'a', prompt: 'x', maxSteps: 99 });
    expect(result).toMatchObject({ status: 'failed', errorCode: 'invalid_task' });
    expect(result.error).toMatch(/^maxSteps: /);
  });
});
