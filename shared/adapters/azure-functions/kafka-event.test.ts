import { describe, expect, it } from 'vitest';
import { BadInputError, eventIdOf } from '../../core/index.ts';
import { kafkaEnvelope } from './kafka-event.ts';

const record = {
  Offset: 42,
  Partition: 3,
  Topic: 'orders',
  Timestamp: '2025-06-01T10:00:00Z',
  Key: 'cust-1',
  Value: '{"id":1}',
  Headers: [
    { Key: 'tenant', Value: Buffer.from('acme').toString('base64') },
    { Key: 'empty', Value: null },
  ],
};

describe('kafkaEnvelope', () => {
  it('maps the extension record: value as body, base64 headers decoded, topic/partition/offset id', () => {
    const envelope = kafkaEnvelope(record);
    expect(Buffer.from(envelope.body ?? []).toString()).toBe('{"id":1}');
    expect(envelope).toMatchObject({
      key: 'cust-1',
      headers: { tenant: 'acme', empty: '' },
      source: { kind: 'kafka', topic: 'orders', partition: 3, offset: '42' },
      attempt: 1,
    });
    expect(eventIdOf(envelope)).toBe('orders/3/42');
  });

  it('takes the JSON string form and the key from trigger metadata', () => {
    const keyless = Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'Key'));
    const envelope = kafkaEnvelope(JSON.stringify(keyless), 'from-metadata');
    expect(envelope.key).toBe('from-metadata');
  });

  it('rejects a batch or a non-record with a message naming the problem', () => {
    expect(() => kafkaEnvelope([record])).toThrow(BadInputError);
    expect(() => kafkaEnvelope([record])).toThrow(/cardinality 'one'/);
    expect(() => kafkaEnvelope({ ...record, Topic: undefined })).toThrow(/"Topic"/);
    expect(() => kafkaEnvelope('not json')).toThrow(/not the JSON of a Kafka record/);
  });
});
