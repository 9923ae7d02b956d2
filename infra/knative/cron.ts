import type { AnyFunction } from '../../shared/core/index.ts';

const DESCRIPTOR = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/;

/**
 * Checks that a cron function's schedule fits Knative PingSource (5 fields, minute granularity, or a
 * descriptor such as @hourly); 6-field schedules with seconds cannot be expressed and fail generation.
 * @example pingSchedule(fn) // "0 3 * * *"
 */
export function pingSchedule(fn: AnyFunction): string {
  if (fn.trigger.kind !== 'cron') throw new TypeError(`function "${fn.name}" has no cron trigger`);
  const schedule = fn.trigger.schedule;
  if (DESCRIPTOR.test(schedule)) return schedule;
  if (/^(CRON_)?TZ=/.test(schedule)) {
    throw new TypeError(`function "${fn.name}": put the time zone in cron({ timezone }), not in the schedule "${schedule}"`);
  }
  const fields = schedule.split(/\s+/).filter(Boolean);
  if (fields.length === 6) {
    throw new TypeError(
      `function "${fn.name}": schedule "${schedule}" has 6 fields (with seconds); Knative PingSource only takes 5-field cron (minute granularity). Use a 5-field schedule or deploy this function with the local host.`,
    );
  }
  if (fields.length !== 5) {
    throw new TypeError(`function "${fn.name}": schedule "${schedule}" must have 5 fields (minute hour day-of-month month day-of-week)`);
  }
  return fields.join(' ');
}
