// /metrics after a run exposes every metric observability/METRICS.md documents, with the documented
// labels; consumer lag reflects a backlog produced while the consumer was held up; retries and the
// dead-letter depth count what happened.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineFunction, kafka, NonRetriableError } from '../../shared/core/index.ts';
import { repoRoot } from '../support/host-process.ts';
import { produce, testKafkaTransport, waitUntil } from '../support/kafka.ts';
import { observedHost, type ObservedHost } from './observability-harness.ts';

const run = randomBytes(4).toString('hex');
const gateTopic = `obs-gate-${run}`;
const flakyTopic = `obs-flaky-${run}`;
const transport = testKafkaTransport();
let o: ObservedHost;
let openGate: () => void = () => undefined;
const gate = new Promise<void>((resolve) => (openGate = resolve));
let held = false;
let handled = 0;
const failedOnce = new Set<number>();

const gated = defineFunction({
  name: `obs-gate-${run}`,
  trigger: kafka({ topic: gateTopic, schema: z.object({ seq: z.number() }) }),
  handler: async (event) => {
    if (event.seq === 0) {
      held = true;
      await gate;
    }
    handled += 1;
  },
});
const flaky = defineFunction({
  name: `obs-flaky-${run}`,
  trigger: kafka({ topic: flakyTopic, schema: z.object({ seq: z.number(), poison: z.boolean().optional() }) }),
  retries: { attempts: 3, initialDelayMs: 50, maxDelayMs: 100 },
  handler: (event) => {
    if (event.poison) throw new NonRetriableError('poison record');
    if (!failedOnce.has(event.seq)) {
      failedOnce.add(event.seq);
      throw new Error('transient');
    }
  },
});

interface Documented {
  name: string;
  type: string;
  labels: string[];
}

async function documentedMetrics(): Promise<Documented[]> {
  const text = await readFile(path.join(repoRoot, 'observability/METRICS.md'), 'utf8');
  // A row names one metric, or several of one type and labels (the Node process metrics).
  return [...text.matchAll(/^\| (`[a-z0-9_]+`(?:, `[a-z0-9_]+`)*) \| (counter|gauge|histogram) \|([^|]*)\|/gm)].flatMap(
    (m) =>
      [...(m[1] ?? '').matchAll(/`([a-z0-9_]+)`/g)].map((n) => ({
        name: n[1] as string,
        type: m[2] as string,
        labels: [...(m[3] ?? '').matchAll(/`([a-z_]+)`/g)].map((l) => l[1] as string).sort(),
      })),
  );
}

/** Series of `name` (histograms: their _count series) as label maps with values. */
function series(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-z0-9_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = l[2] as string;
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

beforeAll(async () => {
  o = await observedHost('obs_metrics', [gated, flaky]);
});
afterAll(async () => {
  openGate();
  await o?.stop();
});

describe('/metrics', () => {
  it('shows consumer lag for a backlog produced while the consumer is held, then none once it catches up', async () => {
    await produce(transport, [{ topic: gateTopic, key: 'k', value: JSON.stringify({ seq: 0 }), headers: {} }]);
    await waitUntil('first event held', () => held, 60_000);
    await produce(
      transport,
      Array.from({ length: 5 }, (_, i) => ({
        topic: gateTopic,
        key: 'k',
        value: JSON.stringify({ seq: i + 1 }),
        headers: {},
      })),
    );
    const lagOf = (text: string) =>
      series(text, 'hearth_consumer_lag').filter((s) => s.labels['function'] === gated.name);
    const during = lagOf(await o.scrape());
    const behind = during.find((s) => s.value > 0);
    // Nothing of the partition is committed while the first record is held: all six are behind.
    expect(behind?.value).toBe(6);
    expect(behind?.labels).toMatchObject({ function: gated.name, topic: gateTopic });
    expect(during.map((s) => s.labels['partition']).sort()).toEqual(['0', '1']);

    openGate();
    await waitUntil('backlog handled', () => handled === 6, 60_000);
    await waitUntil('lag back to zero', async () => lagOf(await o.scrape()).every((s) => s.value === 0), 30_000);
  });

  it('counts retries and dead letters, and exposes every documented metric with its labels', async () => {
    await produce(transport, [
      { topic: flakyTopic, key: 'a', value: JSON.stringify({ seq: 1 }), headers: {} },
      { topic: flakyTopic, key: 'b', value: JSON.stringify({ seq: 2, poison: true }), headers: {} },
    ]);
    const dlqDepth = async () =>
      series(await o.scrape(), 'hearth_dead_letter_depth').find((s) => s.labels['topic'] === flaky.deadLetterTopic)
        ?.value;
    await waitUntil('dead letter counted', async () => (await dlqDepth()) === 1, 60_000);
    await waitUntil(
      'retry done',
      async () =>
        series(await o.scrape(), 'hearth_invocations_total').some(
          (s) => s.labels['function'] === flaky.name && s.labels['outcome'] === 'done',
        ),
      60_000,
    );
    const text = await o.scrape();
    expect(series(text, 'hearth_retries_total')).toContainEqual({ labels: { function: flaky.name }, value: 1 });
    expect(series(text, 'hearth_dead_letters_total')).toContainEqual({
      labels: { function: flaky.name, reason: 'non-retriable' },
      value: 1,
    });
    expect(series(text, 'hearth_function_up')).toContainEqual({
      labels: { function: gated.name, trigger: 'kafka' },
      value: 1,
    });

    const documented = await documentedMetrics();
    expect(documented.length).toBeGreaterThanOrEqual(18);
    const exercised = new Set([
      'hearth_invocations_total',
      'hearth_invocation_duration_seconds',
      'hearth_retries_total',
      'hearth_dead_letters_total',
      'hearth_dead_letter_depth',
      'hearth_consumer_lag',
      'hearth_outbox_pending',
      'hearth_function_up',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]);
    for (const metric of documented) {
      expect(text, metric.name).toContain(`# TYPE ${metric.name} ${metric.type}\n`);
      const found = series(text, metric.type === 'histogram' ? `${metric.name}_count` : metric.name);
      if (exercised.has(metric.name)) expect(found.length, `${metric.name} has series`).toBeGreaterThan(0);
      for (const s of found) expect(Object.keys(s.labels).sort(), metric.name).toEqual(metric.labels);
    }
    // Nothing exported is undocumented.
    const exported = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
    expect(exported.sort()).toEqual(documented.map((d) => d.name).sort());
  });
});
