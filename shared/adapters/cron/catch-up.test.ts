import { describe, expect, it } from 'vitest';
import { parseCron } from '../../core/cron/parse.ts';
import { planCatchUp } from './catch-up.ts';

const everyMinute = parseCron('* * * * *');
const now = new Date('2025-06-01T12:00:30Z');
const hour = 3_600_000;
const plan = (policy: 'skip' | 'latest' | 'all', latest: Date | null, limit = 1_000) =>
  planCatchUp(everyMinute, 'UTC', { policy, windowMs: hour, latest, now, limit });
const iso = (dates: Date[]): string[] => dates.map((d) => d.toISOString());

describe('planCatchUp', () => {
  const latest = new Date('2025-06-01T11:55:00Z');

  it('skip runs nothing', () => {
    expect(plan('skip', latest)).toEqual({ ticks: [], dropped: false });
  });

  it('latest runs only the newest missed tick', () => {
    expect(iso(plan('latest', latest).ticks)).toEqual(['2025-06-01T12:00:00.000Z']);
  });

  it('all runs every tick after the newest recorded one, oldest first', () => {
    expect(iso(plan('all', latest).ticks)).toEqual([
      '2025-06-01T11:56:00.000Z',
      '2025-06-01T11:57:00.000Z',
      '2025-06-01T11:58:00.000Z',
      '2025-06-01T11:59:00.000Z',
      '2025-06-01T12:00:00.000Z',
    ]);
  });

  it('starts at the window when nothing (or something too old) was recorded', () => {
    expect(plan('all', null).ticks).toHaveLength(60);
    expect(plan('all', new Date('2025-05-01T00:00:00Z')).ticks[0]?.toISOString()).toBe('2025-06-01T11:01:00.000Z');
  });

  it('bounds "all" and says so', () => {
    const bounded = plan('all', null, 10);
    expect(bounded.dropped).toBe(true);
    expect(iso(bounded.ticks).slice(0, 2)).toEqual(['2025-06-01T11:01:00.000Z', '2025-06-01T11:02:00.000Z']);
    expect(bounded.ticks).toHaveLength(10);
  });

  it('finds nothing when the newest recorded tick is the newest due one', () => {
    expect(plan('latest', new Date('2025-06-01T12:00:00Z')).ticks).toEqual([]);
    expect(plan('all', new Date('2025-06-01T12:00:00Z')).ticks).toEqual([]);
  });
});
