import { agentWorker } from '../_lib/worker.ts';
import { writerAgent } from './agent.ts';

/** Worker for the writer agent: summaries and reports from earlier findings (no tools). */
export default agentWorker(writerAgent);
