import { loadFunctions } from '../../host/registry.ts';
import { parseArgs, type Command } from '../command.ts';

/** `hearth functions`: lists the functions in functions/ with their triggers, and which are durable. */
export const listCommand: Command = {
  summary: 'list the functions in functions/ and their triggers (--json)',
  async run(args) {
    const { options } = parseArgs(args, { flags: ['json'] });
    for (const fn of await loadFunctions()) {
      const t = fn.trigger;
      if (options.json) {
        const { kind } = t;
        const trigger =
          t.kind === 'kafka'
            ? { kind, topics: t.topics }
            : t.kind === 'cron'
              ? { kind, schedule: t.schedule, timezone: t.timezone }
              : { kind, method: t.method, path: t.path };
        const durable = fn.durable ? { waitsFor: fn.durable.waitsFor } : null;
        process.stdout.write(
          `${JSON.stringify({ name: fn.name, trigger, emits: fn.emits, durable, deadLetterTopic: fn.deadLetterTopic })}\n`,
        );
        continue;
      }
      const what =
        t.kind === 'kafka'
          ? `kafka ${t.topic}`
          : t.kind === 'cron'
            ? `cron "${t.schedule}" ${t.timezone}`
            : `http ${t.method} ${t.path}`;
      const durable = fn.durable
        ? '  durable' + (fn.durable.waitsFor.length > 0 ? ` (waits on ${fn.durable.waitsFor.join(', ')})` : '')
        : '';
      process.stdout.write(`${fn.name.padEnd(28)} ${what}${durable}  (dead letters: ${fn.deadLetterTopic})\n`);
    }
    return 0;
  },
};
