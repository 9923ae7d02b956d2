import type { FunctionHandler, InvocationContext } from '@azure/functions';
import {
  deadLetterMessage,
  deliver,
  ensureError,
  failureOf,
  type AnyFunction,
  type Envelope,
} from '../../core/index.ts';
import { kafkaEnvelope } from './kafka-event.ts';
import type { AzureFunctionsOptions } from './types.ts';
import type { lazyDeps } from './deps.ts';

/**
 * The handler of a kafka function's `kafkaTrigger`. The Kafka extension commits the offset once the
 * invocation returns, so Hearth owns retries and the dead-letter topic, like the local host: the core
 * `deliver` retries in-process with backoff; a record that must be dead-lettered is published to the
 * function's DLQ and the invocation returns normally (the offset moves on). Only when the dead letter
 * cannot be published, or the host is stopping, does it throw: the trigger's retry policy then re-runs
 * the same record and the exactly-once ledger keeps its effects single.
 * @example app.generic(fn.name, { trigger, handler: kafkaHandler(fn, depsOf, options.deadLetter) })
 */
export function kafkaHandler(
  fn: AnyFunction,
  depsOf: ReturnType<typeof lazyDeps>,
  deadLetter: AzureFunctionsOptions['deadLetter'],
): FunctionHandler {
  return async (event: unknown, context: InvocationContext): Promise<void> => {
    const deps = await depsOf();
    const envelope = envelopeOf(event, context);
    if (envelope instanceof Error) {
      // Not a Kafka record at all (a misconfigured trigger): dead-letter the raw payload, never drop it.
      const failure = failureOf(envelope);
      const raw: Envelope = {
        body: Buffer.from(typeof event === 'string' ? event : (JSON.stringify(event) ?? ''), 'utf8'),
        key: null,
        headers: {},
        source: {
          kind: 'kafka',
          topic: fn.trigger.kind === 'kafka' ? fn.trigger.topic : '',
          partition: -1,
          offset: '-1',
        },
        attempt: 1,
        id: `azure-functions/${context.invocationId}`,
      };
      await deadLetter(deadLetterMessage(fn, raw, 'unparseable', failure, { attempts: 1 }));
      return;
    }
    const delivery = await deliver(fn, envelope, deps);
    const outcome = delivery.outcome;
    if (outcome.status === 'done') return;
    if (outcome.status !== 'dead-letter') {
      throw new Error(
        `function "${fn.name}": delivery ${outcome.status === 'retry' ? 'not finished' : 'abandoned (host stopping)'}; the record will be re-run`,
      );
    }
    await deadLetter(deadLetterMessage(fn, envelope, outcome.reason, outcome.failure, delivery));
    deps.log.warn('event dead-lettered', {
      function: fn.name,
      reason: outcome.reason,
      topic: fn.deadLetterTopic,
      source: envelope.source,
      error: outcome.failure.message,
    });
  };
}

function envelopeOf(event: unknown, context: InvocationContext): Envelope | Error {
  try {
    // Some extension versions carry the key only in the trigger metadata.
    const metadataKey = context.triggerMetadata?.['Key'] ?? context.triggerMetadata?.['key'];
    return kafkaEnvelope(event, metadataKey);
  } catch (error) {
    return ensureError(error);
  }
}
