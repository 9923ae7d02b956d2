import { Budget } from '../budget/budget.ts';
import { budgetScopes, formatAmount, type BudgetOwner, type BudgetScope } from '../budget/scopes.ts';
import { priceOf, type PriceTable } from '../llm/prices.ts';
import type { AgentProfile } from '../types/agent.ts';
import type { AgentErrorCode, AgentTask } from '../types/task.ts';
import type { AgentRunnerDeps } from './deps.ts';
import { MIN_COMPLETION_TOKENS, type StepPrompt } from './step-prompt.ts';

/** A model call that no cap has room for: refused before the provider is asked. Never journaled. */
export class BudgetRefused extends Error {
  readonly code: AgentErrorCode;
  constructor(code: AgentErrorCode, message: string) {
    super(message);
    this.name = 'BudgetRefused';
    this.code = code;
  }
}

/** The budget of one run: whose spending it is and the caps each of its model calls counts toward. */
export interface RunBudget {
  budget: Budget;
  owner: BudgetOwner;
  scopes: BudgetScope[];
}

/**
 * The budget of a run, from the task (session, group) and the agent's profile; the day is today's (UTC).
 * @example const run = runBudget(deps, task, profile)
 */
export function runBudget(deps: AgentRunnerDeps, task: AgentTask, profile: AgentProfile): RunBudget {
  const budget = new Budget(deps.sql, deps.kv, { reservationTtlMs: deps.budget?.reservationTtlMs });
  const owner: BudgetOwner = {
    agent: task.agent,
    sessionId: task.sessionId,
    day: new Date().toISOString().slice(0, 10),
    group: task.budgetGroup,
  };
  return { budget, owner, scopes: budgetScopes(owner, profile, deps.budget?.namespace) };
}

/** How many tries a call gets to fit under the caps by asking for fewer completion tokens. */
const FIT_TRIES = 3;

/**
 * Reserves a model call's prompt estimate plus its max completion tokens (and their cost) under every
 * cap. When a cap has less room, the call asks for fewer completion tokens; when not even
 * MIN_COMPLETION_TOKENS fit, it is refused with the cap's code and figures.
 * @example const fitted = await reserveCall(run, 'task-1:2', next, 'gpt-4o-mini', prices)
 */
export async function reserveCall(
  run: RunBudget,
  id: string,
  next: StepPrompt,
  model: string,
  prices: PriceTable | undefined,
): Promise<StepPrompt> {
  const price = prices ? priceOf(model, prices) : undefined;
  const promptMicroUsd = price ? next.promptTokens * price.input : 0;
  let maxTokens = next.maxTokens;
  let refusal = '';
  let code: AgentErrorCode = 'session_budget_exceeded';
  for (let tries = 0; tries < FIT_TRIES; tries += 1) {
    const tokens = next.promptTokens + maxTokens;
    // USD per 1M tokens is micro-USD per token.
    const microUsd = Math.ceil(promptMicroUsd + (price ? maxTokens * price.output : 0));
    const short = await run.budget.reserve(id, run.owner, run.scopes, { tokens, microUsd });
    if (!short) return { ...next, maxTokens };
    const { scope, used, reserved, left } = short;
    code = scope.code;
    refusal =
      `${scope.label} used ${formatAmount(scope, used)} of ${formatAmount(scope, scope.cap)}` +
      (reserved > 0 ? ` with ${formatAmount(scope, reserved)} held by calls in flight` : '') +
      `; this call needs ${formatAmount(scope, scope.unit === 'tokens' ? next.promptTokens + MIN_COMPLETION_TOKENS : Math.ceil(promptMicroUsd))} or more`;
    const fit =
      scope.unit === 'tokens'
        ? left - next.promptTokens
        : price && price.output > 0
          ? Math.floor((left - promptMicroUsd) / price.output)
          : -1;
    if (fit < MIN_COMPLETION_TOKENS) break;
    maxTokens = Math.min(maxTokens - 1, fit);
  }
  throw new BudgetRefused(code, refusal);
}
