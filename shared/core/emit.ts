import { createHash } from 'node:crypto';
import type { EventMeta } from './envelope.ts';
import { NonRetriableError } from './errors.ts';
import type { OutgoingMessage } from './ports.ts';
import { isTopicName } from './topic.ts';

/** Largest emitted payload: Kafka's default record limit (1 MiB) less room for key and headers. */
const MAX_EMIT_BYTES = 1_000_000;

/** Options of `ctx.emit`. */
export interface EmitOptions {
  key?: string | null;
  headers?: Record<string, string>;
}

/** The emit function handed to handlers and transaction bodies. */
export type Emit = (topic: string, payload: unknown, options?: EmitOptions) => void;

/**
 * An emit that queues outbox records into `messages`. Ids derive from `seed` (the source event, or a
 * journaled step) and the emit's position, so a re-run of the same work emits the same ids.
 * @example const messages: OutgoingMessage[] = []; const emit = collectingEmit(fn.name, meta.id, meta, messages)
 */
export function collectingEmit(
  fnName: string,
  seed: string,
  meta: Pick<EventMeta, 'id' | 'traceparent'>,
  messages: OutgoingMessage[],
): Emit {
  return (topic, payload, options) =>
    messages.push(outgoingMessage(fnName, seed, messages.length, meta, topic, payload, options));
}

/**
 * Builds the outbox record of one emit: JSON body and CloudEvents headers (Kafka binary binding).
 * @example outgoingMessage('orders', 'orders/0/12', 0, meta, 'orders.placed', { id: 1 })
 */
export function outgoingMessage(
  fnName: string,
  seed: string,
  index: number,
  meta: Pick<EventMeta, 'id' | 'traceparent'>,
  topic: string,
  payload: unknown,
  options: EmitOptions = {},
): OutgoingMessage {
  if (!isTopicName(topic)) {
    throw new NonRetriableError(
      `emit(${JSON.stringify(topic)}): not a valid topic name (letters, digits, ".", "_", "-"; at most 249)`,
    );
  }
  let value: string | undefined;
  try {
    value = JSON.stringify(payload);
  } catch (error) {
    throw new NonRetriableError(`emit("${topic}"): payload is not JSON-serializable: ${(error as Error).message}`);
  }
  if (value === undefined) throw new NonRetriableError(`emit("${topic}"): payload is not JSON-serializable`);
  if (Buffer.byteLength(value) > MAX_EMIT_BYTES) {
    throw new NonRetriableError(
      `emit("${topic}"): payload is ${Buffer.byteLength(value)} bytes, more than the ${MAX_EMIT_BYTES} a Kafka record takes by default`,
    );
  }
  const id = createHash('sha256').update(`${fnName}\u0000${seed}\u0000${index}`).digest('hex').slice(0, 32);
  const headers: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: id,
    ce_source: `hearth/${fnName}`,
    ce_type: `hearth.${topic}`,
    ce_time: new Date().toISOString(),
    'content-type': 'application/json',
    'hearth-causation-id': meta.id,
    ...(meta.traceparent ? { traceparent: meta.traceparent } : {}),
    ...options.headers,
  };
  return { topic, key: options.key ?? null, value, headers };
}
