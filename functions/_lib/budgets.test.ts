import { describe, expect, it } from 'vitest';
import { parseBudgets } from './budgets.ts';

describe('parseBudgets', () => {
  it('gives every agent the built-in caps when unset', () => {
    expect(parseBudgets(undefined)('research')).toEqual({ sessionTokenCap: 200_000, dailyTokenCap: 5_000_000 });
  });

  it('lets an agent override the default field by field, USD caps included', () => {
    const caps = parseBudgets(
      '{"default":{"sessionTokens":5000,"dailyTokens":90000},"writer":{"dailyTokens":1000,"dailyUsd":2.5}}',
    );
    expect(caps('research')).toEqual({ sessionTokenCap: 5000, dailyTokenCap: 90_000 });
    expect(caps('writer')).toEqual({ sessionTokenCap: 5000, dailyTokenCap: 1000, dailyUsdCap: 2.5 });
  });

  it('names the variable and the entry when the value is wrong', () => {
    expect(() => parseBudgets('{not json')).toThrow(/AGENTS_BUDGETS is not valid JSON/);
    expect(() => parseBudgets('{"writer":{"dailyTokens":-1}}')).toThrow(/AGENTS_BUDGETS at writer\.dailyTokens/);
    expect(() => parseBudgets('{"writer":{"daily":5}}')).toThrow(/AGENTS_BUDGETS at writer/);
  });
});
