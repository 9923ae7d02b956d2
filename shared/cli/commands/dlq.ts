import { jsonLogger } from '../../core/index.ts';
import { kafkaTransportFromEnv, listDeadLetters, replayDeadLetters } from '../../adapters/kafka/index.ts';
import { loadFunctions } from '../../host/registry.ts';
import { parseArgs, progress, UsageError, type Command } from '../command.ts';

const USAGE =
  'usage: hearth dlq list <function|topic> [--limit N] [--json] | hearth dlq replay <function|topic> [--reason R]';

/**
 * `hearth dlq list <function|topic>` prints dead letters with their reason and source;
 * `hearth dlq replay <function|topic>` puts them back on their source topics (each once), with progress.
 */
export const dlqCommand: Command = {
  summary: 'dlq list|replay <function|topic>: inspect or replay dead letters',
  async run(args, env) {
    const { positional, options } = parseArgs(args, { flags: ['json'], values: ['limit', 'reason'] });
    const [action, target] = positional;
    if (!target || (action !== 'list' && action !== 'replay')) throw new UsageError(USAGE);
    const topic = await resolveTopic(target);
    const transport = kafkaTransportFromEnv(env, { log: jsonLogger({ level: 'warn' }) });
    const onProgress = ({ done, total }: { done: number; total: number }): void =>
      progress(`${action === 'list' ? 'read' : 'replayed'} ${done}/${total}`, done === total);
    if (action === 'replay') {
      const reason = options.reason;
      const count = await replayDeadLetters(transport, topic, {
        onProgress,
        ...(reason ? { filter: (r) => r.info?.reason === reason } : {}),
      });
      process.stdout.write(`replayed ${count} dead letter(s) from ${topic}\n`);
      return 0;
    }
    const limit = options.limit === undefined ? undefined : Number(options.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0))
      throw new UsageError(`--limit must be a positive integer`);
    const letters = await listDeadLetters(transport, topic, { onProgress, ...(limit ? { limit } : {}) });
    for (const letter of letters) {
      const i = letter.info;
      if (options.json) process.stdout.write(`${JSON.stringify(letter)}\n`);
      else
        process.stdout.write(
          `${letter.timestamp} ${i?.function ?? '?'} ${i?.reason ?? '?'} from ${i?.sourceTopic ?? '?'}/${i?.sourcePartition ?? '?'}/${i?.sourceOffset ?? '?'} after ${i?.attempts ?? '?'} attempt(s): ${i?.errorClass ?? ''}: ${i?.errorMessage ?? ''}\n`,
        );
    }
    process.stdout.write(`${letters.length} dead letter(s) in ${topic}\n`);
    return 0;
  },
};

async function resolveTopic(target: string): Promise<string> {
  const fn = (await loadFunctions()).find((f) => f.name === target);
  return fn ? fn.deadLetterTopic : target;
}
