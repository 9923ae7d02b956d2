import { randomUUID } from 'node:crypto';
import {
  deadLetterMessage,
  deliver,
  jsonLogger,
  lastTickBetween,
  type AnyFunction,
  type Envelope,
} from '../../core/index.ts';
import { loadFunctions } from '../../host/registry.ts';
import { createRuntime } from '../../host/runtime.ts';
import { parseArgs, UsageError, type Command } from '../command.ts';

/**
 * `hearth invoke <function> [json] [--id ID] [--scheduled-at ISO]`: runs one function on one event
 * through the same path as the host (validation, ledger, outbox, retries, dead letter) and prints the
 * outcome. For a cron function without --scheduled-at the event is the schedule's latest tick at or
 * before now, so a scheduled job that is retried re-runs the same tick (the ledger makes it a no-op).
 * Exits 0 when the event is done or safely dead-lettered, 1 otherwise.
 */
export const invokeCommand: Command = {
  summary: 'invoke <function> [json] [--id ID] [--scheduled-at ISO]: run a function once',
  async run(args, env) {
    const { positional, options } = parseArgs(args, { values: ['id', 'key', 'scheduled-at'] });
    const [name, json] = positional;
    if (!name) throw new UsageError('usage: hearth invoke <function> [json] [--id ID] [--scheduled-at ISO]');
    const [fn] = await loadFunctions(undefined, [name]);
    if (!fn) throw new UsageError(`unknown function "${name}"`);
    const envelope = envelopeFor(fn, json, options);
    const rt = await createRuntime(env, { log: jsonLogger({ level: 'warn' }) });
    try {
      const delivery = await deliver(fn, envelope, rt.deps());
      const outcome = delivery.outcome;
      if (outcome.status === 'dead-letter') {
        await rt.producer.send([deadLetterMessage(fn, envelope, outcome.reason, outcome.failure, delivery)]);
      }
      await rt.relay.flush();
      process.stdout.write(`${JSON.stringify({ ...outcome, attempts: delivery.attempts })}\n`);
      return outcome.status === 'done' || outcome.status === 'dead-letter' ? 0 : 1;
    } finally {
      await rt.close();
    }
  },
};

function envelopeFor(fn: AnyFunction, json: string | undefined, options: Record<string, string>): Envelope {
  const t = fn.trigger;
  if (t.kind === 'cron') {
    return {
      body: null,
      key: null,
      headers: {},
      source: { kind: 'cron', scheduledAt: tickOf(fn, options['scheduled-at']) },
      attempt: 1,
    };
  }
  if (json === undefined) throw new UsageError(`${fn.name} needs an event: hearth invoke ${fn.name} '<json>'`);
  const source =
    t.kind === 'kafka'
      ? ({ kind: 'kafka', topic: t.topic, partition: -1, offset: '-1' } as const)
      : ({ kind: 'http', method: t.method, path: t.path } as const);
  return {
    id: options.id ?? `cli-${randomUUID()}`,
    body: Buffer.from(json),
    key: options.key ?? null,
    headers: {},
    source,
    attempt: 1,
  };
}

function tickOf(fn: AnyFunction, given: string | undefined): Date {
  if (given !== undefined) {
    const at = new Date(given);
    if (Number.isNaN(at.getTime())) throw new UsageError(`--scheduled-at "${given}" is not an ISO date`);
    return at;
  }
  if (fn.trigger.kind !== 'cron') throw new UsageError(`${fn.name} is not a cron function`);
  // A job may start a little before its tick; half a second of tolerance keeps it on the coming tick.
  const now = new Date(Date.now() + 500);
  const tick = lastTickBetween(
    fn.trigger.schedule,
    new Date(now.getTime() - fn.trigger.catchUpWindowMs),
    now,
    fn.trigger.timezone,
  );
  if (!tick)
    throw new UsageError(
      `${fn.name}: no tick of "${fn.trigger.schedule}" within the catch-up window; pass --scheduled-at`,
    );
  return tick;
}
