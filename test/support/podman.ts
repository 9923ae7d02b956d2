import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './host-process.ts';

const run = promisify(execFile);
const wrapper = path.join(repoRoot, 'scripts/containers/podman');

/** What a podman command printed, and its exit code (never throws on a non-zero exit). */
export interface PodmanResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs podman through scripts/containers/podman (this project's engine flags and rlimits).
 * @example const { stdout } = await podman(['image', 'inspect', 'hearth:local'])
 */
export async function podman(args: readonly string[], timeoutMs = 120_000): Promise<PodmanResult> {
  try {
    const { stdout, stderr } = await run('bash', [wrapper, ...args], {
      cwd: repoRoot,
      timeout: timeoutMs,
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string; message?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? failed.message ?? '' };
  }
}

/**
 * Like {@link podman}, but a non-zero exit is an error naming the command and what it printed.
 * @example const id = (await podmanOk(['run', '-d', image])).trim()
 */
export async function podmanOk(args: readonly string[], timeoutMs?: number): Promise<string> {
  const result = await podman(args, timeoutMs);
  if (result.code !== 0)
    throw new Error(`podman ${args.join(' ')} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  return result.stdout;
}

/**
 * Builds the image from the repo's Dockerfile (scripts/containers/image.sh, base image included).
 * @example await buildImage('hearth:test')
 */
export async function buildImage(tag: string): Promise<void> {
  try {
    await run('bash', [path.join(repoRoot, 'scripts/containers/image.sh'), tag], {
      cwd: repoRoot,
      timeout: 1_500_000,
      maxBuffer: 32 * 1024 * 1024,
    });
  } catch (error) {
    const failed = error as { stderr?: string };
    throw new Error(`building ${tag} failed: ${failed.stderr ?? String(error)}`, { cause: error });
  }
}

/**
 * Resident memory of a container's main process in MB, read from the host's /proc.
 * @example console.log(await containerRssMb(name))
 */
export async function containerRssMb(name: string): Promise<number> {
  const pid = (await podmanOk(['inspect', '--format', '{{.State.Pid}}', name])).trim();
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return Math.round(kb / 1024);
}
