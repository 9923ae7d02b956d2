// An agent task run by a Kafka-triggered function: its LLM and tool spans carry the GenAI and tool
// attributes with token counts, the agent metrics count it, and a marker planted in the prompt, the
// session id, the tool arguments, the tool result and the completion shows up in no log line and no span.
import { randomBytes } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentRunner } from '../../shared/agent/runner/runner.ts';
import { hashSessionId } from '../../shared/agent/telemetry/session-hash.ts';
import { defineTool } from '../../shared/agent/tools/define.ts';
import { ToolRegistry } from '../../shared/agent/tools/registry.ts';
import { agentDirectory } from '../../shared/agent/types/agent.ts';
import { AgentTaskSchema } from '../../shared/agent/types/task.ts';
import { defineFunction, kafka } from '../../shared/core/index.ts';
import { produce, testKafkaTransport, waitUntil } from '../support/kafka.ts';
import { startScriptedProvider, type ScriptedProvider } from '../support/scripted-provider.ts';
import { answer, callTools, scriptedModel } from './agent-harness.ts';
import { observedHost, spanText, type ObservedHost } from './observability-harness.ts';

const run = randomBytes(4).toString('hex');
const MARKER = `PRIVATE-MARKER-${run}`;
const agent = `obs-agent-${run}`;
const topic = `obs-agent-tasks-${run}`;
const sessionId = `session-${MARKER}`;
let llm: ScriptedProvider;
let o: ObservedHost;
let modelName: string;
let finished: unknown;

beforeAll(async () => {
  llm = await startScriptedProvider();
  const scripted = scriptedModel(llm, 'obs');
  modelName = scripted.name;
  const registry = new ToolRegistry().register(
    defineTool({
      name: 'lookup',
      version: '3',
      description: 'looks something up',
      input: z.object({ q: z.string() }),
      run: ({ q }) => ({ found: `result for ${q}` }),
    }),
  );
  const agents = agentDirectory([
    {
      name: agent,
      systemPrompt: 'You help.',
      allowedTools: ['lookup'],
      sessionTokenCap: 100_000,
      dailyTokenCap: 1_000_000,
    },
  ]);
  const fn = defineFunction({
    name: `obs-agent-${run}`,
    trigger: kafka({ topic, schema: AgentTaskSchema }),
    handler: async (task, ctx) => {
      const runner = new AgentRunner({
        model: scripted.model,
        registry,
        sql: ctx.database,
        kv: ctx.kv,
        agents,
        logger: ctx.log,
      });
      finished = await runner.run(task);
    },
  });
  o = await observedHost('obs_agent', [fn]);
});
afterAll(async () => {
  await o?.stop();
  await llm?.close();
});

describe('agent telemetry', () => {
  it('traces LLM and tool calls with GenAI attributes, counts them, and never records private text', async () => {
    llm.script(modelName, [
      callTools([{ name: 'lookup', args: { q: MARKER } }], { prompt: 50, completion: 10 }),
      answer(`The answer mentions ${MARKER}.`, { prompt: 70, completion: 12 }),
    ]);
    const taskId = `task-${run}`;
    await produce(testKafkaTransport(), [
      {
        topic,
        key: taskId,
        value: JSON.stringify({ taskId, sessionId, agent, prompt: `Please handle ${MARKER}` }),
        headers: {},
      },
    ]);
    await waitUntil('agent task traced', () => o.spans().some((s) => s.name.startsWith('hearth.invoke ')), 60_000);
    expect(finished).toMatchObject({ status: 'completed', stepsUsed: 2, tokensUsed: 142 });
    const spans = o.spans();

    const runSpan = spans.find((s) => s.name === `invoke_agent ${agent}`)!;
    const invoke = spans.find((s) => s.name.startsWith('hearth.invoke '))!;
    expect(runSpan.spanContext().traceId).toBe(invoke.spanContext().traceId);
    expect(runSpan.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': agent,
      'hearth.task.id': taskId,
      'hearth.session.hash': hashSessionId(sessionId),
      'hearth.agent.status': 'completed',
      'hearth.agent.steps': 2,
    });

    const chats = spans.filter((s) => s.name === `chat ${modelName}`);
    expect(chats).toHaveLength(2);
    for (const chat of chats) {
      expect(chat.kind).toBe(SpanKind.CLIENT);
      expect(chat.parentSpanContext?.spanId).toBe(runSpan.spanContext().spanId);
      expect(chat.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': modelName,
        'gen_ai.response.model': modelName,
        'gen_ai.agent.name': agent,
      });
      expect(typeof chat.attributes['gen_ai.provider.name']).toBe('string');
    }
    const byStep = (step: number) => chats.find((c) => c.attributes['hearth.agent.step'] === step)!;
    expect(byStep(1).attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 50,
      'gen_ai.usage.output_tokens': 10,
      'gen_ai.response.finish_reasons': ['tool_calls'],
    });
    expect(byStep(2).attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 70,
      'gen_ai.usage.output_tokens': 12,
      'gen_ai.response.finish_reasons': ['stop'],
    });

    const tool = spans.find((s) => s.name === 'execute_tool lookup')!;
    expect(tool.parentSpanContext?.spanId).toBe(runSpan.spanContext().spanId);
    expect(tool.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'lookup',
      'hearth.tool.version': '3',
      'gen_ai.agent.name': agent,
      'hearth.tool.status': 'ok',
    });
    // The tool's own SQL (audit row) is traced under the tool span.
    expect(
      spans.some(
        (s) => s.parentSpanContext?.spanId === tool.spanContext().spanId && s.attributes['db.system'] === 'postgresql',
      ),
    ).toBe(true);

    // Privacy: the marker is nowhere in logs or spans; the session appears only hashed.
    expect(o.logLines.length).toBeGreaterThan(0);
    for (const line of o.logLines) {
      expect(line).not.toContain(MARKER);
      expect(line).not.toContain(sessionId);
    }
    for (const span of spans) expect(spanText(span)).not.toContain(MARKER);
    const finishedLine = o.logs().find((l) => l['msg'] === 'agent run finished');
    expect(finishedLine).toMatchObject({ taskId, agent, sessionHash: hashSessionId(sessionId), status: 'completed' });
    expect(finishedLine?.['traceId']).toBe(invoke.spanContext().traceId);

    // Metrics.
    const text = await o.scrape();
    expect(text).toContain(`hearth_agent_tasks_total{agent="${agent}",status="completed"} 1\n`);
    expect(text).toContain(`hearth_llm_tokens_total{agent="${agent}",model="${modelName}",type="input"} 120\n`);
    expect(text).toContain(`hearth_llm_tokens_total{agent="${agent}",model="${modelName}",type="output"} 22\n`);
    expect(text).toContain(`hearth_llm_requests_total{agent="${agent}",model="${modelName}",status="ok"} 2\n`);
    expect(text).toContain(`hearth_tool_calls_total{agent="${agent}",tool="lookup",status="ok"} 1\n`);
    expect(text).toContain(`hearth_agent_steps_sum{agent="${agent}"} 2\n`);
    expect(text).toContain(`hearth_agent_steps_count{agent="${agent}"} 1\n`);
    expect(text).toContain(`hearth_agent_task_duration_seconds_count{agent="${agent}"} 1\n`);
    expect(text).toContain(`hearth_tool_call_duration_seconds_count{agent="${agent}",tool="lookup"} 1\n`);
    expect(text).not.toContain(MARKER);
  });
});
