import { sleep } from '../../core/backoff.ts';
import type { Logger } from '../../core/ports.ts';
import type { TickStore } from './tick-store.ts';

/** One tick to claim, and when to stop retrying. */
export interface ClaimAttempt {
  ticks: TickStore;
  functionName: string;
  scheduledAt: Date;
  replicaId: string;
  leaseMs: number;
  /** The function's catch-up window: a tick older than this is given up. */
  windowMs: number;
  now: () => Date;
  /** False once the scheduler stops: give up instead of retrying. */
  running: () => boolean;
  /** Cuts the backoff sleep short when the scheduler aborts. */
  signal: AbortSignal;
  log: Logger;
}

/**
 * Claims a tick, retrying with backoff while the database is unreachable, because a tick without a row
 * is lost (no sweep would find it). Resolves whether this replica won, or undefined after giving up
 * (the scheduler stopped or the tick left the catch-up window).
 * @example const claimed = await claimWithRetry({ ticks, functionName, scheduledAt, replicaId, leaseMs, windowMs, now, running, signal, log })
 */
export async function claimWithRetry(a: ClaimAttempt): Promise<boolean | undefined> {
  const name = a.functionName;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await a.ticks.claim(name, a.scheduledAt, a.replicaId, a.leaseMs);
    } catch (error) {
      const at = a.scheduledAt.toISOString();
      const expired = a.now().getTime() - a.scheduledAt.getTime() > a.windowMs;
      if (!a.running() || expired) {
        a.log.error('could not claim cron tick; giving up', { function: name, scheduledAt: at, error });
        return undefined;
      }
      a.log.warn('could not claim cron tick; retrying', { function: name, scheduledAt: at, attempt, error });
      await sleep(Math.min(30_000, 500 * 2 ** attempt), a.signal);
    }
  }
}
