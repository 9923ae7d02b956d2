import type { AgentDefinition } from '../_lib/agent.ts';
import { budgetCaps } from '../_lib/settings.ts';
import { knowledgeSearchTool } from './kb-search.ts';

/** The research agent: answers from the knowledge base only, citing document titles. */
export const researchAgent: AgentDefinition = {
  profile: {
    name: 'research',
    systemPrompt:
      'You are a research assistant. Use search_knowledge_base to find the facts the task needs and answer ' +
      'only from what it returns, citing document titles. Say so when the knowledge base has no answer.',
    allowedTools: ['search_knowledge_base'],
    ...budgetCaps('research'),
  },
  tools: () => [knowledgeSearchTool()],
};
