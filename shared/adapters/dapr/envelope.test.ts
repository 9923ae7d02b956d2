import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineFunction, eventIdOf, kafka } from '../../core/index.ts';
import { readCloudEvent } from '../knative/index.ts';
import { bulkEntryEvent, daprEventToEnvelope, isDaprWrapped } from './envelope.ts';

const fn = defineFunction({
  name: 'orders-fn',
  trigger: kafka({ topic: 'orders', schema: z.object({ id: z.string() }) }),
  handler: () => undefined,
});

/** What daprd POSTs for a raw Kafka record with rawPayload: its own CloudEvent with a random id. */
function rawDelivery(payload: object, id: string) {
  const body = {
    id,
    specversion: '1.0',
    datacontenttype: 'application/octet-stream',
    source: 'Dapr',
    type: 'com.dapr.event.sent',
    topic: 'orders',
    pubsubname: 'hearth-pubsub',
    data_base64: Buffer.from(JSON.stringify(payload)).toString('base64'),
  };
  return readCloudEvent({ 'content-type': 'application/cloudevents+json' }, Buffer.from(JSON.stringify(body)));
}

describe('daprEventToEnvelope', () => {
  it('keys a raw record by topic/partition/offset, not by the random id Dapr gives each delivery', () => {
    const metadata = { __topic: 'orders', __partition: '2', __offset: '41', __key: 'k1' };
    const first = daprEventToEnvelope(fn, rawDelivery({ id: 'a' }, 'uuid-1'), metadata);
    const again = daprEventToEnvelope(fn, rawDelivery({ id: 'a' }, 'uuid-2'), metadata);
    expect(eventIdOf(first)).toBe('orders/2/41');
    expect(eventIdOf(again)).toBe(eventIdOf(first));
    expect(first.key).toBe('k1');
    expect(first.source).toEqual({ kind: 'kafka', topic: 'orders', partition: 2, offset: '41' });
    expect(JSON.parse(Buffer.from(first.body as Uint8Array).toString('utf8'))).toEqual({ id: 'a' });
    expect(first.attempt).toBe(1);
  });

  it("uses the record's ce_id header and keeps CloudEvents, trace and Hearth headers", () => {
    const metadata = {
      __topic: 'orders',
      __partition: '0',
      __offset: '1',
      ce_id: 'evt-7',
      ce_type: 'hearth.orders',
      'hearth-causation-id': 'c1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'user-agent': 'fasthttp',
    };
    const envelope = daprEventToEnvelope(fn, rawDelivery({ id: 'a' }, 'uuid-3'), metadata);
    expect(eventIdOf(envelope)).toBe('evt-7');
    expect(envelope.headers).toEqual({
      ce_id: 'evt-7',
      ce_type: 'hearth.orders',
      'hearth-causation-id': 'c1',
      traceparent: metadata.traceparent,
    });
  });

  it("takes a structured CloudEvent record's own id and attributes", () => {
    const event = readCloudEvent(
      { 'content-type': 'application/cloudevents+json' },
      Buffer.from(
        JSON.stringify({
          specversion: '1.0',
          id: 'pub-1',
          source: 'shop',
          type: 'order.created',
          datacontenttype: 'application/json',
          data: { id: 'b' },
          topic: 'orders',
        }),
      ),
    );
    expect(isDaprWrapped(event)).toBe(false);
    const envelope = daprEventToEnvelope(fn, event, { __topic: 'orders', __partition: '1', __offset: '9' });
    expect(eventIdOf(envelope)).toBe('pub-1');
    expect(envelope.headers['ce_source']).toBe('shop');
    expect(envelope.headers['content-type']).toBe('application/json');
  });

  it('falls back to the CloudEvent id when Dapr passes no Kafka coordinates', () => {
    const envelope = daprEventToEnvelope(fn, rawDelivery({ id: 'a' }, 'uuid-9'), {});
    expect(eventIdOf(envelope)).toBe('uuid-9');
    expect(envelope.source).toEqual({ kind: 'kafka', topic: 'orders', partition: -1, offset: '-1' });
  });
});

describe('bulkEntryEvent', () => {
  it('decodes a rawPayload entry (base64 string) as a Dapr-wrapped event', () => {
    const event = bulkEntryEvent(
      { entryId: 'e1', event: Buffer.from('{"id":"x"}').toString('base64'), contentType: 'application/octet-stream' },
      'orders',
    );
    expect(isDaprWrapped(event)).toBe(true);
    expect(Buffer.from(event.data as Uint8Array).toString('utf8')).toBe('{"id":"x"}');
  });

  it('names the entry when its event is neither an object nor a string', () => {
    expect(() => bulkEntryEvent({ entryId: 'e2', event: 42 }, 'orders')).toThrow(/bulk entry "e2"/);
  });
});
