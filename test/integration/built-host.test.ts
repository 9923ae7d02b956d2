import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_CLI, databaseUrlForSchema, repoRoot, startHostProcess } from '../support/host-process.ts';
import { uniqueName, waitUntil } from '../support/kafka.ts';
import { createTestSchema, type TestSchema } from '../support/pg.ts';
import { freePort } from '../support/ports.ts';

const run = promisify(execFile);

/**
 * `npm run build` gives the host the container image runs (plain JavaScript in dist/): it loads every
 * example function, migrates, serves /ready and drains on SIGTERM like `hearth dev` from the sources.
 */
describe('built host (dist/)', () => {
  let schema: TestSchema;
  beforeAll(async () => {
    schema = await createTestSchema('built');
    await run(process.execPath, [path.join(repoRoot, 'scripts/build.ts')], { cwd: repoRoot });
  }, 180_000);
  afterAll(async () => {
    await schema.drop();
  });

  it('lists the example functions and serves them all until SIGTERM', async () => {
    const { stdout } = await run(process.execPath, [BUILT_CLI, 'functions'], { cwd: repoRoot });
    expect(stdout).toMatch(/^orchestrator\s+kafka/m);
    expect(stdout).toMatch(/^dead-letter-agent\s+kafka .*\.dlq/m);

    const port = await freePort();
    const host = startHostProcess(
      ['dev'],
      {
        DATABASE_URL: databaseUrlForSchema(schema.name),
        HEARTH_HTTP_PORT: String(port),
        AGENTS_TOPIC_PREFIX: uniqueName('built'),
      },
      BUILT_CLI,
    );
    try {
      await waitUntil(
        'built host ready',
        async () => {
          if (host.child.exitCode !== null) throw new Error(`built host exited: ${host.output()}`);
          return (await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined))?.status === 200;
        },
        90_000,
      );
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('hearth_function_up{function="orchestrator"');
    } finally {
      host.child.kill('SIGTERM');
    }
    expect((await host.exited).code, host.output()).toBe(0);
  }, 180_000);
});
