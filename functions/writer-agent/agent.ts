import type { AgentDefinition } from '../_lib/agent.ts';
import { budgetCaps } from '../_lib/settings.ts';

/** The writer agent: turns the findings injected into its prompt into a short report. No tools. */
export const writerAgent: AgentDefinition = {
  profile: {
    name: 'writer',
    systemPrompt:
      'You are a concise business writer. Write a short report (a title line, then at most five bullet points) ' +
      'that answers the request using only the findings given. Do not invent numbers.',
    allowedTools: [],
    ...budgetCaps('writer'),
  },
  tools: () => [],
};
