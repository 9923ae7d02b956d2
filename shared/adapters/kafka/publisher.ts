import type { Publisher } from '../../core/ports.ts';
import type { TransportAdmin, TransportProducer } from './transport.ts';

/** Thrown for records whose topic does not exist (and the broker would not create it). */
export class UnknownTopicError extends Error {
  constructor(topic: string) {
    super(`topic "${topic}" does not exist on the broker (create it, or declare it in the function's emits)`);
    this.name = 'UnknownTopicError';
  }
}

/** How long a topic list read from the broker is trusted before a missing topic is looked up again. */
const TOPICS_TTL_MS = 5_000;

/** How {@link kafkaPublisher} treats records for topics the broker does not have. */
export interface MissingTopics {
  admin: () => Promise<TransportAdmin>;
  /** Create them with this many partitions (development, HEARTH_CREATE_TOPICS); otherwise refuse them. */
  createWithPartitions?: number;
}

/**
 * The outbox relay's publisher on a producer. With `missing`, a record for a topic the broker does not
 * have is created first (development) or fails at once with {@link UnknownTopicError} instead of the
 * producer retrying it for a minute, so the relay parks it and moves on.
 * @example const publisher = kafkaPublisher(rt.producer, { admin: () => rt.transport.admin() })
 */
export function kafkaPublisher(producer: TransportProducer, missing?: MissingTopics): Publisher {
  const admin = missing?.admin;
  let known = new Set<string>();
  let readAt = 0;
  const exists = async (topic: string): Promise<boolean> => {
    if (known.has(topic)) return true;
    if (!admin || Date.now() - readAt < TOPICS_TTL_MS) return !admin;
    const client = await admin();
    try {
      known = new Set(await client.listTopics());
      readAt = Date.now();
    } finally {
      await client.disconnect().catch(() => undefined);
    }
    return known.has(topic);
  };
  const create = async (topic: string): Promise<void> => {
    const client = await (admin as () => Promise<TransportAdmin>)();
    try {
      await client.ensureTopics([topic], missing?.createWithPartitions ?? 1);
      known.add(topic);
    } finally {
      await client.disconnect().catch(() => undefined);
    }
  };
  return {
    async publish(messages) {
      for (const topic of new Set(messages.map((m) => m.topic))) {
        if (await exists(topic)) continue;
        if (missing?.createWithPartitions === undefined) throw new UnknownTopicError(topic);
        await create(topic);
      }
      await producer.send(messages);
    },
  };
}
