import { describe, expect, it } from 'vitest';
import { cron, defineFunction } from '../../core/index.ts';
import type { AnyFunction } from '../../core/index.ts';
import { matchRoute } from './routing.ts';

const make = (name: string): AnyFunction => defineFunction({ name, trigger: cron({ schedule: '* * * * *' }), handler: () => {} });

describe('matchRoute', () => {
  it('routes / to the single function and /functions/<name> to any', () => {
    const one = new Map([['a', make('a')]]);
    expect(matchRoute('/', one, undefined)).toMatchObject({ kind: 'function', fn: { name: 'a' } });
    const two = new Map([
      ['a', make('a')],
      ['b', make('b')],
    ]);
    expect(matchRoute('/', two, undefined)).toEqual({ kind: 'ambiguous' });
    expect(matchRoute('/', two, 'b')).toMatchObject({ kind: 'function', fn: { name: 'b' } });
    expect(matchRoute('/functions/b', two, undefined)).toMatchObject({ kind: 'function', fn: { name: 'b' } });
    expect(matchRoute('/functions/zz', two, undefined)).toEqual({ kind: 'unknown', name: 'zz' });
    expect(matchRoute('/health', two, undefined)).toEqual({ kind: 'not-ours' });
  });
});
