import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { estimateCostUsd, parsePriceTable, priceOf } from './prices.ts';

const prices = parsePriceTable('{"gpt-4o":{"input":2.5,"output":10},"gpt-4o-mini":{"input":0.15,"output":0.6}}');
const usage = { promptTokens: 1_000_000, completionTokens: 500_000 };

describe('estimateCostUsd', () => {
  it('prices input and output tokens per million', () => {
    expect(estimateCostUsd('gpt-4o', usage, prices)).toBe(2.5 + 5);
    expect(estimateCostUsd('gpt-4o-mini', { promptTokens: 2_000, completionTokens: 1_000 }, prices)).toBeCloseTo(
      0.0009,
      10,
    );
  });

  it('uses the longest matching prefix for dated model names', () => {
    expect(priceOf('gpt-4o-mini-2024-07-18', prices)).toEqual({ input: 0.15, output: 0.6 });
    expect(priceOf('gpt-4o-2024-08-06', prices)).toEqual({ input: 2.5, output: 10 });
  });

  it('costs 0 for the offline model and for unpriced models', () => {
    expect(estimateCostUsd('offline-deterministic', usage, prices)).toBe(0);
    expect(estimateCostUsd('llama3', usage, prices)).toBe(0);
  });
});

describe('parsePriceTable', () => {
  it('names the variable and the bad entry', () => {
    expect(() => parsePriceTable('{', 'HEARTH_LLM_PRICES')).toThrow(ConfigError);
    expect(() => parsePriceTable('[]')).toThrow(/HEARTH_LLM_PRICES must be a JSON object/);
    expect(() => parsePriceTable('{"m":{"input":1}}')).toThrow(
      /HEARTH_LLM_PRICES entry "m" needs numeric "input" and "output"/,
    );
    expect(() => parsePriceTable('{"m":{"input":-1,"output":1}}')).toThrow(/entry "m"/);
  });
});
