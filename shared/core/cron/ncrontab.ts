import { CronParseError, parseCron, type CronSchedule } from './parse.ts';

/**
 * Converts a cron expression to Azure Functions' 6-field NCRONTAB
 * (`{second} {minute} {hour} {day} {month} {day-of-week}`). NCRONTAB requires a day to match both day
 * fields, so a standard expression restricting both (which means either one) cannot be converted and
 * throws a CronParseError. The time zone is not part of NCRONTAB: set WEBSITE_TIME_ZONE on the app.
 * @example toNcrontab('*\/5 9-17 * * MON-FRI') // "0 *\/5 9-17 * * 1-5"
 */
export function toNcrontab(expr: string | CronSchedule): string {
  const s = typeof expr === 'string' ? parseCron(expr) : expr;
  if (s.dayOr) {
    throw new CronParseError(
      s.source,
      'restricts both day-of-month and day-of-week (standard cron runs when either matches); NCRONTAB requires both to match, so it cannot be converted — split it into two functions',
    );
  }
  return [
    format(s.seconds, 0, 59),
    format(s.minutes, 0, 59),
    format(s.hours, 0, 23),
    format(s.daysOfMonth, 1, 31),
    format(s.months, 1, 12),
    format(s.daysOfWeek, 0, 6),
  ].join(' ');
}

/** Renders allowed values compactly: `*`, `*\/n`, `a-b/n`, or a list of values and ranges. */
function format(values: readonly number[], min: number, max: number): string {
  const first = values[0];
  const last = values[values.length - 1];
  if (first === undefined || last === undefined) throw new Error('a cron field has no values');
  if (values.length === max - min + 1) return '*';
  if (values.length > 2) {
    const step = (values[1] ?? 0) - first;
    const evenly = values.every((v, i) => v === first + i * step);
    if (evenly && step > 1) {
      if (first === min && last + step > max) return `*/${step}`;
      return `${first}-${last}/${step}`;
    }
  }
  const parts: string[] = [];
  for (let i = 0; i < values.length;) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === (values[j] ?? 0) + 1) j += 1;
    const a = values[i];
    const b = values[j];
    parts.push(j - i >= 2 ? `${a}-${b}` : j > i ? `${a},${b}` : `${a}`);
    i = j + 1;
  }
  return parts.join(',');
}
