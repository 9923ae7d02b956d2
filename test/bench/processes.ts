/** Child processes of the bench: the measured hosts and the raw loop, with their memory and start-up. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot, serviceEnv, startHostProcess, type HostProcess } from '../support/host-process.ts';
import { waitUntil } from '../support/kafka.ts';
import { freePort } from '../support/ports.ts';

export const BENCH_FUNCTIONS = path.join(repoRoot, 'test/bench/functions');

/** A started host with its port. */
export interface BenchHost {
  host: HostProcess;
  url: string;
  /** Milliseconds from spawn to the first 200 of /ready. */
  readyMs: number;
}

/**
 * Starts `hearth dev` with `env` (from the sources, or the built `entry`) and waits until /ready answers 200.
 * @example const { host, readyMs } = await startBenchHost({ HEARTH_FUNCTIONS: 'bench-noop', ... })
 */
export async function startBenchHost(env: Record<string, string>, entry?: string): Promise<BenchHost> {
  const port = await freePort();
  const started = performance.now();
  const host = startHostProcess(
    ['dev'],
    {
      HEARTH_FUNCTIONS_DIR: BENCH_FUNCTIONS,
      ...env,
      HEARTH_HTTP_PORT: String(port),
    },
    entry,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    `host ready\n${host.output()}`,
    async () => {
      if (host.child.exitCode !== null) throw new Error(`host exited: ${host.output()}`);
      return (await fetch(`${url}/ready`).catch(() => undefined))?.status === 200;
    },
    120_000,
  );
  return { host, url, readyMs: performance.now() - started };
}

/**
 * Stops a child with SIGTERM and waits for it.
 * @example await stopChild(host.host.child)
 */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Resident and peak memory of a process, in MB (Linux /proc).
 * @example const { rssMb, peakMb } = await memoryOf(host.child.pid)
 */
export async function memoryOf(pid: number | undefined): Promise<{ rssMb: number; peakMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/**
 * The raw kafkajs loop as its own process, forwarding `from` to `to` until stopped.
 * @example const raw = await startRawLoop('in', 'out', 'group')
 */
export async function startRawLoop(from: string, to: string, group: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'test/bench/raw-main.ts')], {
    env: { ...process.env, ...serviceEnv, BENCH_FROM: from, BENCH_TO: to, BENCH_GROUP: group },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`raw loop exited with ${code}`)));
  });
  return child;
}
