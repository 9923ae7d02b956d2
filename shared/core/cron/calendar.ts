import type { CronSchedule } from './parse.ts';

/**
 * Whether a calendar day matches the day-of-month, month and day-of-week fields.
 * @example dayMatches(parseCron('0 0 13 * FRI'), 2026, 2, 13) // true: the 13th (or any Friday)
 */
export function dayMatches(schedule: CronSchedule, year: number, month: number, day: number): boolean {
  if (!schedule.months.includes(month)) return false;
  const dom = schedule.daysOfMonth.includes(day);
  const dow = schedule.daysOfWeek.includes(new Date(Date.UTC(year, month - 1, day)).getUTCDay());
  return schedule.dayOr ? dom || dow : dom && dow;
}

/**
 * The first wall-clock time (local time encoded as if it were UTC ms, whole seconds) strictly after
 * `after` and strictly before `before` that the schedule matches, or undefined. Pure calendar
 * arithmetic that skips by field: a month, a day, an hour or a minute at a time, never second by second.
 * @example new Date(nextWall(parseCron('0 3 * * *'), Date.UTC(2025, 0, 1), Infinity)!) // 2025-01-01T03:00Z
 */
export function nextWall(schedule: CronSchedule, after: number, before: number): number | undefined {
  let ms = Math.floor(after / 1000) * 1000 + 1000;
  while (ms < before) {
    const d = new Date(ms);
    const year = d.getUTCFullYear();
    const month = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    if (!schedule.months.includes(month)) {
      const next = firstAtLeast(schedule.months, month + 1);
      ms = next === undefined ? Date.UTC(year + 1, (schedule.months[0] ?? 1) - 1, 1) : Date.UTC(year, next - 1, 1);
      continue;
    }
    if (!dayMatches(schedule, year, month, day)) {
      ms = Date.UTC(year, month - 1, day + 1);
      continue;
    }
    const hour = d.getUTCHours();
    const nextHour = firstAtLeast(schedule.hours, hour);
    if (nextHour === undefined) {
      ms = Date.UTC(year, month - 1, day + 1);
      continue;
    }
    if (nextHour !== hour) {
      ms = Date.UTC(year, month - 1, day, nextHour);
      continue;
    }
    const minute = d.getUTCMinutes();
    const nextMinute = firstAtLeast(schedule.minutes, minute);
    if (nextMinute === undefined) {
      ms = Date.UTC(year, month - 1, day, hour + 1);
      continue;
    }
    if (nextMinute !== minute) {
      ms = Date.UTC(year, month - 1, day, hour, nextMinute);
      continue;
    }
    const second = d.getUTCSeconds();
    const nextSecond = firstAtLeast(schedule.seconds, second);
    if (nextSecond === undefined) {
      ms = Date.UTC(year, month - 1, day, hour, minute + 1);
      continue;
    }
    ms = Date.UTC(year, month - 1, day, hour, minute, nextSecond);
    return ms < before ? ms : undefined;
  }
  return undefined;
}

function firstAtLeast(sorted: readonly number[], value: number): number | undefined {
  for (const v of sorted) if (v >= value) return v;
  return undefined;
}
