import { describe, expect, it } from 'vitest';
import { keyForFields, matchKeyOf } from './match.ts';

describe('wait match keys', () => {
  it('an event matches when its fields at the sorted paths hold the same values', () => {
    const { key, fields } = matchKeyOf('w', { taskId: 't1', 'data.kind': 'approval' });
    expect(fields).toBe('data.kind,taskId');
    expect(keyForFields(fields, { taskId: 't1', data: { kind: 'approval' }, other: 1 })).toBe(key);
    expect(keyForFields(fields, { taskId: 't2', data: { kind: 'approval' } })).not.toBe(key);
    expect(keyForFields(fields, { taskId: 't1' })).toBeUndefined();
    expect(keyForFields(fields, { taskId: { nested: true }, data: { kind: 'approval' } })).toBeUndefined();
  });

  it('refuses matches that could never be looked up, naming the problem', () => {
    expect(() => matchKeyOf('w', {})).toThrow(/match must name at least one field/);
    expect(() => matchKeyOf('w', { 'a b': 'x' })).toThrow(/match field "a b" must be a field path/);
    expect(() => matchKeyOf('w', { a: null as unknown as string })).toThrow(
      /match.a must be a string, number or boolean/,
    );
  });
});
