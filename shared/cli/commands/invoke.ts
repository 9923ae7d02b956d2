import { randomUUID } from 'node:crypto';
import { invoke, jsonLogger, type Envelope } from '../../core/index.ts';
import { loadFunctions } from '../../host/registry.ts';
import { createRuntime } from '../../host/runtime.ts';
import { parseArgs, UsageError, type Command } from '../command.ts';

/**
 * `hearth invoke <function> [json] [--id ID] [--scheduled-at ISO]`: runs one function once on a given
 * event through the same path as the host (validation, ledger, outbox), and prints the outcome.
 */
export const invokeCommand: Command = {
  summary: 'invoke <function> [json] [--id ID] [--scheduled-at ISO]: run a function once',
  async run(args, env) {
    const { positional, options } = parseArgs(args);
    const [name, json] = positional;
    if (!name) throw new UsageError('usage: hearth invoke <function> [json] [--id ID] [--scheduled-at ISO]');
    const [fn] = await loadFunctions(undefined, [name]);
    if (!fn) throw new UsageError(`unknown function "${name}"`);
    let envelope: Envelope;
    if (fn.trigger.kind === 'cron') {
      const at = new Date(options['scheduled-at'] ?? new Date().toISOString());
      if (Number.isNaN(at.getTime())) throw new UsageError(`--scheduled-at "${options['scheduled-at']}" is not an ISO date`);
      envelope = { body: null, key: null, headers: {}, source: { kind: 'cron', scheduledAt: at }, attempt: 1 };
    } else {
      if (json === undefined) throw new UsageError(`${name} needs an event: hearth invoke ${name} '<json>'`);
      const source =
        fn.trigger.kind === 'kafka'
          ? ({ kind: 'kafka', topic: fn.trigger.topic, partition: -1, offset: '-1' } as const)
          : ({ kind: 'http', method: fn.trigger.method, path: fn.trigger.path } as const);
      envelope = { id: options.id ?? `cli-${randomUUID()}`, body: Buffer.from(json), key: options.key ?? null, headers: {}, source, attempt: 1 };
    }
    const rt = await createRuntime(env, { log: jsonLogger({ level: 'warn' }) });
    try {
      const outcome = await invoke(fn, envelope, rt.deps());
      await rt.relay.flush();
      process.stdout.write(`${JSON.stringify(outcome)}\n`);
      return outcome.status === 'done' ? 0 : 1;
    } finally {
      await rt.close();
    }
  },
};
