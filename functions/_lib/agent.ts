import type { AgentProfile, RegisteredTool } from '../../shared/agent/index.ts';
import type { HandlerContext } from '../../shared/core/index.ts';

/** One worker agent: its profile (prompt, allow-listed tools, caps) and the tools it brings. */
export interface AgentDefinition {
  profile: AgentProfile;
  /** Builds the agent's tools; `ctx` gives side-effecting tools the database. */
  tools: (ctx: Pick<HandlerContext, 'database'>) => RegisteredTool[];
  maxSteps?: number;
  tokenBudget?: number;
}
