import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';

function clock(start = 1_000) {
  const state = { now: start };
  return { now: () => state.now, advance: (ms: number) => void (state.now += ms) };
}

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures and refuses calls while open', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 3, coolDownMs: 10_000, now: time.now });
    for (let i = 0; i < 2; i += 1) {
      expect(breaker.tryAcquire()).toBe(true);
      breaker.recordFailure();
    }
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.remainingCoolDownMs).toBe(10_000);
    time.advance(4_000);
    expect(breaker.remainingCoolDownMs).toBe(6_000);
  });

  it('a success resets the consecutive failure count', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, now: clock().now });
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
  });

  it('half-opens after the cool-down and lets exactly one probe through', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 5_000, now: time.now });
    breaker.recordFailure();
    time.advance(5_000);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('a failed probe re-opens for a fresh cool-down', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 5_000, now: time.now });
    breaker.recordFailure();
    time.advance(6_000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.remainingCoolDownMs).toBe(5_000);
    time.advance(5_000);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('release() gives the probe back without a verdict', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 100, now: time.now });
    breaker.recordFailure();
    time.advance(100);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.release();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('late failures of calls started before opening do not extend the cool-down', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 1_000, now: time.now });
    breaker.recordFailure();
    time.advance(600);
    breaker.recordFailure();
    expect(breaker.remainingCoolDownMs).toBe(400);
  });

  it('rejects a bad threshold with a clear error', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(/failureThreshold must be an integer >= 1/);
  });
});
