import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrlForSchema, repoRoot, startHostProcess } from '../support/host-process.ts';
import { produce, readAllRecords, testKafkaTransport, uniqueName, waitUntil } from '../support/kafka.ts';
import { createTestSchema, type TestSchema } from '../support/pg.ts';
import { freePort } from '../support/ports.ts';

const run = promisify(execFile);
const transport = testKafkaTransport();
/** npm on PATH (the system's; scripts/node.sh puts Node 24 first on PATH, so its scripts run on Node 24). */
const npm = 'npm';

/** A user's function, written against the installed package only: `hearth` and `zod` from node_modules. */
const GREETER = `import { z } from 'zod';
import { defineFunction, kafka } from 'hearth';

const input = process.env['GREETER_TOPIC'] ?? 'greetings';
const output = \`\${input}.answered\`;

export default defineFunction({
  name: 'greeter',
  trigger: kafka({ topic: input, schema: z.object({ name: z.string().min(1) }) }),
  emits: [output],
  handler: async (event, { emit }) => {
    const name: string = event.name;
    emit(output, { greeting: \`hello \${name}\` });
  },
});
`;

/** A type error the package's declarations must catch: the event's field is a string, not a number. */
const MISTYPED = `import { z } from 'zod';
import { defineFunction, kafka } from 'hearth';

export const wrong = defineFunction({
  name: 'wrong',
  trigger: kafka({ topic: 'x', schema: z.object({ name: z.string() }) }),
  handler: async (event) => {
    const count: number = event.name;
    void count;
  },
});
`;

/**
 * Hearth as a dependency of someone else's repo: `npm pack` (which builds dist/ with declarations),
 * installed from the tarball into a fresh project, whose own TypeScript function type-checks against
 * the package's types and runs on the package's `hearth` bin against the real services.
 */
describe('installed package', () => {
  let project: string;
  let schema: TestSchema;

  beforeAll(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'hearth-user-'));
    const { stdout } = await run(npm, ['pack', '--silent', '--pack-destination', project], {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
    const tarball = stdout.trim().split('\n').pop() ?? '';
    const manifest = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const zod = manifest.dependencies['zod'];
    await writeFile(
      path.join(project, 'package.json'),
      JSON.stringify({
        name: 'my-agents',
        private: true,
        type: 'module',
        dependencies: { hearth: `file:./${tarball}`, zod },
      }),
    );
    await run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: project,
      maxBuffer: 16 * 1024 * 1024,
    });
    await mkdir(path.join(project, 'functions/greeter'), { recursive: true });
    await writeFile(path.join(project, 'functions/greeter/index.ts'), GREETER);
    schema = await createTestSchema('pkg');
  }, 600_000);
  afterAll(async () => {
    await schema?.drop();
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('ships built JavaScript with declarations, and none of the repo sources, tests or examples', async () => {
    const pkg = path.join(project, 'node_modules/hearth');
    expect((await readdir(pkg)).sort()).toEqual(['README.md', 'dist', 'package.json']);
    expect((await readdir(path.join(pkg, 'dist'))).sort()).toEqual(['shared']);
    const core = await readdir(path.join(pkg, 'dist/shared/core'));
    expect(core).toEqual(expect.arrayContaining(['index.js', 'index.d.ts']));
    expect(core.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(core.filter((f) => f.includes('.test.'))).toEqual([]);
  });

  it("type-checks the user's function against the package's types, and catches a mistyped one", async () => {
    const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
    const options = [
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2024',
      '--allowImportingTsExtensions',
      '--types',
      'node',
      '--typeRoots',
      path.join(repoRoot, 'node_modules/@types'),
      '--skipLibCheck',
    ];
    await run(process.execPath, [tsc, ...options, 'functions/greeter/index.ts'], { cwd: project });
    await writeFile(path.join(project, 'mistyped.ts'), MISTYPED);
    const failed = await run(process.execPath, [tsc, ...options, 'mistyped.ts'], { cwd: project }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? '',
    );
    expect(failed).toMatch(/mistyped\.ts\(8,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
  }, 120_000);

  it("runs the user's function from ./functions on the package's bin", async () => {
    const bin = path.join(project, 'node_modules/.bin/hearth');
    const topic = uniqueName('greetings');
    const env = { ...process.env, GREETER_TOPIC: topic };
    await run(bin, ['new', 'echo-back', '--durable'], { cwd: project, env });
    expect(await readFile(path.join(project, 'functions/echo-back/index.ts'), 'utf8')).toContain(
      "import { defineFunction, kafka } from 'hearth';",
    );
    const { stdout } = await run(bin, ['functions'], { cwd: project, env });
    expect(stdout).toMatch(/^echo-back\s+kafka echo-back\.requests/m);
    expect(stdout).toMatch(new RegExp(`^greeter\\s+kafka ${topic.replace(/\./g, '\\.')}`, 'm'));
    expect(stdout).not.toMatch(/orchestrator|usage-recorder/);

    const port = await freePort();
    const host = startHostProcess(
      ['dev'],
      {
        DATABASE_URL: databaseUrlForSchema(schema.name),
        HEARTH_HTTP_PORT: String(port),
        GREETER_TOPIC: topic,
        HEARTH_FUNCTIONS: 'greeter',
      },
      path.join(project, 'node_modules/hearth/dist/shared/cli/hearth.js'),
      project,
    );
    try {
      await waitUntil(
        'host from the package ready',
        async () => {
          if (host.child.exitCode !== null) throw new Error(`host exited: ${host.output()}`);
          return (await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined))?.status === 200;
        },
        90_000,
      );
      await produce(transport, [{ topic, key: 'k', value: JSON.stringify({ name: 'Ada' }), headers: {} }]);
      let answers: string[] = [];
      await waitUntil(
        'the greeting',
        async () => {
          answers = (await readAllRecords(transport, `${topic}.answered`)).map((r) => r.value?.toString('utf8') ?? '');
          return answers.length > 0;
        },
        60_000,
      );
      expect(answers.map((a) => JSON.parse(a) as unknown)).toEqual([{ greeting: 'hello Ada' }]);
    } finally {
      host.child.kill('SIGTERM');
    }
    expect((await host.exited).code, host.output()).toBe(0);
  }, 180_000);
});
