import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { cron, defineFunction, eventIdOf, kafka } from '../../core/index.ts';
import type { ReceivedCloudEvent } from './cloudevent.ts';
import { cloudEventToEnvelope, coordinates, PING_EVENT_TYPE, truncateToMinute } from './envelope.ts';

const orders = defineFunction({ name: 'orders-fn', trigger: kafka({ topic: 'orders', schema: z.object({}) }), handler: () => {} });
const digest = defineFunction({ name: 'digest', trigger: cron({ schedule: '* * * * *' }), handler: () => {} });

function event(attributes: Record<string, string>, data: string | null = '{}'): ReceivedCloudEvent {
  const all = { specversion: '1.0', source: '/s', type: 't', id: 'id-1', ...attributes };
  return { mode: 'binary', specversion: '1.0', id: all.id, source: all.source, type: all.type, attributes: all, data: data === null ? null : Buffer.from(data) };
}

describe('cloudEventToEnvelope (kafka)', () => {
  it('maps a plain record from KafkaSource to topic/partition/offset, key and kafka headers', () => {
    const envelope = cloudEventToEnvelope(
      orders,
      event({
        id: 'partition:2/offset:41',
        subject: 'partition:2#41',
        source: '/apis/v1/namespaces/hearth/kafkasources/orders-fn#orders',
        type: 'dev.knative.kafka.event',
        key: 'cust-9',
        kafkaheadertenant: 'acme',
      }),
      new Date(),
    );
    expect(envelope.source).toEqual({ kind: 'kafka', topic: 'orders', partition: 2, offset: '41' });
    expect(envelope.key).toBe('cust-9');
    expect(envelope.headers['tenant']).toBe('acme');
    expect(envelope.attempt).toBe(1);
    // The synthetic id becomes the local host's id for the same record.
    expect(eventIdOf(envelope)).toBe('orders/2/41');
  });

  it('keeps the id of a record that was already a CloudEvent and reads knativekafka* coordinates', () => {
    const envelope = cloudEventToEnvelope(orders, event({ id: 'abc', knativekafkapartition: '1', knativekafkaoffset: '9' }), new Date());
    expect(eventIdOf(envelope)).toBe('abc');
    expect(envelope.source).toMatchObject({ partition: 1, offset: '9', topic: 'orders' });
    expect(envelope.key).toBeNull();
  });

  it('refuses a PingSource event for a kafka function', () => {
    expect(() => cloudEventToEnvelope(orders, event({ type: PING_EVENT_TYPE }), new Date())).toThrow(/Kafka-triggered/);
  });

  it('reports unknown coordinates as -1', () => {
    expect(coordinates(event({ id: 'x' }))).toEqual({ partition: -1, offset: '-1' });
  });
});

describe('cloudEventToEnvelope (cron)', () => {
  it('turns the ping time into a minute-truncated scheduledAt shared by redeliveries', () => {
    const first = cloudEventToEnvelope(digest, event({ type: PING_EVENT_TYPE, id: 'u1', time: '2025-03-01T10:07:00.412Z' }), new Date());
    const again = cloudEventToEnvelope(digest, event({ type: PING_EVENT_TYPE, id: 'u2', time: '2025-03-01T10:07:01.9Z' }), new Date());
    expect(first.source).toEqual({ kind: 'cron', scheduledAt: new Date('2025-03-01T10:07:00.000Z') });
    expect(eventIdOf(first)).toBe(eventIdOf(again));
    expect(eventIdOf(first)).toBe('cron@2025-03-01T10:07:00.000Z');
  });

  it('uses the clock when time is absent, and checks the target named in the data', () => {
    const envelope = cloudEventToEnvelope(digest, event({ type: PING_EVENT_TYPE }, null), new Date('2025-01-01T00:00:59Z'));
    expect(envelope.source).toEqual({ kind: 'cron', scheduledAt: new Date('2025-01-01T00:00:00Z') });
    expect(() => cloudEventToEnvelope(digest, event({ type: PING_EVENT_TYPE }, '{"function":"other"}'), new Date())).toThrow(/"other"/);
    expect(() => cloudEventToEnvelope(digest, event({ type: 'x' }), new Date())).toThrow(/PingSource/);
    expect(() => cloudEventToEnvelope(digest, event({ type: PING_EVENT_TYPE, time: 'yesterday' }), new Date())).toThrow(/RFC 3339/);
  });

  it('truncates to the minute', () => {
    expect(truncateToMinute(new Date('2025-01-01T03:00:59.999Z')).toISOString()).toBe('2025-01-01T03:00:00.000Z');
  });
});
