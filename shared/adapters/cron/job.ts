import { ticksBetween } from '../../core/cron/next.ts';
import { parseCron, type CronSchedule } from '../../core/cron/parse.ts';
import type { AnyFunction } from '../../core/define.ts';
import type { Logger } from '../../core/ports.ts';
import type { CronTrigger, Trigger } from '../../core/triggers.ts';
import { planCatchUp } from './catch-up.ts';

/** One cron function as the scheduler tracks it. */
export interface Job {
  fn: AnyFunction;
  trigger: CronTrigger<unknown>;
  schedule: CronSchedule;
  /** Ticks up to here have been handed out (on time or to catch-up). */
  cursor: Date;
  timer: NodeJS.Timeout | undefined;
  /** Serializes catch-up and orphan runs of one function so a backlog does not run all at once. */
  backlog: Promise<void>;
}

/**
 * The jobs of the functions with a cron trigger (others are ignored); throws on a bad schedule.
 * @example const jobs = cronJobs(options.functions)
 */
export function cronJobs(functions: readonly AnyFunction[]): Job[] {
  return functions.flatMap((fn) => {
    const trigger: Trigger<unknown> = fn.trigger;
    if (trigger.kind !== 'cron') return [];
    const job: Job = {
      fn,
      trigger,
      schedule: parseCron(trigger.schedule),
      cursor: new Date(0),
      timer: undefined,
      backlog: Promise.resolve(),
    };
    return [job];
  });
}

/**
 * The missed ticks a job runs at start-up (per its catch-up policy), warning when some are left out.
 * @example const ticks = startupBacklog(job, await ticks.latest(job.fn.name), now, 1_000, log)
 */
export function startupBacklog(job: Job, latest: Date | null, now: Date, maxCatchUp: number, log: Logger): Date[] {
  const plan = planCatchUp(job.schedule, job.trigger.timezone, {
    policy: job.trigger.catchUp,
    windowMs: job.trigger.catchUpWindowMs,
    latest,
    now,
    limit: maxCatchUp,
  });
  if (plan.dropped) {
    log.warn('more missed ticks than maxCatchUp; running the oldest', {
      function: job.fn.name,
      maxCatchUp,
    });
  }
  return plan.ticks;
}

/** The ticks due at a wake-up: the recent ones run now, the late ones per the catch-up policy. */
export interface DueTicks {
  onTime: Date[];
  late: Date[];
  /** The late ticks the policy keeps: all, the newest, or none. */
  kept: Date[];
}

/**
 * Splits the ticks due between the job's cursor and `now`: within `lookbackMs` of now is on time.
 * @example const { onTime, late, kept } = dueTicks(job, now, 10_000, 1_000)
 */
export function dueTicks(job: Job, now: Date, lookbackMs: number, maxCatchUp: number): DueTicks {
  const due = ticksBetween(job.schedule, job.cursor, now, job.trigger.timezone, maxCatchUp + 1);
  const onTimeFrom = now.getTime() - lookbackMs;
  const onTime = due.filter((t) => t.getTime() >= onTimeFrom);
  const late = due.filter((t) => t.getTime() < onTimeFrom);
  const kept = job.trigger.catchUp === 'all' ? late : job.trigger.catchUp === 'latest' ? late.slice(-1) : [];
  return { onTime, late, kept };
}
