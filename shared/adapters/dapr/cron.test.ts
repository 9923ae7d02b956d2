import { describe, expect, it } from 'vitest';
import { cron, defineFunction, eventIdOf } from '../../core/index.ts';
import { cronTickEnvelope, daprCronSchedule } from './cron.ts';

describe('daprCronSchedule', () => {
  it('adds the seconds field and the time zone robfig/cron reads', () => {
    expect(daprCronSchedule(cron({ schedule: '*/5 9-17 * * MON-FRI', timezone: 'Europe/Paris' }))).toBe(
      'CRON_TZ=Europe/Paris 0 */5 9-17 * * 1-5',
    );
    expect(daprCronSchedule(cron({ schedule: '*/10 * * * * *' }))).toBe('CRON_TZ=UTC */10 * * * * *');
  });

  it("keeps cron's either-day rule when both day fields are restricted", () => {
    expect(daprCronSchedule(cron({ schedule: '0 3 13 * 5' }))).toBe('CRON_TZ=UTC 0 0 3 13 * 5');
  });
});

describe('cronTickEnvelope', () => {
  const fn = defineFunction({ name: 'digest', trigger: cron({ schedule: '*/5 * * * *' }), handler: () => undefined });

  it('stands for the newest tick at or before the POST, so a late or repeated POST dedupes', () => {
    const first = cronTickEnvelope(fn, new Date('2025-01-01T03:05:00.030Z'));
    const later = cronTickEnvelope(fn, new Date('2025-01-01T03:07:59.000Z'));
    expect(first.source).toEqual({ kind: 'cron', scheduledAt: new Date('2025-01-01T03:05:00.000Z') });
    expect(eventIdOf(later)).toBe(eventIdOf(first));
    expect(eventIdOf(first)).toBe('cron@2025-01-01T03:05:00.000Z');
  });

  it('rejects a function that is not cron-triggered', () => {
    const notCron = { ...fn, trigger: { kind: 'http' } } as unknown as typeof fn;
    expect(() => cronTickEnvelope(notCron, new Date())).toThrow(/not cron-triggered/);
  });
});
