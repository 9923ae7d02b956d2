import type { OutgoingMessage } from '../../core/ports.ts';
import type { KafkaTransport } from './transport.ts';

/** Publishes records durably (acks from all in-sync replicas); the outbox relay's sink. */
export interface Publisher {
  publish(messages: OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * A publisher on its own idempotent producer. `publish` resolves only once every record is acknowledged,
 * so the relay may then mark its outbox rows as sent; a failure rejects and the relay retries later.
 * @example const publisher = await kafkaPublisher(transport); await publisher.publish(rows)
 */
export async function kafkaPublisher(transport: KafkaTransport): Promise<Publisher> {
  const producer = await transport.producer();
  return {
    publish: (messages) => producer.send(messages),
    close: () => producer.disconnect(),
  };
}
