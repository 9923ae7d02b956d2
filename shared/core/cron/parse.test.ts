import { describe, expect, it } from 'vitest';
import { cron } from '../triggers.ts';
import { CronParseError, parseCron } from './parse.ts';

describe('parseCron', () => {
  it('parses the five standard fields with a zero second', () => {
    const s = parseCron('5 4 * * *');
    expect(s).toMatchObject({ fieldCount: 5, seconds: [0], minutes: [5], hours: [4], months: range(1, 12) });
    expect(s.daysOfMonth).toEqual(range(1, 31));
    expect(s.daysOfWeek).toEqual(range(0, 6));
  });

  it('parses a leading seconds field', () => {
    const s = parseCron('*/20 0 12 * * *');
    expect(s.fieldCount).toBe(6);
    expect(s.seconds).toEqual([0, 20, 40]);
  });

  it.each([
    ['1,2,3', [1, 2, 3]],
    ['10-15', [10, 11, 12, 13, 14, 15]],
    ['*/15', [0, 15, 30, 45]],
    ['1-10/3', [1, 4, 7, 10]],
    ['50/4', [50, 54, 58]],
    ['5,1-3,*/30', [0, 1, 2, 3, 5, 30]],
    ['7,7,7', [7]],
  ])('minute field %s', (field, expected) => {
    expect(parseCron(`${field} * * * *`).minutes).toEqual(expected);
  });

  it('accepts month and weekday names in any case, in lists and ranges', () => {
    const s = parseCron('0 0 * jan,Mar-MAY mon-FRI');
    expect(s.months).toEqual([1, 3, 4, 5]);
    expect(s.daysOfWeek).toEqual([1, 2, 3, 4, 5]);
  });

  it('treats 0 and 7 as Sunday', () => {
    expect(parseCron('0 0 * * 7').daysOfWeek).toEqual([0]);
    expect(parseCron('0 0 * * 5-7').daysOfWeek).toEqual([0, 5, 6]);
    expect(parseCron('0 0 * * 0-7').daysOfWeek).toEqual(range(0, 6));
  });

  it('uses OR for the day fields only when both are restricted (Vixie cron)', () => {
    expect(parseCron('0 0 1,15 * 5').dayOr).toBe(true);
    expect(parseCron('0 0 1,15 * *').dayOr).toBe(false);
    expect(parseCron('0 0 * * MON').dayOr).toBe(false);
    expect(parseCron('0 0 */2 * MON').dayOr).toBe(false);
    expect(parseCron('0 0 ? * MON').dayOr).toBe(false);
  });

  it('marks interval schedules (second, minute or hour starting with *)', () => {
    expect(parseCron('30 2 * * *').interval).toBe(false);
    expect(parseCron('0 * * * *').interval).toBe(true);
    expect(parseCron('*/5 3 * * *').interval).toBe(true);
    expect(parseCron('* 0 3 * * *').interval).toBe(true);
    expect(parseCron('0 0 3 * * *').interval).toBe(false);
  });

  it.each([
    ['@yearly', '0 0 1 1 *'],
    ['@annually', '0 0 1 1 *'],
    ['@monthly', '0 0 1 * *'],
    ['@weekly', '0 0 * * 0'],
    ['@daily', '0 0 * * *'],
    ['@midnight', '0 0 * * *'],
    ['@HOURLY', '0 * * * *'],
  ])('expands %s like %s', (macro, expanded) => {
    const a = { ...parseCron(macro), source: '' };
    const b = { ...parseCron(expanded), source: '' };
    expect(a).toEqual(b);
  });

  it.each([
    ['61 * * * *', 'cron "61 * * * *": minute field "61" is out of range 0-59'],
    ['1,61 * * * *', 'cron "1,61 * * * *": minute field "1,61": "61" is out of range 0-59'],
    ['0 24 * * *', 'cron "0 24 * * *": hour field "24" is out of range 0-23'],
    ['0 0 0 * *', 'cron "0 0 0 * *": day-of-month field "0" is out of range 1-31'],
    ['0 0 * 13 *', 'cron "0 0 * 13 *": month field "13" is out of range 1-12'],
    ['0 0 * * 8', 'cron "0 0 * * 8": day-of-week field "8" is out of range 0-7'],
    ['60 * * * * *', 'cron "60 * * * * *": second field "60" is out of range 0-59'],
    ['*/0 * * * *', 'cron "*/0 * * * *": minute field "*/0" has a step of 0'],
    ['*/x * * * *', 'cron "*/x * * * *": minute field "*/x" has step "x", which is not a positive integer'],
    ['5-1 * * * *', 'cron "5-1 * * * *": minute field "5-1" is a backwards range (5 > 1)'],
    ['1,,2 * * * *', 'cron "1,,2 * * * *": minute field "1,,2": "" has an empty list element'],
    ['x * * * *', 'cron "x * * * *": minute field "x" is not a number'],
    ['0 0 * JUNE *', 'cron "0 0 * JUNE *": month field "JUNE" is not a number or name (JAN-DEC)'],
    ['0 0 * * FRI#2', 'cron "0 0 * * FRI#2": day-of-week field "FRI#2" is not a number or name (SUN-SAT)'],
    ['0 0 L * *', 'cron "0 0 L * *": day-of-month field "L" is not a number'],
    ['? * * * *', 'cron "? * * * *": minute field "?" uses "?", which only day-of-month and day-of-week accept'],
    [
      '* * *',
      'cron "* * *": expected 5 fields (minute hour day-of-month month day-of-week) or 6 (with leading seconds), got 3',
    ],
    [
      '* * * * * * *',
      'cron "* * * * * * *": expected 5 fields (minute hour day-of-month month day-of-week) or 6 (with leading seconds), got 7',
    ],
    ['   ', 'cron "": is empty; expected 5 fields, e.g. "0 3 * * *"'],
    ['@every 5m', 'cron "@every 5m": "@every" is not supported (use @yearly, @monthly, @weekly, @daily or @hourly)'],
    ['@reboot', 'cron "@reboot": "@reboot" is not supported (use @yearly, @monthly, @weekly, @daily or @hourly)'],
    ['0 0 30 2 *', 'cron "0 0 30 2 *": day-of-month "30" never occurs in month "2", so it would never run'],
    [
      '0 0 31 APR,JUN *',
      'cron "0 0 31 APR,JUN *": day-of-month "31" never occurs in month "APR,JUN", so it would never run',
    ],
  ])('rejects %j', (expression, message) => {
    expect(() => parseCron(expression)).toThrow(
      new CronParseError(expression.trim(), message.replace(/^cron "[^"]*": /, '')),
    );
    expect(() => parseCron(expression)).toThrow(message);
  });

  it('accepts Feb 29 and the 31st when some month has it', () => {
    expect(parseCron('0 0 29 2 *').daysOfMonth).toEqual([29]);
    expect(parseCron('0 0 31 APR,MAY *').months).toEqual([4, 5]);
    // With both day fields restricted the weekday alone can fire, so "30 Feb or Monday" is valid.
    expect(parseCron('0 0 30 2 MON').dayOr).toBe(true);
  });
});

describe('cron() trigger', () => {
  it('validates the schedule eagerly and keeps it trimmed', () => {
    expect(cron({ schedule: ' 0 3 * * * ' }).schedule).toBe('0 3 * * *');
    expect(() => cron({ schedule: '61 * * * *' })).toThrow('cron "61 * * * *": minute field "61" is out of range 0-59');
    expect(() => cron({ schedule: '0 3 * * *', timezone: 'Mars/Olympus' })).toThrow('is not an IANA time zone');
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
