/**
 * Token prices per model and the cost of one call, for per-agent and per-day spending reports.
 */
import { ConfigError } from '../../core/errors.ts';
import { OFFLINE_MODEL_NAME } from './offline-model.ts';
import type { TokenUsage } from './types.ts';

/** USD per one million tokens, by model name (the name Hearth reports: model id or Azure deployment). */
export type PriceTable = Readonly<Record<string, { input: number; output: number }>>;

/**
 * Cost in USD of one call. Exact name match first, then the longest table key that prefixes the name
 * (so "gpt-4o" prices "gpt-4o-2024-08-06"). The offline model and unpriced models cost 0.
 * @example estimateCostUsd('gpt-4o', usage, { 'gpt-4o': { input: 2.5, output: 10 } })
 */
export function estimateCostUsd(
  model: string,
  usage: Pick<TokenUsage, 'promptTokens' | 'completionTokens'>,
  prices: PriceTable,
): number {
  if (model === OFFLINE_MODEL_NAME) return 0;
  const price = priceOf(model, prices);
  if (!price) return 0;
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
}

/**
 * The price entry used for `model`, or undefined when it has none.
 * @example priceOf('gpt-4o-mini', prices)
 */
export function priceOf(model: string, prices: PriceTable): { input: number; output: number } | undefined {
  const exact = prices[model];
  if (exact) return exact;
  let best: string | undefined;
  for (const key of Object.keys(prices)) {
    if (model.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : prices[best];
}

/**
 * Parses `{ "model": { "input": usdPer1M, "output": usdPer1M } }`, naming `variable` in any error.
 * @example parsePriceTable('{"gpt-4o":{"input":2.5,"output":10}}', 'HEARTH_LLM_PRICES')
 */
export function parsePriceTable(json: string, variable = 'HEARTH_LLM_PRICES'): PriceTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new ConfigError(variable, 'is not valid JSON (expected {"model":{"input":usdPer1M,"output":usdPer1M}})');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(variable, 'must be a JSON object keyed by model name');
  }
  const table: Record<string, { input: number; output: number }> = {};
  for (const [model, entry] of Object.entries(parsed)) {
    const { input, output } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (!isPrice(input) || !isPrice(output)) {
      throw new ConfigError(variable, `entry "${model}" needs numeric "input" and "output" (USD per 1M tokens, >= 0)`);
    }
    table[model] = { input, output };
  }
  return table;
}

function isPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
