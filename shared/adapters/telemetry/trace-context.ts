/**
 * W3C Trace Context (traceparent / tracestate) read from and written to a plain header record: Kafka
 * record headers, CloudEvents attributes copied into an envelope, HTTP request headers. Parsed here
 * rather than through the global propagator so propagation works whatever the SDK registered.
 */
import { context, createTraceState, trace, TraceFlags, type Context, type SpanContext } from '@opentelemetry/api';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const INVALID_TRACE = '0'.repeat(32);
const INVALID_SPAN = '0'.repeat(16);

/**
 * The remote span context a `traceparent` (and optional `tracestate`) names; undefined when absent or
 * malformed (a malformed one is ignored, as the spec asks, and the invocation starts a new trace).
 * @example parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')?.traceId
 */
export function parseTraceparent(traceparent: string | undefined, tracestate?: string): SpanContext | undefined {
  if (!traceparent) return undefined;
  const match = TRACEPARENT.exec(traceparent.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  // Version ff is invalid; version 00 has no trailing fields.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === INVALID_TRACE || spanId === INVALID_SPAN) return undefined;
  return {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(tracestate ? { traceState: createTraceState(tracestate) } : {}),
  };
}

/**
 * The `traceparent` value of a span context (version 00).
 * @example formatTraceparent(span.spanContext()) // "00-4bf9...-00f0...-01"
 */
export function formatTraceparent(span: SpanContext): string {
  const flags = (span.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
  return `00-${span.traceId}-${span.spanId}-${flags}`;
}

/**
 * The parent context of work triggered by a message with these headers: the remote span they carry,
 * else `base` (the active context).
 * @example const parent = extractTraceContext(envelope.headers)
 */
export function extractTraceContext(
  headers: Readonly<Record<string, string>>,
  base: Context = context.active(),
): Context {
  const remote = parseTraceparent(headers['traceparent'], headers['tracestate']);
  return remote ? trace.setSpanContext(base, remote) : base;
}

/**
 * Writes `span` as `traceparent` (and `tracestate`) into `headers`; an invalid span (tracing off, no
 * parent) writes nothing.
 * @example injectTraceContext(span.spanContext(), message.headers)
 */
export function injectTraceContext(span: SpanContext, headers: Record<string, string>): void {
  if (!trace.isSpanContextValid(span)) return;
  headers['traceparent'] = formatTraceparent(span);
  const state = span.traceState?.serialize();
  if (state) headers['tracestate'] = state;
}
