import { loadFunctions } from '../../host/registry.ts';
import type { Command } from '../command.ts';

/** `hearth functions`: lists the functions in functions/ with their triggers, and which are durable. */
export const listCommand: Command = {
  summary: 'list the functions in functions/ and their triggers',
  async run() {
    for (const fn of await loadFunctions()) {
      const t = fn.trigger;
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
