import { randomBytes, randomUUID } from 'node:crypto';
import { kafkajsTransport } from '../../shared/adapters/kafka/kafkajs-transport.ts';
import { readToEnd } from '../../shared/adapters/kafka/read-to-end.ts';
import type { KafkaTransport, TransportRecord } from '../../shared/adapters/kafka/transport.ts';
import { jsonLogger } from '../../shared/core/logger.ts';
import type { Logger, OutgoingMessage } from '../../shared/core/ports.ts';

/** The broker integration tests use; scripts/services.sh serves it locally. */
export const TEST_KAFKA_BROKERS = (process.env['KAFKA_BROKERS'] ?? 'localhost:9092').split(',');

/** Logs only errors, to stderr, so test output stays readable. */
export const testLog: Logger = jsonLogger({ level: 'error', write: (line) => void process.stderr.write(line) });

/**
 * A kafkajs transport on the test broker.
 * @example const transport = testKafkaTransport()
 */
export function testKafkaTransport(log: Logger = testLog): KafkaTransport {
  return kafkajsTransport(
    { brokers: TEST_KAFKA_BROKERS, clientId: 'hearth-test', ssl: false },
    { log, logLevel: 'error' },
  );
}

/**
 * A random DNS-label-safe name, usable as a topic and as a function name.
 * @example uniqueName('orders') // "orders-3f9a1c2b"
 */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * Creates the topics with `partitions` partitions each.
 * @example await createTopics(transport, [topic], 4)
 */
export async function createTopics(transport: KafkaTransport, names: readonly string[], partitions = 4): Promise<void> {
  const admin = await transport.admin();
  try {
    await admin.ensureTopics(names, partitions);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Deletes topics and consumer groups a test made; missing ones are ignored.
 * @example afterAll(() => cleanupKafka(transport, [topic, dlq], [groupId]))
 */
export async function cleanupKafka(
  transport: KafkaTransport,
  topics: readonly string[],
  groups: readonly string[] = [],
): Promise<void> {
  const admin = await transport.admin();
  try {
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.deleteTopics(topics).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Publishes messages in order and waits for the acknowledgements.
 * @example await produce(transport, [{ topic, key: 'k', value: '{}', headers: {} }])
 */
export async function produce(transport: KafkaTransport, messages: readonly OutgoingMessage[]): Promise<void> {
  const producer = await transport.producer();
  try {
    await producer.send(messages);
  } finally {
    await producer.disconnect();
  }
}

/** A record with its partition, as read back by {@link readAllRecords}. */
export type ReadRecord = TransportRecord & { partition: number };

/**
 * Reads every record of a topic currently present, leaving no consumer group behind.
 * @example const records = await readAllRecords(transport, topic)
 */
export async function readAllRecords(transport: KafkaTransport, topic: string): Promise<ReadRecord[]> {
  const groupId = `hearth.test-read.${randomUUID()}`;
  const records: ReadRecord[] = [];
  try {
    await readToEnd(transport, topic, {
      groupId,
      handle: (partition, batch) => void records.push(...batch.map((r) => ({ ...r, partition }))),
    });
  } finally {
    await cleanupKafka(transport, [], [groupId]);
  }
  return records;
}

/**
 * Polls `check` until it returns true, failing with `what` after `timeoutMs`.
 * @example await waitUntil('all rows written', async () => (await count()) === 1000)
 */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
