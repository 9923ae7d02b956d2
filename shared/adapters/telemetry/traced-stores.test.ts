import { describe, expect, it } from 'vitest';
import { sqlOperation } from './traced-stores.ts';

describe('sqlOperation', () => {
  it('takes the first keyword, past whitespace and comments', () => {
    expect(sqlOperation('select 1')).toBe('SELECT');
    expect(sqlOperation('\n  INSERT INTO t VALUES ($1)')).toBe('INSERT');
    expect(sqlOperation('-- note\n/* block */ WITH x AS (SELECT 1) SELECT * FROM x')).toBe('WITH');
    expect(sqlOperation('  ')).toBe('UNKNOWN');
  });
});
