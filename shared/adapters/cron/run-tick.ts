import { deadLetterMessage } from '../../core/dead-letter.ts';
import type { AnyFunction } from '../../core/define.ts';
import { deliver } from '../../core/deliver.ts';
import type { Envelope } from '../../core/envelope.ts';
import type { InvokeDeps } from '../../core/invoke.ts';
import type { Logger, OutgoingMessage } from '../../core/ports.ts';
import type { TickStore } from './tick-store.ts';

/** Everything one claimed tick needs to run. */
export interface ClaimedTick {
  fn: AnyFunction;
  scheduledAt: Date;
  ticks: TickStore;
  replicaId: string;
  leaseMs: number;
  deps: InvokeDeps;
  deadLetter: (message: OutgoingMessage) => Promise<void>;
  log: Logger;
}

/**
 * Runs a tick this replica claimed through the core `deliver` (in-process retries), renewing the lease
 * meanwhile. Done or dead-lettered (after `deadLetter` accepted the record): marked done. Abandoned
 * (host stopping) or failed outside the handler: the claim is released so any replica re-runs it; the
 * ledger row keyed `cron@<iso>` keeps its effects exactly-once.
 * @example await runClaimedTick({ fn, scheduledAt, ticks, replicaId, leaseMs, deps, deadLetter, log })
 */
export async function runClaimedTick(tick: ClaimedTick): Promise<void> {
  const { fn, scheduledAt, ticks, replicaId, leaseMs, log } = tick;
  const at = scheduledAt.toISOString();
  const envelope: Envelope = { body: null, key: null, headers: {}, source: { kind: 'cron', scheduledAt }, attempt: 1 };
  const heartbeat = setInterval(
    () => {
      ticks.renew(fn.name, scheduledAt, replicaId, leaseMs).then(
        (held) => held || log.warn('lost the claim of a running cron tick', { function: fn.name, scheduledAt: at }),
        (error: unknown) => log.warn('could not renew cron claim', { function: fn.name, scheduledAt: at, error }),
      );
    },
    Math.max(1, Math.floor(leaseMs / 3)),
  );
  heartbeat.unref();
  try {
    const delivery = await deliver(fn, envelope, tick.deps);
    const outcome = delivery.outcome;
    if (outcome.status === 'done') {
      await ticks.markDone(fn.name, scheduledAt);
    } else if (outcome.status === 'dead-letter') {
      await tick.deadLetter(deadLetterMessage(fn, envelope, outcome.reason, outcome.failure, delivery));
      await ticks.markDone(fn.name, scheduledAt);
      log.warn('cron tick dead-lettered', { function: fn.name, scheduledAt: at, reason: outcome.reason });
    } else {
      await ticks.release(fn.name, scheduledAt, replicaId);
    }
  } catch (error) {
    // Not marked done: once the claim is free another replica (or this one) runs the tick again.
    log.error('cron tick failed outside the handler', { function: fn.name, scheduledAt: at, error });
    await ticks.release(fn.name, scheduledAt, replicaId).catch(() => undefined);
  } finally {
    clearInterval(heartbeat);
  }
}
