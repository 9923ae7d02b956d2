import { z } from 'zod';
import type { AgentProfile } from '../../shared/agent/index.ts';
import { ConfigError } from '../../shared/core/errors.ts';

/** The caps of one agent: tokens per session and per UTC day, and optional USD caps from the price table. */
const Caps = z.strictObject({
  sessionTokens: z.number().int().positive(),
  dailyTokens: z.number().int().positive(),
  sessionUsd: z.number().positive().optional(),
  dailyUsd: z.number().positive().optional(),
});
type Caps = z.output<typeof Caps>;

/** Generous defaults for the example; set AGENTS_BUDGETS in production. */
const BUILT_IN: Caps = { sessionTokens: 200_000, dailyTokens: 5_000_000 };

export type BudgetCaps = Pick<AgentProfile, 'sessionTokenCap' | 'dailyTokenCap' | 'sessionUsdCap' | 'dailyUsdCap'>;

/**
 * Parses `{"default": {...}, "<agent>": {...}}`: each agent's entry overrides the default's fields.
 * Returns the caps of an agent by name; an error names `variable` and the bad entry.
 * @example parseBudgets('{"default":{"sessionTokens":50000,"dailyTokens":1000000}}', 'AGENTS_BUDGETS')('research')
 */
export function parseBudgets(text: string | undefined, variable = 'AGENTS_BUDGETS'): (agent: string) => BudgetCaps {
  let parsed: unknown = {};
  if (text !== undefined && text.trim() !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ConfigError(variable, 'is not valid JSON (expected {"default":{"sessionTokens":n,"dailyTokens":n}})');
    }
  }
  const entries = z.record(z.string(), Caps.partial()).safeParse(parsed);
  if (!entries.success) {
    const issue = entries.error.issues[0]!;
    throw new ConfigError(variable, `at ${issue.path.join('.') || 'the top'}: ${issue.message}`);
  }
  const defaults = Caps.safeParse({ ...BUILT_IN, ...entries.data['default'] });
  if (!defaults.success) throw new ConfigError(variable, `"default": ${defaults.error.issues[0]!.message}`);
  return (agent) => {
    const caps = { ...defaults.data, ...entries.data[agent] };
    return {
      sessionTokenCap: caps.sessionTokens,
      dailyTokenCap: caps.dailyTokens,
      ...(caps.sessionUsd !== undefined ? { sessionUsdCap: caps.sessionUsd } : {}),
      ...(caps.dailyUsd !== undefined ? { dailyUsdCap: caps.dailyUsd } : {}),
    };
  };
}
