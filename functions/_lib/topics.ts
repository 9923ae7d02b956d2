/**
 * The Kafka topics of the multi-agent example. `AGENTS_TOPIC_PREFIX` (default "agents") lets several
 * copies share one broker (tests, preview environments).
 */
const PREFIX = process.env['AGENTS_TOPIC_PREFIX']?.trim() || 'agents';
if (!/^[a-z][a-z0-9.-]{0,60}$/.test(PREFIX)) {
  throw new TypeError(`AGENTS_TOPIC_PREFIX must be lowercase letters, digits, "." or "-", got "${PREFIX}"`);
}

/** The prefix of this deployment's topics, also keeping its KV keys (budgets) apart on a shared Redis. */
export const AGENTS_PREFIX = PREFIX;

/** Topic names; every event is keyed by its task id so one task's events keep their order. */
export const topics = {
  /** A task was submitted (tasks API -> orchestrator). */
  tasks: `${PREFIX}.tasks`,
  /** A worker finished an attempt of a sub-task (workers -> orchestrator and supervisor). */
  results: `${PREFIX}.results`,
  /** Tasks that stopped making progress (stuck-task sweeper -> supervisor). */
  supervisor: `${PREFIX}.supervisor`,
  /** A sub-task could not be completed; someone should look (supervisor -> operators). */
  escalations: `${PREFIX}.escalations`,
  /** A task ended, completed or failed. */
  answers: `${PREFIX}.answers`,
  /** Notifications the notifier agent sent (the outbox). */
  notifications: `${PREFIX}.notifications`,
  /** A person's answer to a task waiting for input (tasks API -> the waiting agent). */
  input: `${PREFIX}.input`,
  /** Control events for tasks, e.g. `{ "type": "cancel", "taskId": "..." }`. */
  control: `${PREFIX}.control`,
  /** Work for one agent (orchestrator or supervisor -> that agent's worker). */
  work: (agent: string): string => `${PREFIX}.work.${agent}`,
};
