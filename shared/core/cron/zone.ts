/**
 * Time-zone offsets and DST transitions from Intl alone (no tz database dependency). Transitions of a
 * UTC year are found once by sampling the offset daily and bisecting to the second, then cached, so
 * tick computation needs no Intl call per tick.
 */

/** A change of UTC offset: instants from `at` on use `after`; `before` applied until then. */
export interface Transition {
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

interface YearInfo {
  /** Offset at the first instant of the year. */
  readonly startOffset: number;
  /** Transitions with at in (year start, next year start], sorted. */
  readonly transitions: readonly Transition[];
}

const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const years = new Map<string, YearInfo>();

/**
 * Throws a TypeError unless `timezone` is an IANA time zone Intl knows.
 * @example assertTimeZone('Europe/Paris')
 */
export function assertTimeZone(timezone: string): void {
  formatter(timezone);
}

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        era: 'short',
      });
    } catch {
      throw new TypeError(`timezone "${timezone}" is not an IANA time zone (e.g. "Europe/Paris")`);
    }
    formatters.set(timezone, f);
  }
  return f;
}

/** UTC offset in ms at instant `ms`, asking Intl (slow path; used to build the cache). */
function intlOffset(timezone: string, ms: number): number {
  const second = Math.floor(ms / 1000) * 1000;
  const fields: Record<string, number> = {};
  let bc = false;
  for (const part of formatter(timezone).formatToParts(second)) {
    if (part.type === 'era') bc = part.value.startsWith('B');
    else if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = bc ? 1 - (fields['year'] ?? 0) : (fields['year'] ?? 0);
  const date = new Date(0);
  date.setUTCFullYear(year, (fields['month'] ?? 1) - 1, fields['day'] ?? 1);
  date.setUTCHours(fields['hour'] ?? 0, fields['minute'] ?? 0, fields['second'] ?? 0, 0);
  return date.getTime() - second;
}

function yearInfo(timezone: string, year: number): YearInfo {
  const key = `${timezone}\u0000${year}`;
  let info = years.get(key);
  if (info) return info;
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const transitions: Transition[] = [];
  const startOffset = intlOffset(timezone, start);
  let previous = startOffset;
  for (let a = start; a < end; a += DAY) {
    const b = Math.min(a + DAY, end);
    const offset = intlOffset(timezone, b);
    if (offset !== previous) transitions.push(bisect(timezone, a, b, previous, offset));
    previous = offset;
  }
  info = { startOffset, transitions };
  years.set(key, info);
  return info;
}

/** Finds the first second in (a, b] whose offset differs from `before` (one transition per day assumed). */
function bisect(timezone: string, a: number, b: number, before: number, after: number): Transition {
  let lo = a;
  let hi = b;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (intlOffset(timezone, mid) === before) lo = mid;
    else hi = mid;
  }
  return { at: hi, before, after };
}

/**
 * The UTC offset (ms, local minus UTC) of `timezone` at instant `ms`.
 * @example offsetAt('Asia/Kolkata', Date.now()) // 19_800_000
 */
export function offsetAt(timezone: string, ms: number): number {
  const info = yearInfo(timezone, new Date(ms).getUTCFullYear());
  let offset = info.startOffset;
  for (const t of info.transitions) {
    if (t.at > ms) break;
    offset = t.after;
  }
  return offset;
}

/**
 * The first transition strictly after `ms` and no later than `limit`, or undefined.
 * @example nextTransition('Europe/Paris', Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1))?.at
 */
export function nextTransition(timezone: string, ms: number, limit: number): Transition | undefined {
  for (let year = new Date(ms).getUTCFullYear(); Date.UTC(year, 0, 1) <= limit; year += 1) {
    for (const t of yearInfo(timezone, year).transitions) {
      if (t.at > limit) return undefined;
      if (t.at > ms) return t;
    }
  }
  return undefined;
}

/**
 * The last transition at or before `ms` and after `ms - lookback`, or undefined.
 * @example previousTransition('Europe/Paris', Date.now(), 86_400_000)
 */
export function previousTransition(timezone: string, ms: number, lookback: number): Transition | undefined {
  for (let year = new Date(ms).getUTCFullYear(); Date.UTC(year + 1, 0, 1) > ms - lookback; year -= 1) {
    const list = yearInfo(timezone, year).transitions;
    for (let i = list.length - 1; i >= 0; i -= 1) {
      const t = list[i];
      if (t === undefined || t.at > ms) continue;
      return t.at > ms - lookback ? t : undefined;
    }
  }
  return undefined;
}
