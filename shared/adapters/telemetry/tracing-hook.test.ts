import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineFunction } from '../../core/define.ts';
import type { Envelope } from '../../core/envelope.ts';
import type { InvocationInfo } from '../../core/invoke.ts';
import { kafka } from '../../core/triggers.ts';
import { tracingHook } from './tracing-hook.ts';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');
const fn = defineFunction({
  name: 'hooked',
  trigger: kafka({ topic: 'in', schema: z.object({}) }),
  handler: () => undefined,
});
const UPSTREAM = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function info(headers: Record<string, string>): InvocationInfo {
  const envelope: Envelope = {
    body: null,
    key: 'user-1',
    headers,
    source: { kind: 'kafka', topic: 'in', partition: 2, offset: '41' },
    attempt: 1,
  };
  return { fn, envelope, eventId: 'in/2/41' };
}

afterEach(() => exporter.reset());

describe('tracingHook', () => {
  it('runs next under a child span, exposes it as the envelope traceparent, then restores the original', async () => {
    const call = info({ traceparent: UPSTREAM });
    let seen: string | undefined;
    const outcome = await tracingHook({ tracer })(call, () => {
      seen = call.envelope.headers['traceparent'];
      return Promise.resolve({ status: 'done', duplicate: false });
    });
    expect(outcome.status).toBe('done');
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('hearth.invoke hooked');
    expect(span?.kind).toBe(SpanKind.CONSUMER);
    expect(span?.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(seen).toBe(`00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01`);
    expect(call.envelope.headers['traceparent']).toBe(UPSTREAM);
    expect(span?.attributes).toMatchObject({
      'hearth.function': 'hooked',
      'messaging.destination.name': 'in',
      'messaging.destination.partition.id': '2',
      'hearth.outcome': 'done',
    });
    expect(Object.values(span?.attributes ?? {})).not.toContain('user-1');
  });

  it('starts a new trace without a traceparent and marks failed outcomes with the error class only', async () => {
    const call = info({});
    await tracingHook({ tracer })(call, () =>
      Promise.resolve({
        status: 'dead-letter',
        reason: 'retries-exhausted',
        failure: { errorClass: 'TypeError', message: 'secret detail', at: new Date() },
      }),
    );
    const [span] = exporter.getFinishedSpans();
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'TypeError' });
    expect(span?.attributes['hearth.dead_letter.reason']).toBe('retries-exhausted');
    expect(JSON.stringify(span?.attributes)).not.toContain('secret detail');
    expect(call.envelope.headers).toEqual({});
  });
});
