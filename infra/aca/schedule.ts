import { nextTransition, offsetAt } from '../../shared/core/cron/zone.ts';
import type { CronSchedule } from '../../shared/core/cron/index.ts';
import { parseCron, toNcrontab, type AnyFunction } from '../../shared/core/index.ts';

const HOUR_MS = 3_600_000;
/** How far ahead a zone is checked for DST changes before its offset is taken as fixed. */
const DST_HORIZON_MS = 2 * 366 * 86_400_000;

/**
 * The 5-field cron expression of a cron function's Container Apps Job. Jobs evaluate schedules in UTC
 * at minute granularity, so: a schedule with seconds fails; a zone other than UTC is converted when
 * its offset is fixed (no DST) and whole hours, and the shift keeps every tick on the same day (or
 * the day fields are all `*`); otherwise generation fails naming the function.
 * @example jobCronExpression(fn) // "0 1 * * *" for cron({ schedule: '0 3 * * *', timezone: 'Africa/Cairo' }) (if fixed +02:00)
 */
export function jobCronExpression(fn: AnyFunction, now: Date = new Date()): string {
  if (fn.trigger.kind !== 'cron') throw new TypeError(`function "${fn.name}" has no cron trigger`);
  const { schedule: source, timezone } = fn.trigger;
  const schedule = parseCron(source);
  if (schedule.seconds.length !== 1 || schedule.seconds[0] !== 0) {
    throw new TypeError(
      `function "${fn.name}": schedule "${source}" fires at seconds; Container Apps Jobs run at most once a minute (use a 5-field schedule or the local host)`,
    );
  }
  const shift = utcShiftHours(fn.name, source, timezone, now.getTime());
  const hours = schedule.hours.map((h) => h - shift);
  const sameDay = hours.every((h) => h >= 0 && h <= 23);
  const everyDay =
    schedule.daysOfMonth.length === 31 && schedule.months.length === 12 && schedule.daysOfWeek.length === 7;
  if (!sameDay && !everyDay) {
    throw new TypeError(
      `function "${fn.name}": schedule "${source}" in ${timezone} (UTC${shift >= 0 ? '+' : ''}${shift}) crosses midnight in UTC on restricted days; Container Apps Jobs run in UTC, so write the schedule in UTC with timezone "UTC"`,
    );
  }
  const utcHours = [...new Set(hours.map((h) => (h + 24) % 24))].sort((a, b) => a - b);
  // toNcrontab only formats the fields here; the day-OR rule is kept because the fields are unchanged.
  const formatted: CronSchedule = { ...schedule, hours: utcHours, dayOr: false };
  return toNcrontab(formatted).split(' ').slice(1).join(' ');
}

/** Hours to subtract from a wall time in `timezone` to get UTC; fails for DST zones and half-hour offsets. */
function utcShiftHours(fnName: string, source: string, timezone: string, now: number): number {
  const offset = offsetAt(timezone, now);
  if (nextTransition(timezone, now, now + DST_HORIZON_MS) !== undefined) {
    throw new TypeError(
      `function "${fnName}": schedule "${source}" runs in ${timezone}, which changes its UTC offset (DST); Container Apps Jobs run in UTC only, so set timezone "UTC" and write the schedule in UTC (or deploy this function with the local host)`,
    );
  }
  if (offset % HOUR_MS !== 0) {
    throw new TypeError(
      `function "${fnName}": ${timezone} is not a whole number of hours from UTC; Container Apps Jobs run in UTC, so write the schedule in UTC`,
    );
  }
  return offset / HOUR_MS;
}
