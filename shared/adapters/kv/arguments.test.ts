import { describe, expect, it } from 'vitest';
import { checkInteger, checkKey, checkPositiveInteger, checkTtlMs } from './arguments.ts';

describe('argument checks', () => {
  it('pass valid values through', () => {
    expect(checkTtlMs(1000, 'set')).toBe(1000);
    expect(checkInteger(-3, 'incrBy', 'by')).toBe(-3);
    expect(checkPositiveInteger(5, 'listPush', 'maxLength')).toBe(5);
    expect(checkKey('k', 'get')).toBe('k');
  });

  it('name the method and argument that is wrong', () => {
    expect(() => checkTtlMs(0, 'set')).toThrow('KvStore.set: ttlMs must be a positive integer of milliseconds, got 0');
    expect(() => checkTtlMs(1.5, 'expire')).toThrow(/KvStore.expire: ttlMs/);
    expect(() => checkInteger(0.5, 'incrBy', 'by')).toThrow('KvStore.incrBy: by must be a safe integer, got 0.5');
    expect(() => checkPositiveInteger(0, 'listPush', 'maxLength')).toThrow(/maxLength must be a positive integer/);
    expect(() => checkKey('', 'get')).toThrow(/KvStore.get: key must be a non-empty string/);
  });
});
