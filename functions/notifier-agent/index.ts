import { agentWorker } from '../_lib/worker.ts';
import { notifierAgent } from './agent.ts';
import { publishNotifications } from './outbox.ts';

/**
 * Worker for the notifier agent: the notify tool records each notification once (by idempotency key),
 * then the worker publishes them with its result, in one transaction.
 */
export default agentWorker(notifierAgent, { afterRun: publishNotifications });
