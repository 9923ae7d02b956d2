import { describe, expect, it } from 'vitest';
import { decodeJson, encodeJson } from './json-codec.ts';

describe('encodeJson / decodeJson', () => {
  it('round-trips JSON values, keeping numeric-looking strings strings', () => {
    for (const value of ['42', 42, 'héllo ✓', { a: [1, null, true] }, null, false]) {
      expect(decodeJson(encodeJson(value))).toEqual(value);
    }
    expect(decodeJson(encodeJson('42'))).toBe('42');
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => encodeJson(undefined)).toThrow(/must be JSON-serializable, got undefined/);
    expect(() => encodeJson(10n)).toThrow(/must be JSON-serializable/);
  });

  it('returns missing as null and foreign non-JSON text as is', () => {
    expect(decodeJson(null)).toBeNull();
    expect(decodeJson('plain text')).toBe('plain text');
  });
});
