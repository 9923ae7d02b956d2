// Property-based: the cron parser never crashes; an expression is parsed into in-range fields or refused
// with a CronParseError that quotes it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CronParseError, parseCron } from './parse.ts';

const RUNS = 5_000;
const token = fc.oneof(
  fc.constantFrom('*', '?', 'L', 'W', '#', 'MON-FRI', 'JAN', 'SUN', '@daily', '@hourly', '@reboot', '/', '-', ','),
  fc.integer({ min: -5, max: 100 }).map(String),
  fc
    .tuple(fc.integer({ min: -2, max: 70 }), fc.constantFrom('-', '/', ','), fc.integer({ min: -2, max: 70 }))
    .map(([a, op, b]) => `${a}${op}${b}`),
  fc.string({ maxLength: 4 }),
);
const expression = fc.oneof(
  fc.array(token, { minLength: 0, maxLength: 7 }).map((t) => t.join(' ')),
  fc.string({ maxLength: 30 }),
);

describe('parseCron, fuzzed', () => {
  it(`any expression is parsed into in-range fields or refused with a CronParseError (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(expression, (text) => {
        try {
          const schedule = parseCron(text);
          for (const minute of schedule.minutes) expect(minute >= 0 && minute <= 59).toBe(true);
          for (const hour of schedule.hours) expect(hour >= 0 && hour <= 23).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(CronParseError);
          expect((error as Error).message.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
