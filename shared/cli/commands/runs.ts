import { jsonLogger } from '../../core/index.ts';
import { pgSqlStoreFromEnv } from '../../adapters/sql/index.ts';
import { executionDetail, listExecutions } from '../../adapters/sql/executions-view.ts';
import { parseArgs, UsageError, type Command } from '../command.ts';

const USAGE =
  'usage: hearth runs <function> [--status S] [--group G] [--limit N] [--json] | hearth runs <function> <key> [--json]';
const STATUSES = ['running', 'parked', 'done', 'failed', 'cancelled'];

/**
 * `hearth runs <function>` lists a durable function's executions (newest first); `hearth runs <function>
 * <key>` shows one with its journaled steps and open waits.
 */
export const runsCommand: Command = {
  summary: 'runs <function> [key]: durable executions, or one with its steps and waits (--status, --group, --json)',
  async run(args, env) {
    const { positional, options } = parseArgs(args, { flags: ['json'], values: ['status', 'group', 'limit'] });
    const [fn, key, extra] = positional;
    if (!fn || extra !== undefined) throw new UsageError(USAGE);
    if (options.status && !STATUSES.includes(options.status))
      throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, got "${options.status}"`);
    const limit = options.limit === undefined ? 50 : Number(options.limit);
    if (!Number.isInteger(limit) || limit <= 0 || limit > 1_000)
      throw new UsageError('--limit must be an integer from 1 to 1000');
    const sql = pgSqlStoreFromEnv(env, { log: jsonLogger({ level: 'warn' }) });
    try {
      if (key !== undefined) {
        const detail = await executionDetail(sql, fn, key);
        if (!detail) throw new UsageError(`no execution of ${fn} with key "${key}"`);
        if (options.json) return print(JSON.stringify(detail));
        const x = detail.execution;
        print(
          `${x.function} ${x.key} ${x.status} (event ${x.eventId}, ${x.runs} run(s), attempt ${x.attempt})${x.error ? `: ${x.error}` : ''}`,
        );
        for (const s of detail.steps)
          print(
            `  ${s.finishedAt} ${s.kind.padEnd(11)} ${s.outcome.padEnd(8)} ${String(s.durationMs).padStart(7)} ms  ${s.id}`,
          );
        for (const w of detail.waits)
          print(
            `  waits for ${w.topic} matching ${JSON.stringify(w.match)} (step ${w.stepId}${w.expiresAt ? `, until ${w.expiresAt}` : ''})`,
          );
        return 0;
      }
      const rows = await listExecutions(sql, {
        function: fn,
        limit,
        ...(options.status ? { status: options.status } : {}),
        ...(options.group ? { group: options.group } : {}),
      });
      for (const x of rows) {
        if (options.json) print(JSON.stringify(x));
        else
          print(
            `${x.updatedAt} ${x.status.padEnd(9)} ${x.key}${x.group ? `  group ${x.group}` : ''}${x.waitingFor ? `  waiting for ${x.waitingFor}` : ''}`,
          );
      }
      if (!options.json) print(`${rows.length} execution(s) of ${fn}`);
      return 0;
    } finally {
      await sql.close();
    }
  },
};

function print(line: string): 0 {
  process.stdout.write(`${line}\n`);
  return 0;
}
