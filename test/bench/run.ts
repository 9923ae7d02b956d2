/**
 * `npm run bench`: throughput and latency of the runtime against a raw kafkajs baseline measured in the
 * same run on the same broker. Prints figures and ratios; asserts nothing (not a test).
 *   BENCH_EVENTS (default 10000) events per throughput phase; BENCH_RATE (default 200/s) for latency;
 *   BENCH_BATCH_SIZE (default 32) events per group commit, 1 to compare without it.
 * The durable phases time a 3-step no-op durable function and how fast a parked wait resumes.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineFunction, jsonLogger, kafka, type AnyFunction } from '../../shared/core/index.ts';
import { createRuntime } from '../../shared/host/runtime.ts';
import { startHost } from '../../shared/host/host.ts';
import { cleanupKafka, createTopics, produce, testKafkaTransport, waitUntil } from '../support/kafka.ts';
import { createTestSchema } from '../support/pg.ts';
import { databaseUrlForSchema, serviceEnv } from '../support/host-process.ts';
import { rawForwardLoop } from './kafka-loop.ts';
import { latencyProbe } from './latency.ts';
import { durableSteps, waitResume } from './durable.ts';

const N = Number(process.env['BENCH_EVENTS'] ?? 10_000);
const RATE = Number(process.env['BENCH_RATE'] ?? 200);
/** Group commit size of the runtime's functions (1 turns group commit off). */
const BATCH = Number(process.env['BENCH_BATCH_SIZE'] ?? 32);
const run = randomBytes(3).toString('hex');
const transport = testKafkaTransport();
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const Event = z.object({ seq: z.number().int(), sentAt: z.number() });
const topics: string[] = [];

async function fill(topic: string, count: number): Promise<void> {
  await createTopics(transport, [topic], 4);
  if (!topics.includes(topic)) topics.push(topic);
  const messages = Array.from({ length: count }, (_, seq) => ({
    topic,
    key: `k${seq % 64}`,
    value: JSON.stringify({ seq, sentAt: Date.now() }),
    headers: {},
  }));
  for (let i = 0; i < messages.length; i += 2_000) await produce(transport, messages.slice(i, i + 2_000));
}

/**
 * Starts the host on an empty input topic, waits until its consumer group is assigned (a warm-up
 * event comes out), then times `count` events from the first produce to the last emitted event seen,
 * so start-up and group join are not counted.
 */
async function timeRuntime(fn: AnyFunction, input: string, output: string, schemaUrl: string, count: number) {
  const env = {
    ...process.env,
    ...serviceEnv,
    DATABASE_URL: schemaUrl,
    HEARTH_HTTP_PORT: '0',
    HEARTH_LOG_LEVEL: 'warn',
  };
  const rt = await createRuntime(env, { log: jsonLogger({ level: 'error' }) });
  await createTopics(transport, [input, output], 4);
  topics.push(input, output, fn.deadLetterTopic);
  const probe = await latencyProbe(transport, output);
  const host = await startHost([fn], rt);
  await produce(transport, [
    { topic: input, key: 'warm-up', value: JSON.stringify({ seq: -1, sentAt: Date.now() }), headers: {} },
  ]);
  await waitUntil('warm-up event out', () => probe.count() >= 1, 120_000);
  probe.reset();
  const started = performance.now();
  await fill(input, count);
  await waitUntil(`${count} events out`, () => probe.count() >= count, 600_000);
  const seconds = (performance.now() - started) / 1000;
  out(`  (${fn.name}: ${rt.sql.retries} SQL transaction retries)`);
  return { seconds, probe, host };
}

async function main(): Promise<void> {
  out(
    `hearth bench: ${N} events per phase, group commit ${BATCH}, broker ${serviceEnv.KAFKA_BROKERS}, node ${process.version}`,
  );
  const schema = await createTestSchema('bench');
  const url = databaseUrlForSchema(schema.name);
  try {
    // 1. Baseline.
    const rawIn = `bench-raw-in-${run}`;
    const rawOut = `bench-raw-out-${run}`;
    await fill(rawIn, N);
    await createTopics(transport, [rawOut], 4);
    topics.push(rawOut);
    const rawSeconds = await rawForwardLoop(serviceEnv.KAFKA_BROKERS.split(','), rawIn, rawOut, N);
    const rawRate = N / rawSeconds;
    out(`raw kafkajs consume->produce:         ${rawRate.toFixed(0).padStart(7)} events/s`);

    // 2. The same traffic through a function that only forwards (ledger + outbox, no handler work).
    const noopIn = `bench-noop-in-${run}`;
    const noop = defineFunction({
      name: `bench-noop-${run}`,
      trigger: kafka({ topic: noopIn, schema: Event }),
      batchSize: BATCH,
      handler: (e, { emit, meta }) => emit(`${noopIn}.out`, e, { key: meta.key }),
    });
    const r2 = await timeRuntime(noop, noopIn, `${noopIn}.out`, url, N);
    await r2.host.stop();
    await r2.probe.stop();
    const noopRate = N / r2.seconds;
    out(
      `runtime no-op forward (exactly-once): ${noopRate.toFixed(0).padStart(7)} events/s  (${(noopRate / rawRate).toFixed(3)} x raw)`,
    );

    // 3. Stateful: SQL write plus emit. Throughput on a backlog, then latency at a paced rate.
    const sfIn = `bench-state-in-${run}`;
    await import('pg').then(async ({ default: pg }) => {
      const pool = new pg.Pool({ ...schema.poolConfig });
      await pool.query('CREATE TABLE bench_state (k TEXT PRIMARY KEY, n BIGINT NOT NULL, last_seq INT NOT NULL)');
      await pool.end();
    });
    const stateful = defineFunction({
      name: `bench-state-${run}`,
      trigger: kafka({ topic: sfIn, schema: Event }),
      batchSize: BATCH,
      handler: async (e, { sql, emit, meta }) => {
        await sql.query(
          'INSERT INTO bench_state (k, n, last_seq) VALUES ($1, 1, $2) ON CONFLICT (k) DO UPDATE SET n = bench_state.n + 1, last_seq = excluded.last_seq',
          [meta.key ?? '', e.seq],
        );
        emit(`${sfIn}.out`, e, { key: meta.key });
      },
    });
    const r3 = await timeRuntime(stateful, sfIn, `${sfIn}.out`, url, N);
    const sfRate = N / r3.seconds;
    out(
      `runtime stateful (SQL write + emit):  ${sfRate.toFixed(0).padStart(7)} events/s  (${(sfRate / rawRate).toFixed(3)} x raw)`,
    );

    r3.probe.reset();
    const paced = Math.min(RATE * 10, N);
    const interval = 1000 / RATE;
    for (let seq = 0; seq < paced; seq += 10) {
      const batch = Array.from({ length: 10 }, (_, i) => ({
        topic: sfIn,
        key: `k${(seq + i) % 64}`,
        value: JSON.stringify({ seq: N + seq + i, sentAt: Date.now() }),
        headers: {},
      }));
      await produce(transport, batch);
      await new Promise((resolve) => setTimeout(resolve, interval * 10));
    }
    await waitUntil('paced events out', () => r3.probe.count() >= paced, 120_000);
    const { p50, p99 } = r3.probe.percentiles();
    out(
      `stateful end-to-end latency at ${RATE}/s: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (produce -> emitted event consumed)`,
    );
    await r3.host.stop();
    await r3.probe.stop();

    // 4. Durable: three journaled no-op steps per event, then a parked wait resumed by its event.
    const durable = await durableSteps(url, run, N, topics);
    out(
      `durable 3-step no-op:                 ${durable.rate.toFixed(0).padStart(7)} events/s  (${(durable.rate / rawRate).toFixed(3)} x raw)`,
    );
    out(
      `durable step overhead at 100 events/s: p50 ${durable.paced.p50.toFixed(2)} ms, p99 ${durable.paced.p99.toFixed(2)} ms (under the backlog: p50 ${durable.loaded.p50.toFixed(2)} ms, p99 ${durable.loaded.p99.toFixed(2)} ms)`,
    );
    const resume = await waitResume(url, run, 200, topics);
    out(
      `durable wait resumed after its event:  p50 ${resume.p50.toFixed(1)} ms, p99 ${resume.p99.toFixed(1)} ms (answer produced -> handler has it)`,
    );
  } finally {
    await schema.drop();
    await cleanupKafka(transport, topics);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
