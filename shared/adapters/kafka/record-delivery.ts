import { deadLetterMessage } from '../../core/dead-letter.ts';
import type { AnyFunction } from '../../core/define.ts';
import { deliver, type Delivery } from '../../core/deliver.ts';
import type { Envelope } from '../../core/envelope.ts';
import type { InvokeDeps } from '../../core/invoke.ts';
import type { DeadLetterReason, FailureInfo } from '../../core/outcome.ts';
import { sleep } from '../../core/backoff.ts';
import { dependencyOf } from '../../core/errors.ts';
import type { Logger, OutgoingMessage } from '../../core/ports.ts';
import { heartbeatingWait } from './heartbeat-wait.ts';
import type { PartitionBatch, TransportProducer, TransportRecord } from './transport.ts';

/** Set on a dead letter published without the original body (the broker refused the full one). */
export const DLQ_BODY_OMITTED = 'hearth-dlq-body-omitted';

/** Called once an event's outcome is durable: its effects committed, or its dead letter acknowledged. */
export type OutcomeListener = (fn: AnyFunction, envelope: Envelope, delivery: Delivery) => void;

/** What delivering the records of one partition batch needs. */
export interface RecordDeliveryOptions {
  fn: AnyFunction;
  deps: Omit<InvokeDeps, 'signal'>;
  producer: TransportProducer;
  log: Logger;
  /** Aborted when draining: no new record starts, retry waits end (the event is abandoned, not committed). */
  drain: AbortSignal;
  /** Aborted when a drain runs out of time: in-flight handlers see their ctx.signal abort. */
  halt: AbortSignal;
  heartbeatSliceMs: number;
  onOutcome?: OutcomeListener;
}

/** The core envelope of a Kafka record (the ce_id header, when present, becomes its id). */
export function envelopeOf(batch: PartitionBatch, record: TransportRecord): Envelope {
  return {
    body: record.value,
    key: record.key,
    headers: record.headers,
    source: { kind: 'kafka', topic: batch.topic, partition: batch.partition, offset: record.offset },
    attempt: 1,
  };
}

/** A failure the record already had (in a group commit) before it is delivered on its own. */
export interface PriorFailure {
  delayMs: number;
  failure: FailureInfo;
  /** The attempt could not run (a dependency was down): it cost no attempt. */
  paused?: boolean;
}

/**
 * Delivers one record with in-process retries; true once its outcome is durable, false when abandoned
 * by a drain. With `prior`, attempt 1 already failed elsewhere: wait its delay, continue at attempt 2.
 */
export async function deliverRecord(
  options: RecordDeliveryOptions,
  batch: PartitionBatch,
  record: TransportRecord,
  prior?: PriorFailure,
): Promise<boolean> {
  const { fn, drain, halt, log } = options;
  const envelope = envelopeOf(batch, record);
  // Per record, so a drain ends only this record's retry wait and leaves running handlers alone.
  const controller = new AbortController();
  const onHalt = (): void => controller.abort(halt.reason);
  if (halt.aborted) onHalt();
  else halt.addEventListener('abort', onHalt, { once: true });
  const pause = heartbeatingWait(() => batch.heartbeat(), options.heartbeatSliceMs, log);
  const wait = async (ms: number): Promise<void> => {
    await pause(ms, drain);
    if (drain.aborted) controller.abort(drain.reason);
  };
  try {
    if (prior) {
      await wait(prior.paused ? 0 : prior.delayMs);
      if (drain.aborted) return false;
      if (!prior.paused) envelope.attempt = 2;
    }
    const deps = {
      ...options.deps,
      signal: controller.signal,
      // A durable execution stops before its next step when this member drains or loses the partition.
      shouldYield: () => drain.aborted || batch.isStale(),
    };
    const delivery = await deliver(
      fn,
      envelope,
      deps,
      wait,
      prior && !prior.paused ? { firstFailureAt: prior.failure.at } : {},
    );
    const outcome = delivery.outcome;
    if (outcome.status === 'dead-letter') {
      await publishDeadLetter(options, envelope, outcome.reason, outcome.failure, delivery);
    } else if (outcome.status !== 'done') {
      // 'abandoned' (drain during a retry wait); deliver never returns 'retry'.
      return false;
    }
    notifyOutcome(options, envelope, delivery);
    return true;
  } finally {
    halt.removeEventListener('abort', onHalt);
  }
}

/**
 * Publishes a dead letter and waits for the broker. While the broker is down it waits (heartbeating)
 * for it to come back; a letter the broker refuses goes out without its body; only when even that fails
 * does it throw, so the batch is delivered again.
 */
export async function publishDeadLetter(
  options: RecordDeliveryOptions,
  envelope: Envelope,
  reason: DeadLetterReason,
  failure: FailureInfo,
  delivery: Pick<Delivery, 'attempts' | 'firstFailureAt' | 'lastFailureAt'>,
): Promise<void> {
  const source = envelope.source;
  const coordinates =
    source.kind === 'kafka' ? { partition: source.partition, offset: source.offset, reason } : { reason };
  const letter = deadLetterMessage(options.fn, envelope, reason, failure, delivery);
  try {
    await sendThroughOutage(options, letter);
  } catch (error) {
    // A letter the broker refuses (too large, most often: an event near the size limit plus headers)
    // would block the partition forever; the source coordinates still point at the original record.
    const slim = { ...letter, value: '', headers: { ...letter.headers, [DLQ_BODY_OMITTED]: 'true' } };
    try {
      await options.producer.send([slim]);
      options.log.warn('dead letter published without its body', { ...coordinates, error });
    } catch {
      options.log.error('dead letter could not be published; the batch will be delivered again', {
        ...coordinates,
        error,
      });
      throw error;
    }
  }
  options.log.warn('event dead-lettered', {
    ...coordinates,
    attempts: delivery.attempts,
    errorClass: failure.errorClass,
  });
}

/** Sends one record; a broker outage is waited out (the gate probes it) instead of failing the batch. */
async function sendThroughOutage(options: RecordDeliveryOptions, letter: OutgoingMessage): Promise<void> {
  for (;;) {
    try {
      await options.producer.send([letter]);
      return;
    } catch (error) {
      const gate = options.deps.gate;
      if (dependencyOf(error) !== 'kafka' || !gate || options.drain.aborted) throw error;
      gate.markDown('kafka', error);
      // The batch keeps heartbeating meanwhile (batchProcessor's keep-alive).
      while (!gate.isUp('kafka') && !options.drain.aborted) await sleep(500, options.drain);
    }
  }
}

/** Tells the listener (metrics); a listener that throws never breaks delivery. */
export function notifyOutcome(options: RecordDeliveryOptions, envelope: Envelope, delivery: Delivery): void {
  try {
    options.onOutcome?.(options.fn, envelope, delivery);
  } catch (error) {
    options.log.warn('onOutcome listener threw', { error });
  }
}
