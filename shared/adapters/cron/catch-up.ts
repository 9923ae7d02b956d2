import { lastTickBetween, ticksBetween } from '../../core/cron/next.ts';
import type { CronSchedule } from '../../core/cron/parse.ts';
import type { CatchUpPolicy } from '../../core/triggers.ts';

/** What to run for ticks that nobody ran: the ticks (oldest first) and how many were left out. */
export interface CatchUpPlan {
  ticks: Date[];
  /** Missed ticks beyond the bound that will not be run ('all' only). */
  dropped: boolean;
}

/**
 * Picks the missed ticks to run: those after the newest recorded tick (or after the window start when
 * there is none or it is older) up to `now`, filtered by the policy: 'skip' none, 'latest' the newest,
 * 'all' every one, oldest first, at most `limit`.
 * @example planCatchUp(schedule, 'UTC', { policy: 'latest', windowMs: 3_600_000, latest: null, now, limit: 1_000 })
 */
export function planCatchUp(
  schedule: CronSchedule,
  timezone: string,
  options: { policy: CatchUpPolicy; windowMs: number; latest: Date | null; now: Date; limit: number },
): CatchUpPlan {
  const windowStart = new Date(options.now.getTime() - options.windowMs);
  const from = options.latest && options.latest > windowStart ? options.latest : windowStart;
  switch (options.policy) {
    case 'skip':
      return { ticks: [], dropped: false };
    case 'latest': {
      const newest = lastTickBetween(schedule, from, options.now, timezone);
      return { ticks: newest ? [newest] : [], dropped: false };
    }
    case 'all': {
      const ticks = ticksBetween(schedule, from, options.now, timezone, options.limit + 1);
      const dropped = ticks.length > options.limit;
      return { ticks: dropped ? ticks.slice(0, options.limit) : ticks, dropped };
    }
  }
}
