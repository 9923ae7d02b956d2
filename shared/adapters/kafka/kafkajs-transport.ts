import { Kafka, Partitioners, type EachBatchPayload, type IHeaders, type KafkaMessage } from 'kafkajs';
import { DependencyUnavailableError } from '../../core/errors.ts';
import type { LogLevel } from '../../core/logger.ts';
import { isKafkaOutage } from './errors.ts';
import { quietKafkajsTimeoutWarning } from './timeout-warning.ts';
import type { Logger, OutgoingMessage } from '../../core/ports.ts';
import { kafkaConnectionFromEnv, kafkajsConfig, type KafkaConnection } from './kafkajs-config.ts';
import type {
  ConsumerOptions,
  KafkaTransport,
  PartitionLag,
  TransportAdmin,
  TransportConsumer,
  TransportProducer,
  TransportRecord,
} from './transport.ts';

/** Options of {@link kafkajsTransport}. */
export interface KafkajsTransportOptions {
  log: Logger;
  /** Level of kafkajs' own logs. Default warn. */
  logLevel?: LogLevel;
  /** Send retries before a publish fails to the caller. Default 10 (about a minute of backoff). */
  producerRetries?: number;
}

/**
 * The Kafka transport on kafkajs.
 * @example const transport = kafkajsTransport({ brokers: ['localhost:9092'], clientId: 'hearth', ssl: false }, { log })
 */
export function kafkajsTransport(connection: KafkaConnection, options: KafkajsTransportOptions): KafkaTransport {
  quietKafkajsTimeoutWarning();
  const kafka = new Kafka(kafkajsConfig(connection, options.log, options.logLevel ?? 'warn'));
  return {
    producer: () => connectProducer(kafka, options.producerRetries ?? 10),
    consumer: (consumerOptions) => connectConsumer(kafka, consumerOptions),
    admin: () => connectAdmin(kafka),
  };
}

/**
 * The kafkajs transport configured from KAFKA_BROKERS, KAFKA_CLIENT_ID, KAFKA_SSL, KAFKA_SASL_*.
 * @example const transport = kafkaTransportFromEnv(process.env, { log })
 */
export function kafkaTransportFromEnv(
  env: Record<string, string | undefined>,
  options: KafkajsTransportOptions,
): KafkaTransport {
  return kafkajsTransport(kafkaConnectionFromEnv(env), options);
}

async function connectProducer(kafka: Kafka, retries: number): Promise<TransportProducer> {
  const producer = kafka.producer({
    idempotent: true,
    // Idempotence keeps order with up to 5 in flight on the broker side; kafkajs is safest with 1.
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries },
  });
  await producer.connect();
  return {
    async send(messages) {
      if (messages.length === 0) return;
      const byTopic = new Map<string, OutgoingMessage[]>();
      for (const m of messages) {
        const list = byTopic.get(m.topic);
        if (list) list.push(m);
        else byTopic.set(m.topic, [m]);
      }
      try {
        await producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, list]) => ({
            topic,
            messages: list.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
          })),
        });
      } catch (error) {
        if (isKafkaOutage(error))
          throw new DependencyUnavailableError('kafka', (error as Error).message, { cause: error });
        throw error;
      }
    },
    disconnect: () => producer.disconnect(),
  };
}

async function connectConsumer(kafka: Kafka, options: ConsumerOptions): Promise<TransportConsumer> {
  const consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    rebalanceTimeout: options.rebalanceTimeoutMs ?? 60_000,
    heartbeatInterval: Math.max(500, Math.floor((options.sessionTimeoutMs ?? 30_000) / 10)),
    // Stopping waits for the fetch in flight; a short long-poll keeps drains quick at ~1 idle fetch/s.
    maxWaitTimeInMs: options.maxWaitMs ?? 1_000,
  });
  await consumer.connect();
  // kafkajs restarts after most crashes; after the others it stops consuming without a word.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) options.onCrash?.(payload.error);
  });
  try {
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? true });
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  // Batches being handled, by "topic/partition". kafkajs ignores consumer.commitOffsets once stop() has
  // begun, but a batch payload's own commit still works, which a draining consumer needs.
  const live = new Map<string, EachBatchPayload>();
  return {
    run: (onBatch) =>
      consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConcurrently ?? 1,
        eachBatch: async (payload) => {
          const { topic, partition } = payload.batch;
          const id = `${topic}/${partition}`;
          let rebalancing = false;
          live.set(id, payload);
          try {
            await onBatch({
              topic,
              partition,
              records: payload.batch.messages.map(toRecord),
              heartbeat: async () => {
                try {
                  await payload.heartbeat();
                } catch (error) {
                  // The group is rebalancing: this member may lose the partition, so start nothing new.
                  if (isRebalance(error)) rebalancing = true;
                  throw error;
                }
              },
              isRunning: () => payload.isRunning(),
              isStale: () => rebalancing || payload.isStale(),
            });
          } finally {
            live.delete(id);
          }
        },
      }),
    async commit(topic, partition, nextOffset) {
      const offsets = { topics: [{ topic, partitions: [{ partition, offset: nextOffset }] }] };
      const payload = live.get(`${topic}/${partition}`);
      if (!payload) return consumer.commitOffsets([{ topic, partition, offset: nextOffset }]);
      // Resolving moves kafkajs' fetch position too; without it the next fetch re-reads these records.
      payload.resolveOffset((BigInt(nextOffset) - 1n).toString());
      await payload.commitOffsetsIfNecessary(offsets);
    },
    pause: (topic, partitions) => consumer.pause([partitions ? { topic, partitions: [...partitions] } : { topic }]),
    resume: (topic, partitions) => consumer.resume([partitions ? { topic, partitions: [...partitions] } : { topic }]),
    stop: () => consumer.disconnect(),
  };
}

/**
 * Retries an admin call on errors the broker marks retriable (a coordinator still loading or moving,
 * as on a fresh cluster while __consumer_offsets is created), which some kafkajs admin calls pass on.
 */
async function retryRetriable<T>(call: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const retriable = (error as { retriable?: unknown } | null)?.retriable === true;
      if (!retriable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** attempt)));
    }
  }
}

/** kafkajs' errors for a heartbeat refused because the group moves on without this member. */
function isRebalance(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return type === 'REBALANCE_IN_PROGRESS' || type === 'UNKNOWN_MEMBER_ID' || type === 'ILLEGAL_GENERATION';
}

function toRecord(message: KafkaMessage): TransportRecord {
  return {
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value,
    headers: decodeHeaders(message.headers),
    offset: message.offset,
    timestamp: message.timestamp,
  };
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    // A repeated header keeps its first value, as CloudEvents attributes are single-valued.
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined) out[name] = value.toString();
  }
  return out;
}

async function connectAdmin(kafka: Kafka): Promise<TransportAdmin> {
  const admin = kafka.admin();
  await admin.connect();
  return {
    async ensureTopics(names, partitions) {
      const existing = new Set(await admin.listTopics());
      const missing = [...new Set(names)].filter((name) => !existing.has(name));
      if (missing.length === 0) return;
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: partitions })),
        });
      } catch (error) {
        // Another process may have created them between listTopics and createTopics.
        const left = new Set(await admin.listTopics());
        if (!missing.every((name) => left.has(name))) throw error;
      }
    },
    listTopics: () => admin.listTopics(),
    async groupLag(groupId, topics) {
      const committed = await retryRetriable(() => admin.fetchOffsets({ groupId, topics: [...topics] }));
      const lags: PartitionLag[] = [];
      for (const topic of topics) {
        const byPartition = new Map(
          committed.find((c) => c.topic === topic)?.partitions.map((p) => [p.partition, p.offset]),
        );
        for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
          const raw = byPartition.get(partition);
          const position = raw !== undefined && BigInt(raw) >= 0n ? raw : null;
          const lag = Number(BigInt(high) - BigInt(position ?? low));
          lags.push({ topic, partition, committed: position, start: low, end: high, lag: Math.max(0, lag) });
        }
      }
      return lags.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    },
    async deleteTopics(names) {
      // kafkajs retries a missing topic for many seconds; deleting what is not there is a no-op here.
      const existing = new Set(await admin.listTopics());
      const present = names.filter((name) => existing.has(name));
      if (present.length > 0) await admin.deleteTopics({ topics: present });
    },
    async deleteGroups(groupIds) {
      if (groupIds.length > 0) await admin.deleteGroups([...groupIds]);
    },
    disconnect: () => admin.disconnect(),
  };
}
