/**
 * The durable phases of `npm run bench`: a 3-step no-op durable function (throughput, and the time one
 * journaled step costs), and how long a parked wait takes to resume after its event arrives.
 */
import { z } from 'zod';
import { defineFunction, jsonLogger, kafka } from '../../shared/core/index.ts';
import { startHost } from '../../shared/host/host.ts';
import { createRuntime } from '../../shared/host/runtime.ts';
import { createTopics, produce, testKafkaTransport, waitUntil } from '../support/kafka.ts';
import { serviceEnv } from '../support/host-process.ts';

const transport = testKafkaTransport();

/** p50 and p99 of a sample. */
export function percentiles(samples: readonly number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

async function runtimeFor(schemaUrl: string) {
  const env = {
    ...process.env,
    ...serviceEnv,
    DATABASE_URL: schemaUrl,
    HEARTH_HTTP_PORT: '0',
    HEARTH_LOG_LEVEL: 'warn',
  };
  return createRuntime(env, { log: jsonLogger({ level: 'error' }) });
}

/**
 * Runs `count` events through a durable function of three no-op steps; returns events/s (from the
 * first produce to the last completion) and the per-step time (call to return of a step that journals)
 * under that backlog and at a paced 100 events/s.
 * @example const { rate, step } = await durableSteps(url, 'abc123', 10_000, topics)
 */
export async function durableSteps(schemaUrl: string, run: string, count: number, topics: string[]) {
  const input = `bench-durable-in-${run}`;
  const stepMs: number[] = [];
  let done = 0;
  const fn = defineFunction({
    name: `bench-durable-${run}`,
    trigger: kafka({ topic: input, schema: z.object({ seq: z.number().int(), sentAt: z.number() }) }),
    durable: true,
    handler: async (event, ctx) => {
      for (const id of ['a', 'b', 'c']) {
        const started = performance.now();
        await ctx.step(id, () => event.seq);
        stepMs.push(performance.now() - started);
      }
      if (event.seq >= 0) done += 1;
    },
  });
  await createTopics(transport, [input], 4);
  topics.push(input, fn.deadLetterTopic);
  const rt = await runtimeFor(schemaUrl);
  const host = await startHost([fn], rt);
  await produce(transport, [
    { topic: input, key: 'warm-up', value: JSON.stringify({ seq: -1, sentAt: 0 }), headers: {} },
  ]);
  await waitUntil('durable warm-up', () => stepMs.length >= 3, 120_000);
  stepMs.length = 0;
  const started = performance.now();
  const messages = Array.from({ length: count }, (_, seq) => ({
    topic: input,
    key: `k${seq % 64}`,
    value: JSON.stringify({ seq, sentAt: Date.now() }),
    headers: {},
  }));
  for (let i = 0; i < messages.length; i += 2_000) await produce(transport, messages.slice(i, i + 2_000));
  await waitUntil(`${count} durable events done`, () => done >= count, 600_000);
  const seconds = (performance.now() - started) / 1000;
  const loaded = percentiles(stepMs);
  // The same steps at a paced 100 events/s: what one step costs when nothing queues for the pool.
  stepMs.length = 0;
  const producer = await transport.producer();
  for (let seq = count; seq < count + 500; seq += 1) {
    await producer.send([
      { topic: input, key: `k${seq % 64}`, value: JSON.stringify({ seq, sentAt: Date.now() }), headers: {} },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await producer.disconnect();
  await waitUntil('paced durable events done', () => done >= count + 500, 120_000);
  await host.stop();
  return { rate: count / seconds, loaded, paced: percentiles(stepMs) };
}

/**
 * Parks `count` executions on a wait, then answers them one every few milliseconds and measures, for
 * each, the time from producing the answer to the handler having it back (through Kafka, the wait
 * consumer, the journal and the resumer).
 * @example const { p50, p99 } = await waitResume(url, 'abc123', 200, topics)
 */
export async function waitResume(schemaUrl: string, run: string, count: number, topics: string[]) {
  const input = `bench-wait-in-${run}`;
  const answers = `${input}.answers`;
  const latency: number[] = [];
  const fn = defineFunction({
    name: `bench-wait-${run}`,
    trigger: kafka({ topic: input, schema: z.object({ id: z.string() }) }),
    durable: { waitsFor: [answers] },
    handler: async (event, ctx) => {
      const answer = await ctx.waitForEvent<{ id: string; sentAt: number }>('answer', {
        topic: answers,
        match: { id: event.id },
      });
      // Only the run that resumed measures (a replay of a resumed wait would measure again).
      if (answer) await ctx.step('measured', () => latency.push(Date.now() - answer.sentAt));
    },
  });
  await createTopics(transport, [input, answers], 4);
  topics.push(input, answers, fn.deadLetterTopic);
  const rt = await runtimeFor(schemaUrl);
  const host = await startHost([fn], rt);
  await produce(
    transport,
    Array.from({ length: count }, (_, i) => ({
      topic: input,
      key: `w${i}`,
      value: JSON.stringify({ id: `w${i}` }),
      headers: {},
    })),
  );
  await waitUntil(
    `${count} executions parked`,
    async () => {
      const { rows } = await rt.sql.query<{ n: string }>(
        "SELECT count(*) AS n FROM hearth_executions WHERE function_name = $1 AND status = 'parked'",
        [fn.name],
      );
      return Number(rows[0]?.n) === count;
    },
    120_000,
  );
  // The wait consumer joins its group in the background; a first answer shows when it is listening.
  const producer = await transport.producer();
  await producer.send([
    { topic: answers, key: 'w0', value: JSON.stringify({ id: 'w0', sentAt: Date.now() }), headers: {} },
  ]);
  await waitUntil('wait consumer listening', () => latency.length >= 1, 120_000);
  latency.length = 0;
  for (let i = 1; i < count; i += 1) {
    await producer.send([
      { topic: answers, key: `w${i}`, value: JSON.stringify({ id: `w${i}`, sentAt: Date.now() }), headers: {} },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await waitUntil('every wait resumed', () => latency.length >= count - 1, 120_000);
  await producer.disconnect();
  await host.stop();
  return percentiles(latency);
}
