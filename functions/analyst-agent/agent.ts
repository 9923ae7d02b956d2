import { sqlQueryTool } from '../../shared/agent/index.ts';
import type { AgentDefinition } from '../_lib/agent.ts';
import { budgetCaps } from '../_lib/settings.ts';
import { salesSummaryTool } from './sales-summary.ts';

/** Views the analyst may read with sql_query (created by this function's migration). */
export const ANALYST_VIEWS = ['sales_v', 'products_v'] as const;

/** The analyst agent: read-only SQL over the sample sales data set. */
export const analystAgent: AgentDefinition = {
  profile: {
    name: 'analyst',
    systemPrompt:
      'You are a data analyst. Answer with numbers from the sample sales data only: use sales_summary for ' +
      `totals, or sql_query with one SELECT over ${ANALYST_VIEWS.join(', ')} for anything else.`,
    allowedTools: ['sales_summary', 'sql_query'],
    ...budgetCaps('analyst'),
  },
  tools: () => [
    salesSummaryTool(),
    sqlQueryTool({ allowedViews: ANALYST_VIEWS, role: 'hearth_analyst_reader', maxRows: 50 }),
  ],
};
