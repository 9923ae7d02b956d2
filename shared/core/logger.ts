import type { Logger } from './ports.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/**
 * A JSON-lines logger: one object per line with time, level, message and fields.
 * @example const log = jsonLogger({ level: 'info' }); log.info('host started', { functions: 3 })
 */
export function jsonLogger(
  options: {
    level?: LogLevel;
    base?: Record<string, unknown>;
    write?: (line: string) => void;
    /**
     * Fields of the current context added to every line (the host passes trace and span ids from its
     * tracing adapter, so the core stays free of any tracing SDK).
     */
    context?: () => Record<string, unknown> | undefined;
    /** Turns one line's fields into text; default one JSON object (see {@link prettyLine} for terminals). */
    render?: (line: Record<string, unknown>) => string;
  } = {},
): Logger {
  const level = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const base = options.base ?? {};
  const emit = (name: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>): void => {
    if (RANK[name] < level) return;
    const context = options.context?.();
    const line = { time: new Date().toISOString(), level: name, msg: message, ...context, ...base, ...fields };
    write(`${options.render ? options.render(line) : JSON.stringify(line, errorReplacer)}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => jsonLogger({ ...options, base: { ...base, ...fields } }),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

const COLOURS: Record<string, string> = { debug: '\x1b[90m', info: '\x1b[36m', warn: '\x1b[33m', error: '\x1b[31m' };
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/**
 * One human-readable line: local time, level, message, then the fields as `name=value` (errors as their
 * message), coloured when `colour` is true. For a terminal; pipes and files get JSON.
 * @example jsonLogger({ render: (line) => prettyLine(line, process.stdout.isTTY) })
 */
export function prettyLine(line: Record<string, unknown>, colour: boolean): string {
  const { time, level, msg, ...fields } = line;
  const at = typeof time === 'string' ? time.slice(11, 23) : '';
  const name = String(level).toUpperCase().padEnd(5);
  const rest = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(
      ([k, v]) =>
        `${k}=${typeof v === 'string' ? (/[\s"]/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v, errorReplacer)}`,
    )
    .join(' ');
  if (!colour) return `${at} ${name} ${String(msg)}${rest ? `  ${rest}` : ''}`;
  const c = COLOURS[String(level)] ?? '';
  return `${DIM}${at}${RESET} ${c}${name}${RESET} ${String(msg)}${rest ? `  ${DIM}${rest}${RESET}` : ''}`;
}
