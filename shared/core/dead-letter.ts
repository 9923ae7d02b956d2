import { createHash } from 'node:crypto';
import type { AnyFunction } from './define.ts';
import type { Delivery } from './deliver.ts';
import { eventIdOf, type Envelope } from './envelope.ts';
import type { DeadLetterReason, FailureInfo } from './outcome.ts';
import type { OutgoingMessage } from './ports.ts';

/** Header names of a dead letter; the replay command and the dead-letter agent read them back. */
export const DLQ_HEADERS = {
  reason: 'hearth-dlq-reason',
  function: 'hearth-dlq-function',
  errorClass: 'hearth-dlq-error-class',
  errorMessage: 'hearth-dlq-error-message',
  attempts: 'hearth-dlq-attempts',
  firstFailure: 'hearth-dlq-first-failure-at',
  lastFailure: 'hearth-dlq-last-failure-at',
  eventId: 'hearth-dlq-event-id',
  sourceKind: 'hearth-dlq-source-kind',
  sourceTopic: 'hearth-dlq-source-topic',
  sourcePartition: 'hearth-dlq-source-partition',
  sourceOffset: 'hearth-dlq-source-offset',
  scheduledAt: 'hearth-dlq-scheduled-at',
  /** `base64` when the original body was not UTF-8 and the dead letter's value holds it base64-encoded. */
  bodyEncoding: 'hearth-dlq-body-encoding',
} as const;

/** A dead letter decoded from its headers. */
export interface DeadLetterInfo {
  reason: DeadLetterReason;
  function: string;
  errorClass: string;
  errorMessage: string;
  attempts: number;
  eventId: string;
  sourceTopic: string | undefined;
  sourcePartition: number | undefined;
  sourceOffset: string | undefined;
  firstFailureAt: string | undefined;
  lastFailureAt: string | undefined;
}

/**
 * Builds the dead-letter record: the original key, body and headers plus the reason, the error and the
 * source coordinates, so nothing is lost and a replay can restore the event under its original id.
 * @example producer.send(deadLetterMessage(fn, envelope, delivery.outcome.reason, failure, delivery))
 */
export function deadLetterMessage(
  fn: AnyFunction,
  envelope: Envelope,
  reason: DeadLetterReason,
  failure: FailureInfo,
  delivery: Pick<Delivery, 'attempts' | 'firstFailureAt' | 'lastFailureAt'>,
): OutgoingMessage {
  const source = envelope.source;
  const headers: Record<string, string> = {
    ...envelope.headers,
    [DLQ_HEADERS.reason]: reason,
    [DLQ_HEADERS.function]: fn.name,
    [DLQ_HEADERS.errorClass]: failure.errorClass,
    // Kafka headers are small; keep the message readable but bounded.
    [DLQ_HEADERS.errorMessage]: failure.message.slice(0, 2_000),
    [DLQ_HEADERS.attempts]: String(delivery.attempts),
    [DLQ_HEADERS.firstFailure]: (delivery.firstFailureAt ?? failure.at).toISOString(),
    [DLQ_HEADERS.lastFailure]: (delivery.lastFailureAt ?? failure.at).toISOString(),
    [DLQ_HEADERS.eventId]: eventIdOf(envelope),
    [DLQ_HEADERS.sourceKind]: source.kind,
  };
  if (source.kind === 'kafka') {
    headers[DLQ_HEADERS.sourceTopic] = source.topic;
    headers[DLQ_HEADERS.sourcePartition] = String(source.partition);
    headers[DLQ_HEADERS.sourceOffset] = source.offset;
  } else if (source.kind === 'cron') {
    headers[DLQ_HEADERS.scheduledAt] = source.scheduledAt.toISOString();
  }
  // The dead letter is an event of its own: a consumer of dead-letter topics must not take the second
  // failure of a replayed event (same original ce_id), or another function's failure on the same event,
  // for a duplicate. The id is deterministic, so a dead letter re-sent after a crash still dedupes.
  headers['ce_id'] = deadLetterId(fn.name, headers[DLQ_HEADERS.eventId] as string, source);
  const value = envelope.body !== null ? bodyText(envelope.body, headers) : JSON.stringify(envelope.data ?? null);
  return { topic: fn.deadLetterTopic, key: envelope.key, value, headers };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text when it is UTF-8; otherwise base64 (flagged in a header), so no byte is lost. */
function bodyText(body: Uint8Array, headers: Record<string, string>): string {
  try {
    return utf8.decode(body);
  } catch {
    headers[DLQ_HEADERS.bodyEncoding] = 'base64';
    return Buffer.from(body).toString('base64');
  }
}

/**
 * The original body bytes of a dead letter's value (undoing the base64 of a non-UTF-8 body).
 * @example const bytes = deadLetterBody(record.headers, record.value)
 */
export function deadLetterBody(headers: Readonly<Record<string, string>>, value: Uint8Array): Buffer {
  const raw = Buffer.from(value);
  return headers[DLQ_HEADERS.bodyEncoding] === 'base64' ? Buffer.from(raw.toString('latin1'), 'base64') : raw;
}

function deadLetterId(fnName: string, eventId: string, source: Envelope['source']): string {
  const at = source.kind === 'kafka' ? `${source.topic}/${source.partition}/${source.offset}` : source.kind;
  return createHash('sha256').update(`dlq\u0000${fnName}\u0000${eventId}\u0000${at}`).digest('hex').slice(0, 32);
}

/**
 * Reads the dead-letter headers back; undefined when the record is not a Hearth dead letter.
 * @example const info = readDeadLetter(record.headers)
 */
export function readDeadLetter(headers: Record<string, string>): DeadLetterInfo | undefined {
  const reason = headers[DLQ_HEADERS.reason];
  const fnName = headers[DLQ_HEADERS.function];
  if (!reason || !fnName) return undefined;
  const partition = headers[DLQ_HEADERS.sourcePartition];
  return {
    reason: reason as DeadLetterReason,
    function: fnName,
    errorClass: headers[DLQ_HEADERS.errorClass] ?? 'Error',
    errorMessage: headers[DLQ_HEADERS.errorMessage] ?? '',
    attempts: Number(headers[DLQ_HEADERS.attempts] ?? '0'),
    eventId: headers[DLQ_HEADERS.eventId] ?? '',
    sourceTopic: headers[DLQ_HEADERS.sourceTopic],
    sourcePartition: partition === undefined ? undefined : Number(partition),
    sourceOffset: headers[DLQ_HEADERS.sourceOffset],
    firstFailureAt: headers[DLQ_HEADERS.firstFailure],
    lastFailureAt: headers[DLQ_HEADERS.lastFailure],
  };
}

/**
 * The record a replay publishes: the original body, key and headers back on the source topic, with
 * `ce_id` set to the original event id so functions that already processed it see a duplicate.
 * Undefined when it cannot be replayed: no source topic, or a body that was not UTF-8.
 * @example const msg = replayMessage(record.headers, record.key, record.value)
 */
export function replayMessage(
  headers: Record<string, string>,
  key: string | null,
  value: string,
): OutgoingMessage | undefined {
  const info = readDeadLetter(headers);
  if (!info?.sourceTopic) return undefined;
  // A body that was not UTF-8 travels base64-encoded; a text value cannot carry its bytes back, and
  // replaying the base64 text would hand the function something it never got. It stays for review.
  if (headers[DLQ_HEADERS.bodyEncoding] === 'base64') return undefined;
  const original: Record<string, string> = {};
  for (const [name, v] of Object.entries(headers)) if (!name.startsWith('hearth-dlq-')) original[name] = v;
  original['ce_id'] = info.eventId;
  original['hearth-replayed-from'] = `${info.sourceTopic}/${info.sourcePartition ?? ''}/${info.sourceOffset ?? ''}`;
  return { topic: info.sourceTopic, key, value, headers: original };
}
