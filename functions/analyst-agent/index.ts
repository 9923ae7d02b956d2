import { agentWorker } from '../_lib/worker.ts';
import { analystAgent } from './agent.ts';

/** Worker for the analyst agent: read-only SQL over the sample data (tools: sales_summary, sql_query). */
export default agentWorker(analystAgent);
