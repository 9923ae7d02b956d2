import { describe, expect, it } from 'vitest';
import { hashSessionId } from './session-hash.ts';

describe('hashSessionId', () => {
  it('is stable, 16 hex digits and does not contain the id', () => {
    const id = 'session-with-SECRET-marker';
    const hashed = hashSessionId(id);
    expect(hashed).toMatch(/^[0-9a-f]{16}$/);
    expect(hashSessionId(id)).toBe(hashed);
    expect(hashed).not.toContain('SECRET');
    expect(hashSessionId('another-session')).not.toBe(hashed);
  });
});
