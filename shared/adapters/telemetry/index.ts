/** Telemetry adapter: Prometheus registry, OpenTelemetry tracing (SDK, invoke hook, store decorators) and agent telemetry. */
export { Counter, Gauge, Histogram, MetricsRegistry } from './metrics.ts';
export { createAgentMetrics } from './agent-metrics.ts';
export type { AgentMetrics } from './agent-metrics.ts';
export { otelAgentTelemetry } from './agent-telemetry.ts';
export { traceLogFields } from './log-context.ts';
export { extractTraceContext, formatTraceparent, injectTraceContext, parseTraceparent } from './trace-context.ts';
export { sqlOperation, tracedEffectStore, tracedKvStore, tracedSqlStore, tracedSqlTx } from './traced-stores.ts';
export { hearthTracer, TRACER_NAME } from './tracer.ts';
export { tracingHook } from './tracing-hook.ts';
export { startTracing, tracingRequested } from './tracing-sdk.ts';
export type { SpanProcessors, Tracing, TracingOptions } from './tracing-sdk.ts';
export { hashSessionId } from '../../agent/telemetry/session-hash.ts';
