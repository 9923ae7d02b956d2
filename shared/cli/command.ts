import { parseArgs as nodeParseArgs } from 'node:util';

/** One CLI sub-command. */
export interface Command {
  summary: string;
  run(args: string[], env: Record<string, string | undefined>): Promise<number>;
}

/** Wrong arguments: printed without a stack, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The options a command accepts: flags take no value, values take one (`--name v` or `--name=v`). */
export interface OptionSpec {
  flags?: readonly string[];
  values?: readonly string[];
}

/**
 * Splits options from positional arguments with `node:util` parseArgs in strict mode: an unknown option
 * is a UsageError that suggests the closest known one, and `--help` is always accepted.
 * @example parseArgs(['orders', '--key', 'k1'], { values: ['key'] }) // { positional: ['orders'], options: { key: 'k1' } }
 */
export function parseArgs(
  args: readonly string[],
  spec: OptionSpec = {},
): {
  positional: string[];
  options: Record<string, string>;
} {
  const flags = [...(spec.flags ?? []), 'help'];
  const values = spec.values ?? [];
  const config: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const name of flags) config[name] = { type: 'boolean' };
  for (const name of values) config[name] = { type: 'string' };
  let parsed: ReturnType<typeof nodeParseArgs>;
  try {
    parsed = nodeParseArgs({ args: [...args], options: config, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(explainParseError(error as Error & { code?: string }, [...flags, ...values]));
  }
  const options: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    if (value === undefined || value === false) continue;
    options[name] = value === true ? 'true' : String(value);
  }
  return { positional: parsed.positionals, options };
}

function explainParseError(error: Error & { code?: string }, known: readonly string[]): string {
  const option = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    const name = option.replace(/^-+/, '').split('=')[0] ?? '';
    const near = closest(name, known);
    return `unknown option ${option}${near ? `; did you mean --${near}?` : ''} (known: ${known.map((k) => `--${k}`).join(', ')})`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) return `option ${option} needs a value`;
  return error.message;
}

/** The known name within edit distance 2 of `name`, if any. */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** Writes a progress line to stderr (overwriting on a terminal). */
export function progress(text: string, done = false): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${text}${done ? '\n' : ''}`);
  else if (done) process.stderr.write(`${text}\n`);
}
