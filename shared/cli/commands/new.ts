import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCron } from '../../core/index.ts';
import { readHostConfig } from '../../host/config.ts';
import { FUNCTIONS_DIR } from '../../host/registry.ts';
import { parseArgs, UsageError, type Command } from '../command.ts';
import { functionSource, type Scaffold } from '../scaffold/templates.ts';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const TRIGGERS = ['kafka', 'cron', 'http'] as const;
const coreModule = path.resolve(import.meta.dirname, '../../core/index.ts');

/** How a new module imports the core: the package name when Hearth is installed, else a relative path. */
function coreSpecifier(dir: string): string {
  if (import.meta.dirname.split(path.sep).includes('node_modules')) return 'hearth';
  const relative = path.relative(dir, coreModule).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/**
 * `hearth new <name> [--trigger kafka|cron|http] [--topic T] [--schedule S] [--path P] [--durable]`:
 * writes `functions/<name>/index.ts` (or under HEARTH_FUNCTIONS_DIR), a working function to edit.
 */
export const newCommand: Command = {
  summary:
    'new <name>: scaffold functions/<name>/index.ts (--trigger kafka|cron|http, --topic, --schedule, --path, --durable)',
  async run(args, env) {
    const { positional, options } = parseArgs(args, {
      flags: ['durable'],
      values: ['trigger', 'topic', 'schedule', 'path'],
    });
    const [name, extra] = positional;
    if (!name || extra !== undefined) throw new UsageError('usage: hearth new <name> [--trigger kafka|cron|http]');
    if (!NAME.test(name) || name.length > 63)
      throw new UsageError(
        `function name "${name}" must be lowercase words joined by "-" (e.g. order-ledger), at most 63 characters`,
      );
    const trigger = (options.trigger ?? 'kafka') as Scaffold['trigger'];
    if (!TRIGGERS.includes(trigger))
      throw new UsageError(`--trigger must be one of ${TRIGGERS.join(', ')}, got "${options.trigger}"`);
    if (options.durable && trigger === 'http') throw new UsageError('--durable applies to kafka and cron functions');
    const schedule = options.schedule ?? '*/5 * * * *';
    try {
      parseCron(schedule);
    } catch (error) {
      throw new UsageError(`--schedule: ${(error as Error).message}`);
    }
    const routePath = options.path ?? `/${name}`;
    if (!routePath.startsWith('/')) throw new UsageError(`--path "${routePath}" must start with "/"`);

    const root = readHostConfig(env).HEARTH_FUNCTIONS_DIR ?? FUNCTIONS_DIR;
    const dir = path.join(root, name);
    if (await exists(dir)) throw new UsageError(`${dir} already exists; choose another name`);
    const source = functionSource({
      name,
      core: coreSpecifier(dir),
      trigger,
      topic: options.topic ?? `${name}.requests`,
      schedule,
      path: routePath,
      durable: options.durable === 'true',
    });
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'index.ts'), source, { flag: 'wx' });
    process.stdout.write(`created ${path.join(dir, 'index.ts')}\n`);
    return 0;
  },
};

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
