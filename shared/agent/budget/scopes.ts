import type { AgentProfile } from '../types/agent.ts';
import type { AgentErrorCode } from '../types/task.ts';

/** A budget shared by the agents of one task (e.g. a request's `token_budget` across its sub-tasks). */
export interface BudgetGroup {
  id: string;
  tokens: number;
}

/** What a reservation counts toward the caps of its scopes. */
export interface BudgetAmounts {
  tokens: number;
  /** Estimated cost in millionths of a USD. */
  microUsd: number;
}

/** Which spending a cap limits: the SQL rows (ledger and reservations) and KV keys it counts. */
export interface BudgetScope {
  /** Readable name for messages, e.g. `session "s-1"`. */
  label: string;
  /** KV key of the settled total; `<key>:r` holds the reservations. */
  key: string;
  cap: number;
  unit: keyof BudgetAmounts;
  code: Extract<AgentErrorCode, 'session_budget_exceeded' | 'agent_daily_budget_exceeded' | 'token_budget_exceeded'>;
  /** SQL condition over the ledger's and the reservations' shared columns, with its parameters. */
  where: { text: string; params: readonly unknown[] };
}

/** Whose spending a model call is: the columns every scope is chosen by. */
export interface BudgetOwner {
  agent: string;
  sessionId: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  group?: BudgetGroup | undefined;
}

/**
 * The caps one model call counts toward: the session's and the agent-day's tokens, their optional USD
 * caps, and the task group's tokens. `namespace` keeps KV keys of separate deployments apart.
 * @example budgetScopes({ agent: 'research', sessionId: 's-1', day: '2026-12-03' }, profile, 'agents:')
 */
export function budgetScopes(owner: BudgetOwner, profile: AgentProfile, namespace = ''): BudgetScope[] {
  const session = { text: 'session_id = $1', params: [owner.sessionId] };
  const agentDay = { text: 'agent = $1 AND usage_day = $2', params: [owner.agent, owner.day] };
  const base = `${namespace}budget:`;
  const scopes: BudgetScope[] = [
    {
      label: `session "${owner.sessionId}"`,
      key: `${base}session:${owner.sessionId}:tokens`,
      cap: profile.sessionTokenCap,
      unit: 'tokens',
      code: 'session_budget_exceeded',
      where: session,
    },
    {
      label: `agent "${owner.agent}" on ${owner.day}`,
      key: `${base}agent:${owner.agent}:${owner.day}:tokens`,
      cap: profile.dailyTokenCap,
      unit: 'tokens',
      code: 'agent_daily_budget_exceeded',
      where: agentDay,
    },
  ];
  if (profile.sessionUsdCap !== undefined) {
    scopes.push({
      label: `session "${owner.sessionId}"`,
      key: `${base}session:${owner.sessionId}:usd`,
      cap: Math.floor(profile.sessionUsdCap * 1_000_000),
      unit: 'microUsd',
      code: 'session_budget_exceeded',
      where: session,
    });
  }
  if (profile.dailyUsdCap !== undefined) {
    scopes.push({
      label: `agent "${owner.agent}" on ${owner.day}`,
      key: `${base}agent:${owner.agent}:${owner.day}:usd`,
      cap: Math.floor(profile.dailyUsdCap * 1_000_000),
      unit: 'microUsd',
      code: 'agent_daily_budget_exceeded',
      where: agentDay,
    });
  }
  if (owner.group) {
    scopes.push({
      label: `task "${owner.group.id}"`,
      key: `${base}group:${owner.group.id}:tokens`,
      cap: owner.group.tokens,
      unit: 'tokens',
      code: 'token_budget_exceeded',
      where: { text: 'budget_group = $1', params: [owner.group.id] },
    });
  }
  return scopes;
}

/**
 * How a scope's figures read in a refusal: tokens as they are, micro-USD as dollars.
 * @example formatAmount(scope, 1_500_000) // "$1.500000" for a USD scope
 */
export function formatAmount(scope: Pick<BudgetScope, 'unit'>, amount: number): string {
  return scope.unit === 'microUsd' ? `$${(amount / 1_000_000).toFixed(6)}` : `${amount} tokens`;
}
