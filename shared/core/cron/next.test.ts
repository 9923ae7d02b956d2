import { describe, expect, it } from 'vitest';
import { lastTickBetween, nextTick, ticksBetween } from './next.ts';
import { parseCron } from './parse.ts';

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;
const next = (expr: string, after: string, tz = 'UTC'): string | null => iso(nextTick(expr, new Date(after), tz));
const list = (expr: string, from: string, to: string, tz = 'UTC', limit = 1_000): string[] =>
  ticksBetween(expr, new Date(from), new Date(to), tz, limit).map((d) => d.toISOString());

describe('nextTick in UTC', () => {
  it.each([
    ['*/5 * * * *', '2025-01-01T00:02:10Z', '2025-01-01T00:05:00.000Z'],
    ['*/5 * * * *', '2025-01-01T00:05:00Z', '2025-01-01T00:10:00.000Z'],
    ['0 3 * * *', '2025-01-01T03:00:00Z', '2025-01-02T03:00:00.000Z'],
    ['0 3 * * *', '2025-12-31T04:00:00Z', '2026-01-01T03:00:00.000Z'],
    ['* * * * * *', '2025-01-01T00:00:00.400Z', '2025-01-01T00:00:01.000Z'],
    ['15,45 * * * * *', '2025-01-01T00:00:50Z', '2025-01-01T00:01:15.000Z'],
    ['0 0 31 * *', '2025-04-01T00:00:00Z', '2025-05-31T00:00:00.000Z'],
    ['0 0 1 */3 *', '2025-02-10T00:00:00Z', '2025-04-01T00:00:00.000Z'],
    ['0 9 * * MON-FRI', '2025-01-03T10:00:00Z', '2025-01-06T09:00:00.000Z'],
    ['0 0 * * 7', '2025-01-01T00:00:00Z', '2025-01-05T00:00:00.000Z'],
    ['@yearly', '2025-06-01T00:00:00Z', '2026-01-01T00:00:00.000Z'],
    ['@monthly', '2025-01-31T12:00:00Z', '2025-02-01T00:00:00.000Z'],
    ['@weekly', '2025-01-01T00:00:00Z', '2025-01-05T00:00:00.000Z'],
    ['@hourly', '2025-01-01T23:59:59Z', '2025-01-02T00:00:00.000Z'],
    ['59 23 31 12 *', '2025-01-01T00:00:00Z', '2025-12-31T23:59:00.000Z'],
  ])('%s after %s', (expr, after, expected) => {
    expect(next(expr, after)).toBe(expected);
  });

  it('runs Feb 29 only in leap years, skipping 2100', () => {
    expect(list('0 0 29 2 *', '2023-01-01T00:00:00Z', '2033-01-01T00:00:00Z')).toEqual([
      '2024-02-29T00:00:00.000Z',
      '2028-02-29T00:00:00.000Z',
      '2032-02-29T00:00:00.000Z',
    ]);
    expect(next('0 0 29 2 *', '2096-03-01T00:00:00Z')).toBe('2104-02-29T00:00:00.000Z');
    expect(next('0 12 29 2 *', '2025-01-01T00:00:00Z', 'Europe/Paris')).toBe('2028-02-29T11:00:00.000Z');
  });

  it('ORs the day fields when both are restricted and ANDs them otherwise', () => {
    // January 2026: Fridays are the 2nd, 9th, 16th, 23rd, 30th.
    expect(list('0 0 13 * FRI', '2026-01-01T00:00:00Z', '2026-01-31T00:00:00Z').map((d) => d.slice(8, 10))).toEqual([
      '02',
      '09',
      '13',
      '16',
      '23',
      '30',
    ]);
    // `*/2` starts with `*`, so both must match: odd days that are Fridays.
    expect(list('0 0 */2 * FRI', '2026-01-01T00:00:00Z', '2026-01-31T00:00:00Z').map((d) => d.slice(8, 10))).toEqual([
      '09',
      '23',
    ]);
  });
});

describe('nextTick across DST in Europe/Paris (2025: +01 to +02 on Mar 30 at 01:00Z, back on Oct 26 at 01:00Z)', () => {
  const paris = 'Europe/Paris';

  it('runs a fixed time in the spring-forward gap once, at the change', () => {
    expect(list('30 2 * * *', '2025-03-28T12:00:00Z', '2025-04-01T12:00:00Z', paris)).toEqual([
      '2025-03-29T01:30:00.000Z',
      '2025-03-30T01:00:00.000Z',
      '2025-03-31T00:30:00.000Z',
      '2025-04-01T00:30:00.000Z',
    ]);
    // Several fixed gap times collapse into one run, and 03:00 CEST itself is the same instant.
    expect(list('0,15,30 2,3 30 3 *', '2025-03-30T00:00:00Z', '2025-03-30T03:00:00Z', paris)).toEqual([
      '2025-03-30T01:00:00.000Z',
      '2025-03-30T01:15:00.000Z',
      '2025-03-30T01:30:00.000Z',
    ]);
  });

  it('skips non-existent times of an interval schedule and keeps real-time spacing', () => {
    expect(list('*/30 * * * *', '2025-03-30T00:00:00Z', '2025-03-30T02:00:00Z', paris)).toEqual([
      '2025-03-30T00:30:00.000Z',
      '2025-03-30T01:00:00.000Z',
      '2025-03-30T01:30:00.000Z',
      '2025-03-30T02:00:00.000Z',
    ]);
    expect(list('* * * * *', '2025-03-30T00:00:00Z', '2025-03-30T02:00:00Z', paris, 10_000)).toHaveLength(120);
  });

  it('runs a fixed time in the repeated fall-back hour once, at its first occurrence', () => {
    expect(list('30 2 * * *', '2025-10-25T12:00:00Z', '2025-10-27T12:00:00Z', paris)).toEqual([
      '2025-10-26T00:30:00.000Z',
      '2025-10-27T01:30:00.000Z',
    ]);
    // Asked during the second pass of 02:xx, the next run is the next day.
    expect(next('30 2 * * *', '2025-10-26T01:10:00Z', paris)).toBe('2025-10-27T01:30:00.000Z');
    expect(next('0 3 * * *', '2025-10-26T01:10:00Z', paris)).toBe('2025-10-26T02:00:00.000Z');
  });

  it('runs an interval schedule in both passes of the repeated hour (every real hour)', () => {
    expect(list('0 * * * *', '2025-10-25T22:30:00Z', '2025-10-26T03:00:00Z', paris)).toEqual([
      '2025-10-25T23:00:00.000Z',
      '2025-10-26T00:00:00.000Z',
      '2025-10-26T01:00:00.000Z',
      '2025-10-26T02:00:00.000Z',
      '2025-10-26T03:00:00.000Z',
    ]);
    expect(list('* * * * *', '2025-10-26T00:00:00Z', '2025-10-26T02:00:00Z', paris, 10_000)).toHaveLength(120);
  });

  it('counts one daily run per calendar day over a year with two changes', () => {
    expect(list('0 2 * * *', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', paris)).toHaveLength(365);
    expect(list('30 2 * * *', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', paris)).toHaveLength(365);
  });
});

describe('nextTick in America/New_York (2025: EST to EDT Mar 9 at 07:00Z, back Nov 2 at 06:00Z)', () => {
  const ny = 'America/New_York';

  it('handles both changes', () => {
    expect(next('30 2 * * *', '2025-03-09T05:00:00Z', ny)).toBe('2025-03-09T07:00:00.000Z');
    expect(next('30 2 * * *', '2025-03-09T07:00:00Z', ny)).toBe('2025-03-10T06:30:00.000Z');
    expect(list('30 1 * * *', '2025-11-01T12:00:00Z', '2025-11-03T12:00:00Z', ny)).toEqual([
      '2025-11-02T05:30:00.000Z',
      '2025-11-03T06:30:00.000Z',
    ]);
    expect(next('0 9 * * MON-FRI', '2025-01-03T15:00:00Z', ny)).toBe('2025-01-06T14:00:00.000Z');
    expect(next('0 9 * * MON-FRI', '2025-07-03T15:00:00Z', ny)).toBe('2025-07-04T13:00:00.000Z');
  });
});

describe('nextTick in Asia/Kolkata (+05:30, no DST)', () => {
  const kolkata = 'Asia/Kolkata';

  it('applies the half-hour offset', () => {
    expect(next('0 9 * * *', '2025-01-01T00:00:00Z', kolkata)).toBe('2025-01-01T03:30:00.000Z');
    expect(next('0 0 * * *', '2025-01-01T00:00:00Z', kolkata)).toBe('2025-01-01T18:30:00.000Z');
    expect(next('0 0 1 1 *', '2025-06-01T00:00:00Z', kolkata)).toBe('2025-12-31T18:30:00.000Z');
    expect(list('0 * * * *', '2025-01-01T00:00:00Z', '2025-01-01T02:00:00Z', kolkata)).toEqual([
      '2025-01-01T00:30:00.000Z',
      '2025-01-01T01:30:00.000Z',
    ]);
  });
});

describe('ticksBetween and lastTickBetween', () => {
  it('excludes `from`, includes `to` and stops at `limit`', () => {
    expect(list('0 * * * *', '2025-01-01T00:00:00Z', '2025-01-01T03:00:00Z')).toEqual([
      '2025-01-01T01:00:00.000Z',
      '2025-01-01T02:00:00.000Z',
      '2025-01-01T03:00:00.000Z',
    ]);
    expect(list('* * * * * *', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'UTC', 3)).toHaveLength(3);
    expect(list('0 0 29 2 *', '2025-01-01T00:00:00Z', '2027-01-01T00:00:00Z')).toEqual([]);
  });

  it('finds the newest tick of a dense or sparse schedule', () => {
    const to = new Date('2025-06-01T12:00:00.500Z');
    expect(iso(lastTickBetween('* * * * * *', new Date('2025-06-01T00:00:00Z'), to, 'UTC'))).toBe(
      '2025-06-01T12:00:00.000Z',
    );
    expect(iso(lastTickBetween('0 3 * * *', new Date('2025-05-01T00:00:00Z'), to, 'UTC'))).toBe(
      '2025-06-01T03:00:00.000Z',
    );
    expect(lastTickBetween('0 3 * * *', new Date('2025-06-01T04:00:00Z'), to, 'UTC')).toBeNull();
  });
});

describe('nextTick matches a minute-by-minute scan of the wall clock for interval schedules', () => {
  // Interval schedules follow the wall clock, so a brute-force scan over real instants is an oracle.
  const random = seeded(42);
  const pick = (n: number): number => Math.floor(random() * n);
  const field = (max: number, base: number): string => {
    const kinds = [
      () => '*',
      () => `*/${1 + pick(max)}`,
      () => `${base + pick(max)}`,
      () => `${base + pick(max)},${base + pick(max)}`,
      () => {
        const a = base + pick(max);
        return `${a}-${a + pick(base + max - a)}`;
      },
    ];
    return kinds[pick(kinds.length)]!();
  };
  const expressions = Array.from(
    { length: 30 },
    () => `*/${1 + pick(20)} ${field(24, 0)} ${field(28, 1)} * ${field(7, 0)}`,
  );

  it.each(['Asia/Kolkata', 'America/New_York', 'Europe/Paris'])('in %s around a DST change', (tz) => {
    const from = new Date('2025-10-24T00:00:00Z');
    const to = new Date('2025-11-04T00:00:00Z');
    const wall = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const minutes: { t: number; day: number; weekday: number; hour: number; minute: number }[] = [];
    for (let t = from.getTime() + 60_000; t <= to.getTime(); t += 60_000) {
      const parts = Object.fromEntries(wall.formatToParts(t).map((p) => [p.type, p.value]));
      const [day, hour, minute] = [parts['day'], parts['hour'], parts['minute']].map(Number);
      minutes.push({ t, day: day!, weekday: days.indexOf(parts['weekday'] ?? ''), hour: hour!, minute: minute! });
    }
    for (const expr of expressions) {
      const s = parseCron(expr);
      const expected = minutes
        .filter((m) => {
          const dom = s.daysOfMonth.includes(m.day);
          const dow = s.daysOfWeek.includes(m.weekday);
          const dayOk = s.dayOr ? dom || dow : dom && dow;
          return dayOk && s.hours.includes(m.hour) && s.minutes.includes(m.minute);
        })
        .map((m) => new Date(m.t).toISOString());
      expect(
        ticksBetween(s, from, to, tz, 100_000).map((d) => d.toISOString()),
        expr,
      ).toEqual(expected);
    }
  });
});

function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}
