/**
 * Tick computation in IANA time zones. DST follows Vixie cron (and cronie), the behaviour most cron
 * users know:
 *
 * - Fixed-time schedules (second, minute and hour fields are plain values, e.g. `30 2 * * *`):
 *   a wall time skipped by a spring-forward change runs once at the instant of the change (the next
 *   valid instant, 03:00 CEST for 02:30 in Paris); a wall time repeated by a fall-back change runs
 *   once, at its first occurrence.
 * - Interval schedules (the second, minute or hour field starts with `*`, e.g. `*\/15 * * * *`,
 *   `0 * * * *`): they follow the wall clock, so times that do not exist are skipped and an hour
 *   repeated by a fall-back change is run again; an hourly job thus keeps running every real hour.
 *
 * The search walks offset segments (stretches between transitions) and, inside one, skips by field
 * on the calendar (nextWall), so a yearly schedule costs a few dozen steps, not a scan of the year.
 */
import { nextWall } from './calendar.ts';
import { parseCron, type CronSchedule } from './parse.ts';
import { assertTimeZone, nextTransition, offsetAt, previousTransition } from './zone.ts';

/** How far ahead to look before concluding a schedule never fires (Feb 29 on a Monday needs decades). */
const HORIZON_MS = 40 * 366 * 86_400_000;
/** How far back a fall-back change can still make the current wall time a repeat. */
const REPEAT_LOOKBACK_MS = 2 * 86_400_000;

/** A cron expression or an already parsed schedule. */
export type CronInput = string | CronSchedule;

function scheduleOf(expr: CronInput): CronSchedule {
  return typeof expr === 'string' ? parseCron(expr) : expr;
}

/**
 * The first tick strictly after `after`, or null when the schedule never fires again.
 * @example nextTick('0 3 * * *', new Date('2025-03-30T00:00:00Z'), 'Europe/Paris') // 2025-03-30T01:00:00Z
 */
export function nextTick(expr: CronInput, after: Date, timezone: string): Date | null {
  const schedule = scheduleOf(expr);
  assertTimeZone(timezone);
  const start = after.getTime();
  if (Number.isNaN(start)) throw new TypeError('nextTick(): `after` is an invalid Date');
  const fixed = !schedule.interval;
  const horizon = start + HORIZON_MS;
  let lower = start;
  let segmentStart = start;
  let offset = offsetAt(timezone, start);
  // Fixed times already run in the first pass of a repeated (fall-back) hour are not run again.
  let wallFloor = -Infinity;
  if (fixed) {
    const previous = previousTransition(timezone, start, REPEAT_LOOKBACK_MS);
    if (previous && previous.before > previous.after) wallFloor = previous.at + previous.before - 1;
  }
  for (;;) {
    const transition = nextTransition(timezone, segmentStart, horizon);
    const end = transition?.at ?? horizon;
    const wall = nextWall(schedule, Math.max(lower + offset, wallFloor), end + offset);
    if (wall !== undefined) return new Date(wall - offset);
    if (!transition) return null;
    const { at, before, after: next } = transition;
    // Spring forward: wall times in [at + before, at + next) do not exist; a fixed time there runs at `at`.
    if (fixed && next > before && nextWall(schedule, at + before - 1, at + next) !== undefined) return new Date(at);
    lower = at - 1;
    segmentStart = at;
    offset = next;
    wallFloor = fixed && before > next ? at + before - 1 : -Infinity;
  }
}

/**
 * The ticks in (from, to], oldest first, at most `limit` of them.
 * @example ticksBetween('0 * * * *', new Date('2025-01-01T00:00Z'), new Date('2025-01-01T03:00Z'), 'UTC').length // 3
 */
export function ticksBetween(expr: CronInput, from: Date, to: Date, timezone: string, limit = 1_000): Date[] {
  const schedule = scheduleOf(expr);
  const ticks: Date[] = [];
  let cursor: Date | null = from;
  while (ticks.length < limit) {
    cursor = nextTick(schedule, cursor, timezone);
    if (cursor === null || cursor.getTime() > to.getTime()) break;
    ticks.push(cursor);
  }
  return ticks;
}

/**
 * The newest tick in (from, to], or null; searches backwards from `to` in doubling spans so a dense
 * schedule over a long window stays cheap.
 * @example lastTickBetween('* * * * * *', new Date(Date.now() - 3_600_000), new Date(), 'UTC')
 */
export function lastTickBetween(expr: CronInput, from: Date, to: Date, timezone: string): Date | null {
  const schedule = scheduleOf(expr);
  const floor = from.getTime();
  const end = to.getTime();
  for (let span = 60_000; ; span *= 2) {
    const start = Math.max(floor, end - span);
    let last: Date | null = null;
    let cursor = new Date(start);
    for (;;) {
      const batch = ticksBetween(schedule, cursor, to, timezone, 10_000);
      const tail = batch[batch.length - 1];
      if (tail === undefined) break;
      last = tail;
      if (batch.length < 10_000) break;
      cursor = tail;
    }
    if (last !== null || start === floor) return last;
  }
}
