import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './command.ts';

describe('parseArgs (strict)', () => {
  it('splits positionals from flags and values', () => {
    expect(parseArgs(['list', 'orders', '--limit', '5', '--json'], { flags: ['json'], values: ['limit'] })).toEqual({
      positional: ['list', 'orders'],
      options: { limit: '5', json: 'true' },
    });
    expect(parseArgs(['--limit=7'], { values: ['limit'] }).options).toEqual({ limit: '7' });
  });

  it('refuses an unknown option and suggests the closest one', () => {
    expect(() => parseArgs(['list', '--limt', '5'], { values: ['limit', 'reason'] })).toThrow(UsageError);
    expect(() => parseArgs(['list', '--limt', '5'], { values: ['limit', 'reason'] })).toThrow(
      /unknown option --limt; did you mean --limit\?/,
    );
    expect(() => parseArgs(['--zzzzzz'], { values: ['limit'] })).toThrow(
      /unknown option --zzzzzz \(known: --help, --limit\)/,
    );
  });

  it('says which option lacks its value', () => {
    expect(() => parseArgs(['--key'], { values: ['key'] })).toThrow(/--key/);
  });
});
