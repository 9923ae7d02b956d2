import type { InvocationContext, Timer, TimerHandler } from '@azure/functions';
import {
  deadLetterMessage,
  deliver,
  lastTickBetween,
  nextTick,
  type AnyFunction,
  type Envelope,
} from '../../core/index.ts';
import type { lazyDeps } from './deps.ts';
import type { AzureFunctionsOptions } from './types.ts';

/**
 * How early a timer may fire and still count for the coming tick (clock jitter of the host); a timer
 * firing later than that counts for the newest tick at or before now.
 */
const EARLY_MS = 250;

/**
 * The tick a timer invocation stands for: the coming tick when it is at most 250 ms away, else the
 * newest tick at or before `now` within the function's catch-up window; null when there is none
 * (e.g. a `runOnStartup` firing long after the last tick).
 * @example tickFor(fn, new Date('2025-01-01T03:00:00.040Z')) // 2025-01-01T03:00:00.000Z for '0 3 * * *'
 */
export function tickFor(fn: AnyFunction, now: Date): Date | null {
  if (fn.trigger.kind !== 'cron') throw new TypeError(`function "${fn.name}" has no cron trigger`);
  const { schedule, timezone, catchUpWindowMs } = fn.trigger;
  const coming = nextTick(schedule, now, timezone);
  if (coming && coming.getTime() - now.getTime() <= EARLY_MS) return coming;
  return lastTickBetween(schedule, new Date(now.getTime() - catchUpWindowMs), now, timezone);
}

/**
 * The handler of a cron function's timer trigger: finds the tick, then runs the core `deliver` with
 * the ledger key `cron@<tick>`, so the same tick run twice (a past-due re-run, two hosts) has one
 * effect. A tick that fails for good is dead-lettered like on the local host; the invocation then
 * returns normally. Publishing the dead letter failing makes the invocation fail (logged by Functions).
 * @example app.timer(fn.name, { schedule, handler: timerHandler(fn, depsOf, deadLetter, () => new Date()) })
 */
export function timerHandler(
  fn: AnyFunction,
  depsOf: ReturnType<typeof lazyDeps>,
  deadLetter: AzureFunctionsOptions['deadLetter'],
  now: () => Date,
): TimerHandler {
  return async (timer: Timer, context: InvocationContext): Promise<void> => {
    const deps = await depsOf();
    const at = now();
    const scheduledAt = tickFor(fn, at);
    if (scheduledAt === null) {
      deps.log.warn('timer fired with no tick in the catch-up window; skipped', {
        function: fn.name,
        firedAt: at.toISOString(),
        isPastDue: timer.isPastDue,
        invocationId: context.invocationId,
      });
      return;
    }
    const envelope: Envelope = {
      body: null,
      key: null,
      headers: {},
      source: { kind: 'cron', scheduledAt },
      attempt: 1,
    };
    const delivery = await deliver(fn, envelope, deps);
    const outcome = delivery.outcome;
    if (outcome.status === 'abandoned' || outcome.status === 'retry') {
      throw new Error(`function "${fn.name}": tick ${scheduledAt.toISOString()} not finished (host stopping)`);
    }
    if (outcome.status === 'dead-letter') {
      await deadLetter(deadLetterMessage(fn, envelope, outcome.reason, outcome.failure, delivery));
      deps.log.warn('cron tick dead-lettered', {
        function: fn.name,
        scheduledAt: scheduledAt.toISOString(),
        reason: outcome.reason,
      });
    }
  };
}
