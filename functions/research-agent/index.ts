import { agentWorker } from '../_lib/worker.ts';
import { researchAgent } from './agent.ts';

/** Worker for the research agent: knowledge-base search (tools allow-list: search_knowledge_base). */
export default agentWorker(researchAgent);
