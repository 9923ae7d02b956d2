import { trace } from '@opentelemetry/api';

/**
 * Trace and span ids of the active span, for every log line (jsonLogger's `context` option), so a log
 * line links to its trace. Undefined outside a span or when tracing is off.
 * @example const log = jsonLogger({ level: 'info', context: traceLogFields })
 */
export function traceLogFields(): Record<string, string> | undefined {
  const span = trace.getActiveSpan()?.spanContext();
  if (!span || !trace.isSpanContextValid(span)) return undefined;
  return { traceId: span.traceId, spanId: span.spanId };
}
