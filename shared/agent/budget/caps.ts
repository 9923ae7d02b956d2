import type { AgentProfile } from '../types/agent.ts';
import type { AgentErrorCode } from '../types/task.ts';
import type { UsageLedger } from './usage.ts';

/**
 * Why a model call must not happen (session or agent-day cap reached), or null when it may.
 * Checked before every model call, so a capped session never reaches the provider.
 * @example const refusal = await capRefusal(ledger, { agent: 'support', sessionId: 's1' }, profile)
 */
export async function capRefusal(
  usage: UsageLedger,
  task: { agent: string; sessionId: string },
  profile: Pick<AgentProfile, 'sessionTokenCap' | 'dailyTokenCap'>,
): Promise<{ code: AgentErrorCode; message: string } | null> {
  const totals = await usage.totals(task.agent, task.sessionId);
  if (totals.session >= profile.sessionTokenCap) {
    return {
      code: 'session_cap_exceeded',
      message: `session used ${totals.session} of ${profile.sessionTokenCap} tokens`,
    };
  }
  if (totals.agentDay >= profile.dailyTokenCap) {
    return {
      code: 'agent_daily_cap_exceeded',
      message: `agent "${task.agent}" used ${totals.agentDay} of ${profile.dailyTokenCap} tokens today`,
    };
  }
  return null;
}
