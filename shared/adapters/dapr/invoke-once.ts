import { eventIdOf, invoke } from '../../core/index.ts';
import type { AnyFunction, Envelope, InvokeDeps, Logger } from '../../core/index.ts';
import { InvalidCloudEventError } from '../knative/index.ts';
import type { DaprStatus } from './protocol.ts';
import { daprStatusFor } from './status.ts';

/**
 * Builds the envelope and invokes once; bad CloudEvents DROP, failures outside the handler RETRY.
 * @example const status = await invokeOnce(fn, () => daprEventToEnvelope(fn, event, metadata), deps, log)
 */
export async function invokeOnce(
  fn: AnyFunction,
  build: () => Envelope,
  deps: InvokeDeps,
  log: Logger,
): Promise<DaprStatus> {
  let envelope: Envelope;
  try {
    envelope = build();
  } catch (error) {
    if (!(error instanceof InvalidCloudEventError)) throw error;
    log.error('Dapr event dropped to the dead-letter topic: not a valid CloudEvent', {
      reason: 'unparseable',
      error: error.message,
    });
    return 'DROP';
  }
  const eventId = eventIdOf(envelope);
  try {
    const outcome = await invoke(fn, envelope, deps);
    if (outcome.status === 'dead-letter') {
      log.error('event dropped to the dead-letter topic', {
        eventId,
        reason: outcome.reason,
        errorClass: outcome.failure.errorClass,
        error: outcome.failure.message,
      });
    } else if (outcome.status === 'retry') {
      log.warn('attempt failed; Dapr will redeliver', {
        eventId,
        errorClass: outcome.failure.errorClass,
        error: outcome.failure.message,
      });
    }
    return daprStatusFor(outcome);
  } catch (error) {
    // invoke() classifies handler failures itself; reaching here means a hook or the host failed.
    log.error('invoke failed outside the handler; asking Dapr to redeliver', { eventId, error });
    return 'RETRY';
  }
}
