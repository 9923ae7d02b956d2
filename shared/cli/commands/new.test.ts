import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadFunctions } from '../../host/registry.ts';
import { UsageError } from '../command.ts';
import { newCommand } from './new.ts';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../../..');

describe('hearth new', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    // Inside the repo (.hearth/ is not tracked), so the modules resolve zod like functions/ does.
    await mkdir(path.join(repo, '.hearth'), { recursive: true });
    dir = await mkdtemp(path.join(repo, '.hearth', 'new-'));
    env = { HEARTH_FUNCTIONS_DIR: dir };
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    for (const args of [
      ['greeter'],
      ['ledger', '--durable', '--topic', 'orders.placed'],
      ['nightly', '--trigger', 'cron', '--schedule', '0 3 * * *'],
      ['sweeper', '--trigger', 'cron', '--durable'],
      ['hello-api', '--trigger', 'http', '--path', '/hello'],
    ])
      expect(await newCommand.run(args, env)).toBe(0);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes functions the host loads, with the asked trigger', async () => {
    const fns = new Map((await loadFunctions(dir)).map((fn) => [fn.name, fn]));
    expect([...fns.keys()].sort()).toEqual(['greeter', 'hello-api', 'ledger', 'nightly', 'sweeper']);
    expect(fns.get('greeter')?.trigger).toMatchObject({ kind: 'kafka', topics: ['greeter.requests'] });
    expect(fns.get('greeter')?.emits).toEqual(['greeter.requests.done']);
    expect(fns.get('ledger')?.trigger).toMatchObject({ kind: 'kafka', topics: ['orders.placed'] });
    expect(fns.get('ledger')?.durable).toBeTruthy();
    expect(fns.get('greeter')?.durable).toBeFalsy();
    expect(fns.get('nightly')?.trigger).toMatchObject({ kind: 'cron', schedule: '0 3 * * *' });
    expect(fns.get('sweeper')?.durable).toBeTruthy();
    expect(fns.get('hello-api')?.trigger).toMatchObject({ kind: 'http', method: 'POST', path: '/hello' });
    expect(await readFile(path.join(dir, 'greeter/index.ts'), 'utf8')).toMatch(
      /from '(\.\.\/)+.*shared\/core\/index\.ts'/,
    );
  });

  it('writes code that type-checks under strict settings', async () => {
    const files = ['greeter', 'ledger', 'nightly', 'sweeper', 'hello-api'].map((n) => path.join(dir, n, 'index.ts'));
    const tsc = path.join(repo, 'node_modules/typescript/bin/tsc');
    const flags = ['--noEmit', '--strict', '--noUncheckedIndexedAccess', '--module', 'nodenext', '--target', 'es2024'];
    const more = [
      '--allowImportingTsExtensions',
      '--skipLibCheck',
      '--types',
      'node',
      '--typeRoots',
      path.join(repo, 'node_modules/@types'),
    ];
    await expect(run(process.execPath, [tsc, ...flags, ...more, ...files], { cwd: dir })).resolves.toBeDefined();
  }, 60_000);

  it('refuses a taken name, a bad name, a bad trigger and a bad schedule, naming each', async () => {
    await expect(newCommand.run(['greeter'], env)).rejects.toThrow(/greeter already exists/);
    await expect(newCommand.run(['Order_Ledger'], env)).rejects.toThrow(/"Order_Ledger" must be lowercase words/);
    await expect(newCommand.run(['x', '--trigger', 'queue'], env)).rejects.toThrow(
      /--trigger must be one of kafka, cron, http, got "queue"/,
    );
    await expect(newCommand.run(['x', '--trigger', 'cron', '--schedule', '61 * * * *'], env)).rejects.toThrow(
      UsageError,
    );
    await expect(newCommand.run(['x', '--trigger', 'http', '--durable'], env)).rejects.toThrow(/--durable applies/);
    await expect(newCommand.run(['x', '--tirgger', 'cron'], env)).rejects.toThrow(/did you mean --trigger/);
  });
});
