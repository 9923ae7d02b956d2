// One task through HTTP -> orchestrator -> two workers over real Kafka is one trace: every span shares
// the trace id, each hop's invoke span is the child of the span that emitted its event, SQL and KV calls
// are children of the invocation that made them, and log lines carry the ids of the span they ran in.
import { randomBytes } from 'node:crypto';
import { SpanKind, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceFlow, type TraceFlow } from '../fixtures/functions/trace-flow/index.ts';
import { readAllRecords, testKafkaTransport, waitUntil } from '../support/kafka.ts';
import { observedHost, type ObservedHost } from './observability-harness.ts';

const run = randomBytes(4).toString('hex');
const flow: TraceFlow = traceFlow(run);
let o: ObservedHost;

beforeAll(async () => {
  o = await observedHost('obs_trace', flow.functions);
});
afterAll(async () => {
  await o?.stop();
});

const invokeSpan = (spans: ReadableSpan[], fn: string): ReadableSpan | undefined =>
  spans.find((s) => s.name === `hearth.invoke ${fn}`);
const startOf = (t: HrTime): number => t[0] * 1e9 + t[1];

describe('tracing across functions and Kafka hops', () => {
  it('gives every span of the task one trace id with correct parent links', async () => {
    const taskId = `task-${run}`;
    const res = await fetch(o.url(flow.path), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ taskId }),
    });
    expect(res.status).toBe(200);
    const [workerA, workerB] = flow.workers;
    await waitUntil(
      'both workers traced',
      () => Boolean(invokeSpan(o.spans(), workerA.name) && invokeSpan(o.spans(), workerB.name)),
      60_000,
    );
    const spans = o.spans();
    const entry = invokeSpan(spans, flow.entry.name)!;
    const orchestrator = invokeSpan(spans, flow.orchestrator.name)!;
    const a = invokeSpan(spans, workerA.name)!;
    const b = invokeSpan(spans, workerB.name)!;

    // One trace: every exported span (invocations, SQL, KV) belongs to it.
    const traceId = entry.spanContext().traceId;
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([traceId]));

    // The HTTP request starts the trace; each Kafka hop is a child of the invocation that emitted it.
    expect(entry.kind).toBe(SpanKind.SERVER);
    expect(entry.parentSpanContext).toBeUndefined();
    expect(orchestrator.kind).toBe(SpanKind.CONSUMER);
    expect(orchestrator.parentSpanContext?.spanId).toBe(entry.spanContext().spanId);
    for (const worker of [a, b]) {
      expect(worker.kind).toBe(SpanKind.CONSUMER);
      expect(worker.parentSpanContext?.spanId).toBe(orchestrator.spanContext().spanId);
      expect(startOf(worker.startTime)).toBeGreaterThanOrEqual(startOf(orchestrator.startTime));
    }
    expect(orchestrator.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': flow.topics.plan,
      'hearth.function': flow.orchestrator.name,
      'hearth.outcome': 'done',
    });

    // Every span but the root has its parent among the exported spans.
    const ids = new Set(spans.map((s) => s.spanContext().spanId));
    for (const span of spans) {
      if (span === entry) continue;
      expect(ids.has(span.parentSpanContext?.spanId ?? ''), `${span.name} has its parent in the trace`).toBe(true);
    }

    // SQL and KV spans hang under the invocation that made them, with operation but no data.
    const parentOf = (span: ReadableSpan): ReadableSpan | undefined =>
      spans.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);
    const invocationOf = (span: ReadableSpan): ReadableSpan | undefined => {
      let current: ReadableSpan | undefined = span;
      while (current && !current.name.startsWith('hearth.invoke ')) current = parentOf(current);
      return current;
    };
    const kvSet = spans.find((s) => s.name === 'kv set');
    expect(kvSet?.attributes).toMatchObject({ 'db.system': 'redis', 'kv.command': 'set' });
    expect(invocationOf(kvSet!)).toBe(entry);
    const selects = spans.filter((s) => s.attributes['db.operation.name'] === 'SELECT');
    expect(selects.map((s) => invocationOf(s)?.name).sort()).toEqual([orchestrator.name, a.name, b.name].sort());
    for (const s of selects) {
      expect(s.attributes['db.system']).toBe('postgresql');
      expect(JSON.stringify(s.attributes)).not.toMatch(/planned|part|\$1/);
    }
    expect(spans.filter((s) => s.name === 'kv incrBy').map((s) => invocationOf(s))).toEqual(
      expect.arrayContaining([a, b]),
    );

    // The records on the wire carry the emitting span's context.
    const records = await readAllRecords(testKafkaTransport(), flow.topics.workA);
    expect(records[0]?.headers['traceparent']).toBe(`00-${traceId}-${orchestrator.spanContext().spanId}-01`);

    // Log lines written inside an invocation carry its trace and span ids.
    const worked = o.logs().filter((l) => l['msg'] === 'trace fixture worked');
    expect(worked).toHaveLength(2);
    for (const line of worked) {
      expect(line['traceId']).toBe(traceId);
      // The innermost active span: the exactly-once transaction inside the worker's invocation.
      const logged = spans.find((s) => s.spanContext().spanId === line['spanId']);
      expect([a, b]).toContain(invocationOf(logged!));
      expect(line['function']).toMatch(/^trace-worker-/);
    }
  });
});
