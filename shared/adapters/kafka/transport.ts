/**
 * The small Kafka contract the rest of the adapter is written against, so kafkajs can be swapped for
 * another client (e.g. a librdkafka binding) by writing one new implementation of this file.
 */
import type { OutgoingMessage } from '../../core/ports.ts';

/** One consumed record; key and headers decoded as UTF-8, offsets and timestamps as decimal strings. */
export interface TransportRecord {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  offset: string;
  timestamp: string;
}

/** The records of one partition fetched together, in offset order. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  records: readonly TransportRecord[];
  /** Tells the group coordinator this member is alive; call it during long work. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping. */
  isRunning(): boolean;
  /** True when the batch no longer reflects the partition position (a seek or a lost assignment). */
  isStale(): boolean;
}

/** What a consumer reads: one group over some topics. */
export interface ConsumerOptions {
  groupId: string;
  topics: readonly string[];
  /** Where a group without committed offsets starts. Default true (earliest). */
  fromBeginning?: boolean;
  /** Partition batches handled at the same time (different partitions). Default 1. */
  partitionsConcurrently?: number;
  /** Group session timeout; a member silent for longer is removed. Default 30 s. */
  sessionTimeoutMs?: number;
  /** How long the group waits for members to rejoin in a rebalance. Default 60 s. */
  rebalanceTimeoutMs?: number;
  /** Called when the client stops consuming for good (a crash it will not restart from). */
  onCrash?: (error: Error) => void;
  /** How long the broker may hold a fetch open waiting for records. Default 1 s. */
  maxWaitMs?: number;
}

/** A group member. Offsets are committed only through {@link TransportConsumer.commit}. */
export interface TransportConsumer {
  /** Starts fetching; `onBatch` runs per partition batch, throwing makes the batch be delivered again. */
  run(onBatch: (batch: PartitionBatch) => Promise<void>): Promise<void>;
  /** Commits `nextOffset` (the offset of the next record to read) for the group. */
  commit(topic: string, partition: number, nextOffset: string): Promise<void>;
  /** Stops fetching these partitions (all assigned ones when `partitions` is omitted). */
  pause(topic: string, partitions?: readonly number[]): void;
  resume(topic: string, partitions?: readonly number[]): void;
  /** Waits for running batches, leaves the group and disconnects. */
  stop(): Promise<void>;
}

/**
 * Publishes records; idempotent, acknowledged by all in-sync replicas. A broker outage rejects with
 * DependencyUnavailableError('kafka'); a refused record (too large, unknown topic) with kafkajs' error.
 */
export interface TransportProducer {
  send(messages: readonly OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** Consumer-group position on one partition. `committed` is null when the group never committed there. */
export interface PartitionLag {
  topic: string;
  partition: number;
  committed: string | null;
  /** The log start offset (first readable record). */
  start: string;
  /** The high watermark: offset of the next record to be written. */
  end: string;
  lag: number;
}

/** Cluster administration the runtime and its tools need. */
export interface TransportAdmin {
  /** Creates the topics that do not exist yet. */
  ensureTopics(names: readonly string[], partitions: number): Promise<void>;
  /** Names of the topics the cluster has. */
  listTopics(): Promise<string[]>;
  groupLag(groupId: string, topics: readonly string[]): Promise<PartitionLag[]>;
  /** Deletes the topics that exist. */
  deleteTopics(names: readonly string[]): Promise<void>;
  deleteGroups(groupIds: readonly string[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** A Kafka client: the factory of producers, consumers and admins. */
export interface KafkaTransport {
  producer(): Promise<TransportProducer>;
  consumer(options: ConsumerOptions): Promise<TransportConsumer>;
  admin(): Promise<TransportAdmin>;
}
