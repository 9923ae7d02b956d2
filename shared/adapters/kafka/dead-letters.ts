import { randomUUID } from 'node:crypto';
import { readDeadLetter, replayMessage, type DeadLetterInfo } from '../../core/dead-letter.ts';
import type { OutgoingMessage } from '../../core/ports.ts';
import { readToEnd } from './read-to-end.ts';
import type { KafkaTransport } from './transport.ts';

/** One record of a dead-letter topic. `info` is undefined when it is not a Hearth dead letter. */
export interface DeadLetterRecord {
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
  info: DeadLetterInfo | undefined;
}

/** Progress of a listing or replay: records handled so far out of those present when it began. */
export type ProgressListener = (progress: { done: number; total: number }) => void;

/**
 * Reads a dead-letter topic from the beginning to its current end without leaving a consumer group
 * behind (a throwaway group is deleted afterwards). Sorted by time, then partition and offset.
 * @example const letters = await listDeadLetters(transport, 'order-ledger.dlq', { limit: 100 })
 */
export async function listDeadLetters(
  transport: KafkaTransport,
  topic: string,
  options: { limit?: number; onProgress?: ProgressListener } = {},
): Promise<DeadLetterRecord[]> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const groupId = `hearth.list.${topic}.${randomUUID()}`;
  const found: DeadLetterRecord[] = [];
  try {
    await readToEnd(transport, topic, {
      groupId,
      onProgress: options.onProgress,
      handle: (partition, records) => {
        for (const r of records) {
          if (found.length >= limit) break;
          const value = r.value?.toString('utf8') ?? '';
          found.push({
            partition,
            offset: r.offset,
            timestamp: r.timestamp,
            key: r.key,
            value,
            headers: r.headers,
            info: readDeadLetter(r.headers),
          });
        }
        return found.length < limit;
      },
    });
  } finally {
    await deleteGroupQuietly(transport, groupId);
  }
  return found.sort(
    (a, b) =>
      Number(a.timestamp) - Number(b.timestamp) ||
      a.partition - b.partition ||
      Number(BigInt(a.offset) - BigInt(b.offset)),
  );
}

/**
 * The group that remembers how far a dead-letter topic was replayed.
 * @example replayGroupId('order-ledger.dlq') // "hearth.replay.order-ledger.dlq"
 */
export function replayGroupId(topic: string): string {
  return `hearth.replay.${topic}`;
}

/**
 * Publishes each dead letter not replayed before back to its source topic under its original event id,
 * so a function that already processed it sees a duplicate. Progress is committed per batch in the group
 * {@link replayGroupId}, so a second call replays only newer dead letters. Records the filter rejects are
 * passed over too (they stay listed by {@link listDeadLetters}). Returns how many were replayed.
 * @example const n = await replayDeadLetters(transport, 'order-ledger.dlq', { filter: (r) => r.info?.reason === 'retries-exhausted' })
 */
export async function replayDeadLetters(
  transport: KafkaTransport,
  topic: string,
  options: { filter?: (record: DeadLetterRecord) => boolean; onProgress?: ProgressListener } = {},
): Promise<number> {
  const producer = await transport.producer();
  let replayed = 0;
  try {
    await readToEnd(transport, topic, {
      groupId: replayGroupId(topic),
      onProgress: options.onProgress,
      handle: async (partition, records) => {
        const messages: OutgoingMessage[] = [];
        for (const r of records) {
          const value = r.value?.toString('utf8') ?? '';
          const record = {
            partition,
            offset: r.offset,
            timestamp: r.timestamp,
            key: r.key,
            value,
            headers: r.headers,
            info: readDeadLetter(r.headers),
          };
          if (options.filter && !options.filter(record)) continue;
          const message = replayMessage(r.headers, r.key, value);
          if (message) messages.push(message);
        }
        // Acknowledged before readToEnd commits the batch, so a crash replays again rather than never.
        await producer.send(messages);
        replayed += messages.length;
      },
    });
  } finally {
    await producer.disconnect();
  }
  return replayed;
}

async function deleteGroupQuietly(transport: KafkaTransport, groupId: string): Promise<void> {
  const admin = await transport.admin();
  try {
    // The member may take a moment to leave; deleting a non-empty group fails, so try a few times.
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      try {
        await admin.deleteGroups([groupId]);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
