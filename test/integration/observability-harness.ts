/**
 * Shared setup of the observability suites: an in-process runtime and host (real Kafka, PostgreSQL and
 * the Upstash REST server over real Redis) with an in-memory span exporter and every log line captured.
 */
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { traceLogFields } from '../../shared/adapters/telemetry/log-context.ts';
import type { AnyFunction } from '../../shared/core/index.ts';
import { jsonLogger } from '../../shared/core/logger.ts';
import { startHost, type Host } from '../../shared/host/host.ts';
import { createRuntime, type Runtime } from '../../shared/host/runtime.ts';
import { databaseUrlForSchema, repoRoot, serviceEnv } from '../support/host-process.ts';
import { cleanupKafka, testKafkaTransport } from '../support/kafka.ts';
import { createTestSchema, type TestSchema } from '../support/pg.ts';

export interface ObservedHost {
  rt: Runtime;
  host: Host;
  exporter: InMemorySpanExporter;
  /** Every log line written so far, raw. */
  logLines: string[];
  logs(): Record<string, unknown>[];
  spans(): ReadableSpan[];
  /** GET /metrics as text. */
  scrape(): Promise<string>;
  url(path: string): string;
  stop(): Promise<void>;
}

/**
 * Starts `functions` in-process with tracing to memory and info-level logs captured.
 * @example const o = await observedHost('obs_trace', flow.functions); ...; await o.stop()
 */
export async function observedHost(
  prefix: string,
  functions: readonly AnyFunction[],
  options: { topics?: readonly string[] } = {},
): Promise<ObservedHost> {
  const schema: TestSchema = await createTestSchema(prefix);
  const exporter = new InMemorySpanExporter();
  const logLines: string[] = [];
  const log = jsonLogger({ level: 'debug', write: (line) => void logLines.push(line), context: traceLogFields });
  const env = {
    ...process.env,
    ...serviceEnv,
    DATABASE_URL: databaseUrlForSchema(schema.name),
    HEARTH_HTTP_PORT: '0',
    HEARTH_TOPIC_PARTITIONS: '2',
  };
  let rt: Runtime | undefined;
  try {
    rt = await createRuntime(env, {
      log,
      functionsDir: `${repoRoot}/test/fixtures/functions`,
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const host = await startHost(functions, rt);
    const transport = testKafkaTransport();
    return {
      rt,
      host,
      exporter,
      logLines,
      logs: () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>),
      spans: () => exporter.getFinishedSpans(),
      scrape: async () => (await fetch(`http://127.0.0.1:${host.port}/metrics`)).text(),
      url: (path) => `http://127.0.0.1:${host.port}${path}`,
      stop: async () => {
        await host.stop();
        const topics = new Set(options.topics ?? []);
        for (const fn of functions) {
          topics.add(fn.deadLetterTopic);
          if (fn.trigger.kind === 'kafka') for (const t of fn.trigger.topics) topics.add(t);
        }
        const groups = functions.map((fn) => `hearth.${fn.name}`);
        await cleanupKafka(transport, [...topics], [...groups, ...[...topics].map((t) => `hearth.replay.${t}`)]);
        await schema.drop();
      },
    };
  } catch (error) {
    await rt?.close().catch(() => undefined);
    await schema.drop();
    throw error;
  }
}

/** Every string an exported span carries: name, attribute keys and values, status, event names and attributes. */
export function spanText(span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    attributes: span.attributes,
    status: span.status,
    events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    resource: span.resource.attributes,
  });
}
