import { describe, expect, it } from 'vitest';
import { toNcrontab } from './ncrontab.ts';

describe('toNcrontab', () => {
  it.each([
    ['* * * * *', '0 * * * * *'],
    ['*/5 9-17 * * MON-FRI', '0 */5 9-17 * * 1-5'],
    ['*/10 * * * * *', '*/10 * * * * *'],
    ['30 2 1,15 * *', '0 30 2 1,15 * *'],
    ['0 0 * JAN,JUL SUN', '0 0 0 * 1,7 0'],
    ['0 0 * * 7', '0 0 0 * * 0'],
    ['0 0 * * 5-7', '0 0 0 * * 0,5,6'],
    ['1-10/3 * * * *', '0 1-10/3 * * * *'],
    ['0 0 */2 * MON', '0 0 0 */2 * 1'],
    ['0 0 1,2,3,7,9,10,11 * *', '0 0 0 1-3,7,9-11 * *'],
    ['@daily', '0 0 0 * * *'],
    ['@weekly', '0 0 0 * * 0'],
    ['@yearly', '0 0 0 1 1 *'],
  ])('%s -> %s', (expr, expected) => {
    expect(toNcrontab(expr)).toBe(expected);
  });

  it('refuses both day fields restricted, which NCRONTAB would AND instead of OR', () => {
    expect(() => toNcrontab('0 0 13 * FRI')).toThrow(
      /cron "0 0 13 \* FRI": restricts both day-of-month and day-of-week/,
    );
  });

  it('passes parse errors through', () => {
    expect(() => toNcrontab('61 * * * *')).toThrow('cron "61 * * * *": minute field "61" is out of range 0-59');
  });
});
