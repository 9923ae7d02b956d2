import { describe, expect, it } from 'vitest';
import type { DeadLetterInfo } from '../../shared/core/index.ts';
import { errorFingerprint, normalizeMessage } from './fingerprint.ts';
import { decideRequeue } from './policy.ts';

const info = (over: Partial<DeadLetterInfo> = {}): DeadLetterInfo => ({
  reason: 'retries-exhausted',
  function: 'billing',
  errorClass: 'Error',
  errorMessage: 'down',
  attempts: 5,
  eventId: 'e1',
  sourceTopic: 'orders',
  sourcePartition: 0,
  sourceOffset: '7',
  firstFailureAt: undefined,
  lastFailureAt: undefined,
  ...over,
});
const policy = { maxRequeues: 3, baseDelayMs: 1_000, maxDelayMs: 3_000 };
const now = new Date('2025-01-01T00:00:00Z');

describe('decideRequeue', () => {
  it('schedules transient failures with doubling delays, capped', () => {
    expect(decideRequeue(info(), 0, policy, now)).toEqual({ action: 'schedule', at: new Date(now.getTime() + 1_000) });
    expect(decideRequeue(info(), 1, policy, now)).toEqual({ action: 'schedule', at: new Date(now.getTime() + 2_000) });
    expect(decideRequeue(info(), 2, policy, now)).toEqual({ action: 'schedule', at: new Date(now.getTime() + 3_000) });
  });
  it('stops at the bound', () => {
    expect(decideRequeue(info(), 3, policy, now)).toMatchObject({ action: 'exhausted' });
  });
  it.each(['unparseable', 'schema-invalid', 'oversize', 'non-retriable'] as const)('never re-queues %s', (reason) => {
    expect(decideRequeue(info({ reason }), 0, policy, now)).toMatchObject({ action: 'review' });
  });
  it('holds events without a source topic (cron ticks)', () => {
    expect(decideRequeue(info({ sourceTopic: undefined }), 0, policy, now)).toMatchObject({ action: 'review' });
  });
});

describe('error fingerprints', () => {
  it('normalizes ids, numbers, quoted values and times', () => {
    expect(normalizeMessage('order 42 not found (id "a1b2") at 2025-01-02T03:04:05Z')).toBe(
      'order <n> not found (id <str>) at <time>',
    );
    expect(normalizeMessage('task 3f2a9c1e-1111-2222-3333-444455556666 failed')).toBe('task <uuid> failed');
    expect(normalizeMessage('hash deadbeef12 mismatch')).toBe('hash <hex> mismatch');
  });
  it('is the same for the same kind and differs by function or class', () => {
    const a = errorFingerprint('f', 'Error', normalizeMessage('order 1 failed'));
    expect(errorFingerprint('f', 'Error', normalizeMessage('order 2 failed'))).toBe(a);
    expect(errorFingerprint('g', 'Error', normalizeMessage('order 1 failed'))).not.toBe(a);
    expect(errorFingerprint('f', 'TypeError', normalizeMessage('order 1 failed'))).not.toBe(a);
  });
});
