import { trace, type Tracer } from '@opentelemetry/api';

/** Instrumentation scope of every Hearth span. */
export const TRACER_NAME = 'hearth';

/**
 * The tracer of the globally registered provider (a no-op one until the SDK starts). Looked up per use,
 * so spans go to whatever provider is registered when the work happens.
 * @example hearthTracer().startActiveSpan('work', (span) => { ...; span.end() })
 */
export function hearthTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}
