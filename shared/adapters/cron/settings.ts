import type { CronSchedulerOptions } from './types.ts';

/** The scheduler's timings and bounds with defaults applied. */
export interface SchedulerSettings {
  leaseMs: number;
  lookbackMs: number;
  sweepIntervalMs: number;
  maxCatchUp: number;
  stopTimeoutMs: number;
}

/**
 * Applies the defaults to the scheduler's numeric options; throws naming the first one that is not positive.
 * @example const { leaseMs } = schedulerSettings(options) // 30_000 by default
 */
export function schedulerSettings(options: CronSchedulerOptions): SchedulerSettings {
  const leaseMs = positive(options.leaseMs ?? 30_000, 'leaseMs');
  return {
    leaseMs,
    lookbackMs: positive(options.lookbackMs ?? 10_000, 'lookbackMs'),
    sweepIntervalMs: positive(options.sweepIntervalMs ?? leaseMs, 'sweepIntervalMs'),
    maxCatchUp: positive(options.maxCatchUp ?? 1_000, 'maxCatchUp'),
    stopTimeoutMs: positive(options.stopTimeoutMs ?? 30_000, 'stopTimeoutMs'),
  };
}

function positive(value: number, what: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new TypeError(`CronScheduler: ${what} must be a positive number, got ${value}`);
  return value;
}
