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

/**
 * Splits `--name value` / `--flag` options from positional arguments.
 * @example parseArgs(['orders', '--key', 'k1']) // { positional: ['orders'], options: { key: 'k1' } }
 */
export function parseArgs(
  args: readonly string[],
  flags: readonly string[] = [],
): {
  positional: string[];
  options: Record<string, string>;
} {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (flags.includes(name)) options[name] = inline ?? 'true';
    else if (inline !== undefined) options[name] = inline;
    else {
      const value = args[i + 1];
      if (value === undefined) throw new UsageError(`option --${name} needs a value`);
      options[name] = value;
      i += 1;
    }
  }
  return { positional, options };
}

/** Writes a progress line to stderr (overwriting on a terminal). */
export function progress(text: string, done = false): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${text}${done ? '\n' : ''}`);
  else if (done) process.stderr.write(`${text}\n`);
}
