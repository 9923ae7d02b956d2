/**
 * The tracing InvokeHook: one span per invocation attempt, a child of the trace context the event
 * carried. Before the handler runs it REPLACES the envelope's `traceparent` with the new span, because
 * the core copies that header into every message the handler emits: the next hop (Kafka record or
 * CloudEvent) then continues this trace as a child of this span. The original is restored afterwards,
 * so retries and dead letters keep the upstream context.
 */
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import type { InvocationInfo, InvokeHook } from '../../core/invoke.ts';
import type { Outcome } from '../../core/outcome.ts';
import { extractTraceContext, injectTraceContext } from './trace-context.ts';
import { hearthTracer } from './tracer.ts';

/**
 * Builds the hook; install it first in deps.hooks so every other hook and the handler run inside the span.
 * @example deps.hooks = [tracingHook(), metricsHook(metrics)]
 */
export function tracingHook(options: { tracer?: Tracer } = {}): InvokeHook {
  return async (info, next) => {
    const tracer = options.tracer ?? hearthTracer();
    const headers = info.envelope.headers;
    const parent = extractTraceContext(headers);
    const span = tracer.startSpan(
      `hearth.invoke ${info.fn.name}`,
      { kind: spanKind(info), attributes: invocationAttributes(info) },
      parent,
    );
    const original = { traceparent: headers['traceparent'], tracestate: headers['tracestate'] };
    injectTraceContext(span.spanContext(), headers);
    try {
      const outcome = await context.with(trace.setSpan(parent, span), next);
      recordOutcome(span, outcome);
      return outcome;
    } catch (error) {
      // Only the class: error messages may quote event data or model text.
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorClass(error) });
      span.setAttribute('error.type', errorClass(error));
      throw error;
    } finally {
      restore(headers, 'traceparent', original.traceparent);
      restore(headers, 'tracestate', original.tracestate);
      span.end();
    }
  };
}

function spanKind(info: InvocationInfo): SpanKind {
  switch (info.envelope.source.kind) {
    case 'kafka':
      return SpanKind.CONSUMER;
    case 'http':
      return SpanKind.SERVER;
    case 'cron':
      return SpanKind.INTERNAL;
  }
}

/** Coordinates only: never the payload, and never the record key (it may be a session or user id). */
function invocationAttributes({ fn, envelope, eventId }: InvocationInfo): Attributes {
  const source = envelope.source;
  const base: Attributes = {
    'hearth.function': fn.name,
    'hearth.trigger': source.kind,
    'hearth.event.id': eventId,
    'hearth.attempt': envelope.attempt,
  };
  switch (source.kind) {
    case 'kafka':
      return {
        ...base,
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': source.topic,
        'messaging.destination.partition.id': String(source.partition),
        'messaging.consumer.group.name': `hearth.${fn.name}`,
        'messaging.kafka.offset': Number(source.offset),
      };
    case 'http':
      return { ...base, 'http.request.method': source.method, 'url.path': source.path };
    case 'cron':
      return { ...base, 'hearth.cron.scheduled_at': source.scheduledAt.toISOString() };
  }
}

function recordOutcome(span: ReturnType<Tracer['startSpan']>, outcome: Outcome): void {
  if (outcome.status === 'done') {
    span.setAttribute('hearth.outcome', outcome.duplicate ? 'duplicate' : 'done');
    return;
  }
  span.setAttribute('hearth.outcome', outcome.status === 'retry' ? 'retry' : 'dead_letter');
  span.setAttribute('error.type', outcome.failure.errorClass);
  if (outcome.status === 'dead-letter') span.setAttribute('hearth.dead_letter.reason', outcome.reason);
  else span.setAttribute('hearth.retry.delay_ms', outcome.delayMs);
  span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.failure.errorClass });
}

function restore(headers: Record<string, string>, name: string, value: string | undefined): void {
  if (value === undefined) delete headers[name];
  else headers[name] = value;
}

function errorClass(error: unknown): string {
  return error instanceof Error ? error.name || error.constructor.name : typeof error;
}
