import { sleep } from './backoff.ts';
import type { AnyFunction } from './define.ts';
import type { Envelope } from './envelope.ts';
import { invoke, type InvokeDeps } from './invoke.ts';
import type { Outcome } from './outcome.ts';

/** The end of in-process delivery: done, dead-lettered, or abandoned because the host is stopping. */
export interface Delivery {
  outcome: Outcome | { status: 'abandoned' };
  attempts: number;
  firstFailureAt?: Date;
  lastFailureAt?: Date;
}

/** How to wait between attempts; the Kafka host heartbeats while it waits. */
export type Wait = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Delivers an envelope with bounded in-process retries (exponential backoff with jitter) until it is
 * done or must be dead-lettered. Used by hosts that own retries (the Kafka consumer, cron); platforms
 * that redeliver themselves (Knative, Dapr) call {@link invoke} once per delivery instead. A paused
 * attempt (a dependency down, or the execution held by another replica) costs no attempt: it waits for
 * the dependency to come back, then tries the same attempt again.
 * `prior` carries what an earlier attempt made elsewhere (a group commit) already saw.
 * @example const { outcome, attempts } = await deliver(fn, envelope, deps)
 */
export async function deliver(
  fn: AnyFunction,
  envelope: Envelope,
  deps: InvokeDeps,
  wait: Wait = sleep,
  prior: { firstFailureAt?: Date } = {},
): Promise<Delivery> {
  let firstFailureAt: Date | undefined = prior.firstFailureAt;
  let lastFailureAt: Date | undefined;
  for (let attempt = envelope.attempt; ; attempt += 1) {
    const outcome = await invoke(fn, { ...envelope, attempt }, deps);
    if (outcome.status === 'retry' && outcome.paused) {
      await waitOut(outcome.paused, outcome.delayMs, outcome.failure.message, deps, wait);
      if (deps.signal?.aborted)
        return { outcome: { status: 'abandoned' }, attempts: attempt, firstFailureAt, lastFailureAt };
      attempt -= 1;
      continue;
    }
    if (outcome.status !== 'done') {
      firstFailureAt ??= outcome.failure.at;
      lastFailureAt = outcome.failure.at;
    }
    // Shutting down: a failure now is likely the abort itself; leave the event for redelivery.
    if (outcome.status !== 'done' && deps.signal?.aborted) {
      return { outcome: { status: 'abandoned' }, attempts: attempt, firstFailureAt, lastFailureAt };
    }
    if (outcome.status !== 'retry') return { outcome, attempts: attempt, firstFailureAt, lastFailureAt };
    deps.log.warn('attempt failed, retrying', {
      function: fn.name,
      attempt,
      delayMs: outcome.delayMs,
      errorClass: outcome.failure.errorClass,
      error: outcome.failure.message,
    });
    await wait(outcome.delayMs, deps.signal);
    if (deps.signal?.aborted)
      return { outcome: { status: 'abandoned' }, attempts: attempt, firstFailureAt, lastFailureAt };
  }
}

/** A paused attempt waits in slices (so a Kafka host keeps heartbeating) until it may run again. */
async function waitOut(
  reason: NonNullable<Extract<Outcome, { status: 'retry' }>['paused']>,
  delayMs: number,
  why: string,
  deps: InvokeDeps,
  wait: Wait,
): Promise<void> {
  if (reason === 'held') return wait(Math.min(Math.max(delayMs, 100), 5_000), deps.signal);
  const gate = deps.gate;
  if (!gate) return wait(Math.min(Math.max(delayMs, 250), 5_000), deps.signal);
  gate.markDown(reason, why);
  while (!gate.isUp(reason) && !deps.signal?.aborted) await wait(500, deps.signal);
}
