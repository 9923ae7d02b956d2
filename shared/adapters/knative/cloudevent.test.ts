import { describe, expect, it } from 'vitest';
import { InvalidCloudEventError, readCloudEvent } from './cloudevent.ts';

const binaryHeaders = {
  'ce-specversion': '1.0',
  'ce-id': 'partition:0/offset:7',
  'ce-source': '/apis/v1/namespaces/hearth/kafkasources/orders#orders',
  'ce-type': 'dev.knative.kafka.event',
  'ce-key': 'customer-1',
  'ce-kafkaheadertenant': 'acme%20corp',
  'content-type': 'application/json',
};

describe('readCloudEvent', () => {
  it('reads a binary-mode event: attributes from ce- headers, data from the body', () => {
    const event = readCloudEvent(binaryHeaders, Buffer.from('{"a":1}'));
    expect(event.mode).toBe('binary');
    expect(event.id).toBe('partition:0/offset:7');
    expect(event.attributes['key']).toBe('customer-1');
    expect(event.attributes['kafkaheadertenant']).toBe('acme corp');
    expect(event.attributes['datacontenttype']).toBe('application/json');
    expect(Buffer.from(event.data ?? []).toString()).toBe('{"a":1}');
  });

  it('reads a structured-mode event with data and with data_base64', () => {
    const base = { specversion: '1.0', id: 'x1', source: '/s', type: 't', datacontenttype: 'application/json', key: 'k' };
    const withData = readCloudEvent(
      { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      Buffer.from(JSON.stringify({ ...base, data: { amount: 3 } })),
    );
    expect(withData.mode).toBe('structured');
    expect(JSON.parse(Buffer.from(withData.data ?? []).toString())).toEqual({ amount: 3 });
    expect(withData.attributes['key']).toBe('k');
    const withBase64 = readCloudEvent(
      { 'content-type': 'application/cloudevents+json' },
      Buffer.from(JSON.stringify({ ...base, data_base64: Buffer.from('{"amount":4}').toString('base64') })),
    );
    expect(Buffer.from(withBase64.data ?? []).toString()).toBe('{"amount":4}');
  });

  it('names the missing attribute', () => {
    const noType: Record<string, string> = { ...binaryHeaders };
    delete noType['ce-type'];
    expect(() => readCloudEvent(noType, Buffer.from('{}'))).toThrow(/ce-type/);
    expect(() => readCloudEvent({ 'content-type': 'application/json' }, Buffer.from('{}'))).toThrow(/ce-specversion/);
    expect(() =>
      readCloudEvent({ 'content-type': 'application/cloudevents+json' }, Buffer.from('{"specversion":"1.0","id":"1","type":"t"}')),
    ).toThrow(/"source"/);
  });

  it('rejects other spec versions, batches, bad JSON and both data forms', () => {
    expect(() => readCloudEvent({ ...binaryHeaders, 'ce-specversion': '0.3' }, Buffer.from('{}'))).toThrow(/specversion "0.3"/);
    expect(() => readCloudEvent({ 'content-type': 'application/cloudevents-batch+json' }, Buffer.from('[]'))).toThrow(InvalidCloudEventError);
    expect(() => readCloudEvent({ 'content-type': 'application/cloudevents+json' }, Buffer.from('{'))).toThrow(/not valid JSON/);
    const both = { specversion: '1.0', id: '1', source: '/s', type: 't', data: 1, data_base64: 'MQ==' };
    expect(() => readCloudEvent({ 'content-type': 'application/cloudevents+json' }, Buffer.from(JSON.stringify(both)))).toThrow(/at most one/);
  });
});
