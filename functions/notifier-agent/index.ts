import { agentWorker } from '../_lib/worker.ts';
import { notifierAgent } from './agent.ts';
import { publishNotifications } from './outbox.ts';
import { topics } from '../_lib/topics.ts';

/**
 * Worker for the notifier agent: the notify tool records each notification once (by idempotency key),
 * then the worker publishes them with its result, in one transaction. For a task submitted with
 * `"approval": true`, each notification first waits for POST /tasks/:id/input.
 */
export default agentWorker(notifierAgent, { afterRun: publishNotifications, emits: [topics.notifications] });
