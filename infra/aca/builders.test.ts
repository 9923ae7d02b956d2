import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cron, defineFunction, kafka, type AnyFunction } from '../../shared/core/index.ts';
import { acaName } from './names.ts';
import { containerResources } from './resources.ts';
import { jobCronExpression } from './schedule.ts';

const cronFn = (schedule: string, timezone = 'UTC'): AnyFunction =>
  defineFunction({ name: 'job', trigger: cron({ schedule, timezone }), handler: () => undefined });
const sized = (deploy: { cpu?: string; memory?: string }): AnyFunction =>
  defineFunction({
    name: 'sized',
    trigger: kafka({ topic: 't', schema: z.unknown() }),
    deploy,
    handler: () => undefined,
  });

describe('jobCronExpression', () => {
  it('keeps UTC schedules, expands macros and keeps both day fields', () => {
    expect(jobCronExpression(cronFn('*/5 9-17 * * MON-FRI'))).toBe('*/5 9-17 * * 1-5');
    expect(jobCronExpression(cronFn('@daily'))).toBe('0 0 * * *');
    expect(jobCronExpression(cronFn('0 9 1 * MON'))).toBe('0 9 1 * 1');
    expect(jobCronExpression(cronFn('0 0 3 * * *'))).toBe('0 3 * * *');
  });

  it('converts fixed-offset zones by whole hours, wrapping only when every day runs', () => {
    expect(jobCronExpression(cronFn('30 9 * * *', 'Asia/Tokyo'))).toBe('30 0 * * *');
    expect(jobCronExpression(cronFn('0 3,12 * * *', 'Asia/Tokyo'))).toBe('0 3,18 * * *');
    expect(() => jobCronExpression(cronFn('0 3 * * MON', 'Asia/Tokyo'))).toThrow(/function "job": .*crosses midnight/);
  });

  it('refuses seconds, DST zones and half-hour offsets, naming the function', () => {
    expect(() => jobCronExpression(cronFn('*/10 * * * * *'))).toThrow(/function "job": .*seconds/);
    expect(() => jobCronExpression(cronFn('0 3 * * *', 'Europe/Paris'))).toThrow(
      /function "job": .*Europe\/Paris.*DST/,
    );
    expect(() => jobCronExpression(cronFn('0 3 * * *', 'Asia/Kolkata'))).toThrow(
      /function "job": .*whole number of hours/,
    );
  });
});

describe('containerResources', () => {
  it('rounds deploy hints up to an allowed Container Apps size', () => {
    expect(containerResources(sized({}))).toEqual({ cpu: 0.25, memory: '0.5Gi' });
    expect(containerResources(sized({ cpu: '300m', memory: '256Mi' }))).toEqual({ cpu: 0.5, memory: '1Gi' });
    expect(containerResources(sized({ cpu: '0.25', memory: '3Gi' }))).toEqual({ cpu: 1.5, memory: '3Gi' });
  });

  it('rejects unreadable or too large hints, naming the function', () => {
    expect(() => containerResources(sized({ cpu: 'lots' }))).toThrow(/function "sized": deploy.cpu "lots"/);
    expect(() => containerResources(sized({ memory: '1TB' }))).toThrow(/function "sized": deploy.memory "1TB"/);
    expect(() => containerResources(sized({ cpu: '8' }))).toThrow(/function "sized": .*at most 4 cores/);
  });
});

describe('acaName', () => {
  it('refuses names Container Apps cannot take', () => {
    const long = defineFunction({
      name: 'a-very-long-function-name-for-aca-x',
      trigger: cron({ schedule: '* * * * *' }),
      handler: () => undefined,
    });
    expect(() => acaName(long)).toThrow(/function "a-very-long-function-name-for-aca-x": .*32 characters/);
  });
});
