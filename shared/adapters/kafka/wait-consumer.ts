import { dependencyOf } from '../../core/errors.ts';
import type { AnyFunction } from '../../core/define.ts';
import { resolveWaitEvent } from '../../core/durable/resolve.ts';
import type { DurableStore } from '../../core/durable/types.ts';
import type { DependencyGate } from '../../core/health.ts';
import type { Logger } from '../../core/ports.ts';
import { heartbeatingWait } from './heartbeat-wait.ts';
import type { KafkaTransport, TransportConsumer } from './transport.ts';

/** Options of {@link startWaitConsumer}. */
export interface WaitConsumerOptions {
  transport: KafkaTransport;
  store: DurableStore;
  log: Logger;
  gate?: DependencyGate;
  /** Called after waits were answered, to resume their executions at once. */
  onResolved: () => void;
}

/** A running wait consumer. */
export interface WaitConsumer {
  readonly groupId: string;
  stop(): Promise<void>;
}

/**
 * The consumer group that answers a durable function's waits: `hearth.<function>.waits`.
 * @example waitGroupId(notifier) // "hearth.notifier-agent.waits"
 */
export function waitGroupId(fn: AnyFunction): string {
  return `hearth.${fn.name}.waits`;
}

/**
 * Reads the topics a durable function waits on (`durable.waitsFor`) and answers its waits: each event
 * that matches a wait registered before it was produced is journaled as that wait's result. A
 * dependency outage holds the batch (heartbeating) until it is back; nothing is skipped.
 * @example const waits = await startWaitConsumer(fn, { transport, store, log, onResolved: () => resumer.wake() })
 */
export async function startWaitConsumer(
  fn: AnyFunction,
  options: WaitConsumerOptions,
): Promise<WaitConsumer | undefined> {
  const topics = fn.durable?.waitsFor ?? [];
  if (topics.length === 0) return undefined;
  const groupId = waitGroupId(fn);
  const log = options.log.child({ function: fn.name, component: 'wait-consumer', groupId });
  const consumer: TransportConsumer = await options.transport.consumer({ groupId, topics, fromBeginning: true });
  await consumer.run(async (batch) => {
    const pause = heartbeatingWait(() => batch.heartbeat(), 1_000, log);
    let resolved = 0;
    for (const record of batch.records) {
      for (;;) {
        try {
          const woken = await resolveWaitEvent(
            options.store,
            [fn.name],
            batch.topic,
            record.value,
            undefined,
            new Date(Number(record.timestamp)),
          );
          resolved += woken.length;
          break;
        } catch (error) {
          const dependency = dependencyOf(error);
          if (!dependency) throw error;
          options.gate?.markDown(dependency, error);
          do await pause(500);
          while (options.gate && !options.gate.isUp(dependency) && batch.isRunning());
          if (!batch.isRunning()) return;
        }
      }
    }
    const last = batch.records.at(-1);
    // Answering a wait twice is a no-op (the journal keeps the first answer), so one commit per batch.
    if (last) await consumer.commit(batch.topic, batch.partition, (BigInt(last.offset) + 1n).toString());
    if (resolved > 0) {
      log.debug('waits answered', { count: resolved });
      options.onResolved();
    }
  });
  return { groupId, stop: () => consumer.stop() };
}
