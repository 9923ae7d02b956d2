import { deadLetterAgentConfig } from './config.ts';
import { createDeadLetterAgent } from './agent.ts';

/**
 * Dead-letter agent: files every dead letter for review in SQL and re-queues transient failures under a
 * bounded policy (see agent.ts). Configured by HEARTH_DEAD_LETTER_TOPICS and HEARTH_DLQ_* variables.
 */
const [deadLetterAgent, deadLetterRequeue] = createDeadLetterAgent(
  'dead-letter-agent',
  deadLetterAgentConfig(process.env),
);

export { deadLetterAgent, deadLetterRequeue };
