import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.ts';

describe('parseRetryAfter', () => {
  it('reads delta seconds', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '1' }))).toBe(1_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': ' 2.5 ' }))).toBe(2_500);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0' }))).toBe(0);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 21 Oct 2015 07:28:03 GMT' }), now)).toBe(3_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 21 Oct 2015 07:27:00 GMT' }), now)).toBe(0);
  });

  it('prefers retry-after-ms when present', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '150', 'retry-after': '1' }))).toBe(150);
  });

  it('ignores missing or garbage values', () => {
    expect(parseRetryAfter(new Headers())).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': 'x', 'retry-after': '3' }))).toBe(3_000);
  });
});
