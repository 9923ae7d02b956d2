/**
 * Starts the OpenTelemetry Node SDK for traces. Exporters, sampler, resource and limits come from the
 * standard OTEL_* variables of the process (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
 * OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_TRACES_EXPORTER, OTEL_TRACES_SAMPLER, OTEL_SERVICE_NAME,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_SDK_DISABLED, ...). Metrics stay on the Prometheus /metrics endpoint, so
 * the SDK's metric and log pipelines are left off. The SDK (hundreds of modules, tens of MB) is loaded
 * only by a process that traces.
 */
import type { NodeSDK, NodeSDKConfiguration } from '@opentelemetry/sdk-node';

/** Span processors given in code (tests: a SimpleSpanProcessor on an InMemorySpanExporter). */
export type SpanProcessors = NonNullable<NodeSDKConfiguration['spanProcessors']>;

export interface TracingOptions {
  /** Used when OTEL_SERVICE_NAME is unset. Default "hearth". */
  serviceName?: string;
  /** Replace the exporters configured by OTEL_* (and turn tracing on regardless of them). */
  spanProcessors?: SpanProcessors;
}

/** A started SDK; `shutdown` flushes pending spans. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * True when the environment asks for traces: an OTLP endpoint or an explicit OTEL_TRACES_EXPORTER other
 * than "none", and OTEL_SDK_DISABLED is not "true". Without them no SDK starts and spans are no-ops.
 * @example tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318' }) // true
 */
export function tracingRequested(env: Record<string, string | undefined>): boolean {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return false;
  const exporter = env['OTEL_TRACES_EXPORTER']?.trim().toLowerCase();
  if (exporter === 'none') return false;
  return Boolean(exporter || env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
}

let shared: { sdk: Promise<NodeSDK>; refs: number } | undefined;

/**
 * Starts tracing when requested (see {@link tracingRequested}) or when span processors are given;
 * undefined otherwise. The SDK registers process-wide, so a second call while one runs shares it (its
 * own processors are ignored) and the last `shutdown` stops it.
 * @example const tracing = await startTracing(process.env); ...; await tracing?.shutdown()
 */
export async function startTracing(
  env: Record<string, string | undefined>,
  options: TracingOptions = {},
): Promise<Tracing | undefined> {
  if (!options.spanProcessors && !tracingRequested(env)) return undefined;
  if (!shared) {
    const sdk = import('@opentelemetry/sdk-node').then(({ NodeSDK }) => {
      const started = new NodeSDK({
        ...(env['OTEL_SERVICE_NAME'] ? {} : { serviceName: options.serviceName ?? 'hearth' }),
        ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
        metricReaders: [],
        logRecordProcessors: [],
      });
      started.start();
      return started;
    });
    shared = { sdk, refs: 0 };
  }
  const current = shared;
  current.refs += 1;
  await current.sdk;
  let stopped = false;
  return {
    shutdown: async () => {
      if (stopped) return;
      stopped = true;
      current.refs -= 1;
      if (current.refs > 0) return;
      if (shared === current) shared = undefined;
      await (await current.sdk).shutdown();
    },
  };
}
