/**
 * `npm run bench`: the runtime against a raw kafkajs consume-then-produce loop, measured in the same run
 * on the same broker, with the same partitions and the same backlog. Every measured consumer runs in a
 * process of its own; the producer of the backlog and the probe that reads the output run here. Prints
 * figures and ratios; asserts nothing (not a test).
 *   BENCH_EVENTS (default 100000) events per throughput phase; BENCH_BATCH_SIZE (default 512) events per
 *   fast-path transaction; BENCH_PHASES (default all): raw, noop, state, latency, scale, memory, durable;
 *   BENCH_MARKET=1 adds the 60,000-agent market (10,000 buyers, 50,000 sellers).
 */
import { cpus, totalmem } from 'node:os';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { cleanupKafka, createTopics, testKafkaTransport, waitUntil } from '../support/kafka.ts';
import { createTestSchema } from '../support/pg.ts';
import { BUILT_CLI, databaseUrlForSchema, repoRoot, serviceEnv } from '../support/host-process.ts';
import { durableSteps, waitResume } from './durable.ts';
import { latencyProbe } from './latency.ts';
import { memoryOf, startBenchHost, startRawLoop, stopChild } from './processes.ts';

const N = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const BATCH = process.env['BENCH_BATCH_SIZE'] ?? '512';
const PHASES = new Set(
  (process.env['BENCH_PHASES'] ?? 'raw,noop,state,latency,scale,memory,durable').split(',').map((p) => p.trim()),
);
const run = randomBytes(3).toString('hex');
const transport = testKafkaTransport();
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const topics: string[] = [];
const producer = await transport.producer();

/** Fills `topic` (4 partitions, 64 keys) with `count` events through the one producer. */
async function fill(topic: string, count: number, from = 0): Promise<void> {
  for (let start = 0; start < count; start += 2_000) {
    const n = Math.min(2_000, count - start);
    await producer.send(
      Array.from({ length: n }, (_, i) => {
        const seq = from + start + i;
        return { topic, key: `k${seq % 64}`, value: JSON.stringify({ seq, sentAt: Date.now() }), headers: {} };
      }),
    );
  }
}

async function freshTopics(name: string): Promise<{ input: string; output: string }> {
  const input = `bench-${name}-${run}`;
  const output = `${input}.out`;
  await createTopics(transport, [input, output], 4);
  topics.push(input, output);
  return { input, output };
}

/** Events/s of a consumer started (by `start`) on a backlog of N: from its first output to its last. */
async function throughput(
  name: string,
  start: (input: string, output: string) => Promise<() => Promise<{ peakMb?: number }>>,
): Promise<{ rate: number; peakMb?: number }> {
  const { input, output } = await freshTopics(name);
  await fill(input, N);
  const probe = await latencyProbe(transport, output);
  const stop = await start(input, output);
  await waitUntil(`${name}: ${N} events out`, () => probe.count() >= N, 900_000);
  const rate = N / Math.max(probe.span(), 0.001);
  const { peakMb } = await stop();
  await probe.stop();
  return { rate, ...(peakMb !== undefined ? { peakMb } : {}) };
}

function hostEnv(
  fn: string,
  topic: string,
  schemaUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { DATABASE_URL: schemaUrl, HEARTH_FUNCTIONS: fn, BENCH_TOPIC: topic, BENCH_BATCH_SIZE: BATCH, ...extra };
}

const hostStarter =
  (fn: string, schemaUrl: string, replicas = 1) =>
  async (input: string): Promise<() => Promise<{ peakMb: number }>> => {
    const hosts = await Promise.all(
      Array.from({ length: replicas }, () => startBenchHost(hostEnv(fn, input, schemaUrl))),
    );
    return async () => {
      const peaks = await Promise.all(hosts.map(async (h) => (await memoryOf(h.host.child.pid)).peakMb));
      await Promise.all(hosts.map((h) => stopChild(h.host.child)));
      return { peakMb: Math.max(...peaks) };
    };
  };

const fmt = (rate: number): string => rate.toFixed(0).padStart(7);
const ratio = (rate: number, raw: number): string => (raw > 0 ? `${(rate / raw).toFixed(3)} x raw` : 'no raw baseline');

async function main(): Promise<void> {
  const cpu = cpus();
  out(
    `hearth bench ${new Date().toISOString().slice(0, 10)}: ${cpu.length} cores (${cpu[0]?.model.trim() ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  );
  out(`  ${N} events per phase, 4 partitions, 64 keys, fast-path chunk ${BATCH}, broker ${serviceEnv.KAFKA_BROKERS}`);
  const schema = await createTestSchema('bench');
  const url = databaseUrlForSchema(schema.name);
  let raw = 0;
  let stateRate = 0;
  try {
    if (PHASES.has('raw')) {
      const r = await throughput('raw', async (input, output) => {
        const child = await startRawLoop(input, output, `bench-raw-${run}`);
        return async () => {
          const { peakMb } = await memoryOf(child.pid);
          await stopChild(child);
          return { peakMb };
        };
      });
      raw = r.rate;
      out(`raw kafkajs consume -> produce:       ${fmt(raw)} events/s  (peak RSS ${r.peakMb?.toFixed(0)} MB)`);
    }
    if (PHASES.has('noop')) {
      const r = await throughput('noop', hostStarter('bench-noop', url));
      out(
        `runtime no-op forward (exactly-once): ${fmt(r.rate)} events/s  ${ratio(r.rate, raw)}  (goal 0.5; peak RSS ${r.peakMb?.toFixed(0)} MB)`,
      );
    }
    if (PHASES.has('state')) {
      const r = await throughput('state', hostStarter('bench-state', url));
      stateRate = r.rate;
      out(
        `runtime stateful (SQL upsert + emit): ${fmt(r.rate)} events/s  ${ratio(r.rate, raw)}  (goal 0.35; peak RSS ${r.peakMb?.toFixed(0)} MB)`,
      );
    }
    if (PHASES.has('latency')) await latency(url, stateRate > 0 ? stateRate / 2 : 500);
    if (PHASES.has('scale')) {
      const one = await throughput('scale1', hostStarter('bench-noop', url, 1));
      const two = await throughput('scale2', hostStarter('bench-noop', url, 2));
      out(
        `no-op forward with 1 process:         ${fmt(one.rate)} events/s; with 2 processes: ${fmt(two.rate)} events/s (${(two.rate / one.rate).toFixed(2)}x)`,
      );
    }
    if (PHASES.has('memory')) await memory(url);
    if (PHASES.has('durable')) {
      const durable = await durableSteps(url, run, Math.min(N, 10_000), topics);
      out(
        `durable 3-step no-op:                 ${fmt(durable.rate)} events/s  ${ratio(durable.rate, raw)} (in this process)`,
      );
      out(
        `durable step overhead at 100 events/s: p50 ${durable.paced.p50.toFixed(2)} ms, p99 ${durable.paced.p99.toFixed(2)} ms (goal p50 < 2 ms; under the backlog: p50 ${durable.loaded.p50.toFixed(2)} ms, p99 ${durable.loaded.p99.toFixed(2)} ms)`,
      );
      const resume = await waitResume(url, run, 200, topics);
      out(
        `durable wait resumed after its event: p50 ${resume.p50.toFixed(1)} ms, p99 ${resume.p99.toFixed(1)} ms (goal < 20 ms; answer produced -> handler has it)`,
      );
    }
    if (process.env['BENCH_MARKET'] === '1') await market(url);
  } finally {
    await producer.disconnect();
    await schema.drop();
    await cleanupKafka(transport, topics);
  }
}

/** End-to-end latency of the stateful function at `rate` events/s (half its measured maximum). */
async function latency(schemaUrl: string, rate: number): Promise<void> {
  const { input, output } = await freshTopics('latency');
  const probe = await latencyProbe(transport, output);
  const host = await startBenchHost(hostEnv('bench-state', input, schemaUrl));
  await fill(input, 1);
  await waitUntil('latency warm-up', () => probe.count() >= 1, 60_000);
  probe.reset();
  const seconds = 10;
  const perTick = Math.max(1, Math.round(rate / 100));
  const total = perTick * 100 * seconds;
  const started = performance.now();
  for (let sent = 0; sent < total; sent += perTick) {
    await fill(input, perTick, 1 + sent);
    const due = started + ((sent + perTick) / (perTick * 100)) * 1_000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
  }
  await waitUntil('paced events out', () => probe.count() >= total, 120_000);
  const { p50, p99 } = probe.percentiles();
  out(
    `stateful end-to-end latency at ${(total / seconds).toFixed(0)} events/s: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (goals 5 / 20 ms; produce -> emitted event consumed)`,
  );
  await stopChild(host.host.child);
  await probe.stop();
}

/**
 * RSS of idle hosts and start-to-ready of a Knative-mode one-function host, for the built host (dist/,
 * what the container image runs; built here first) and for the TypeScript sources (`hearth dev`).
 */
async function memory(schemaUrl: string): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    spawn(process.execPath, [path.join(repoRoot, 'scripts/build.ts')], { cwd: repoRoot, stdio: 'ignore' }).once(
      'exit',
      (code) => (code === 0 ? resolve() : reject(new Error(`npm run build exited with ${code}`))),
    ),
  );
  const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 3_000));
  const idle = async (env: Record<string, string>, entry?: string): Promise<number> => {
    const host = await startBenchHost(env, entry);
    await settle();
    const { rssMb } = await memoryOf(host.host.child.pid);
    await stopChild(host.host.child);
    return rssMb;
  };
  const allEnv = {
    DATABASE_URL: schemaUrl,
    HEARTH_FUNCTIONS_DIR: path.join(repoRoot, 'functions'),
    AGENTS_TOPIC_PREFIX: `bench-${run}`,
  };
  const builtFunctions = path.join(repoRoot, 'dist/functions');
  for (const [label, entry, functionsDir] of [
    ['built host (dist/, the image)', BUILT_CLI, builtFunctions],
    ['TypeScript sources (hearth dev)', undefined, allEnv.HEARTH_FUNCTIONS_DIR],
  ] as const) {
    const env = { ...allEnv, HEARTH_FUNCTIONS_DIR: functionsDir };
    // One example function (Kafka-triggered, SQL upsert) as a container per function would run it.
    const one = { ...env, HEARTH_FUNCTIONS: 'usage-recorder' };
    const oneMb = await idle(one, entry);
    const allMb = await idle(env, entry);
    const ready: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const knative = await startBenchHost({ ...one, HEARTH_PLATFORM: 'knative' }, entry);
      ready.push(knative.readyMs);
      await stopChild(knative.host.child);
    }
    out(
      `${label}: idle RSS one-function ${oneMb.toFixed(0)} MB (goal 90), all functions ${allMb.toFixed(0)} MB (goal 200); Knative one-function start to /ready ${Math.min(...ready).toFixed(0)} ms best of 3 (goal 400)`,
    );
  }
}

/** `hearth market --buyers 10000 --sellers 50000`, its summary as it prints it. */
async function market(schemaUrl: string): Promise<void> {
  out('market 10,000 buyers x 50,000 sellers (60,000 agents):');
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'shared/cli/hearth.ts'),
      'market',
      '--buyers',
      '10000',
      '--sellers',
      '50000',
      '--timeout',
      '1800',
    ],
    {
      env: { ...process.env, ...serviceEnv, DATABASE_URL: schemaUrl, HEARTH_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  out(
    text
      .split('\n')
      .filter((line) => line.startsWith('market run') || line.startsWith('  '))
      .join('\n'),
  );
  out(`  exit ${code}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
