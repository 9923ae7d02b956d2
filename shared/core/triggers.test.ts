import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { decodeEvent } from './decode.ts';
import { kafka } from './triggers.ts';

const source = { kind: 'kafka', topic: 'a.dlq', partition: 0, offset: '1' } as const;

describe('kafka() topics and format', () => {
  it('takes one topic or a list, the first being `topic`', () => {
    expect(kafka({ topic: 'orders', schema: z.unknown() })).toMatchObject({
      topic: 'orders',
      topics: ['orders'],
      format: 'json',
    });
    expect(kafka({ topics: ['a.dlq', 'b.dlq'], schema: z.unknown() })).toMatchObject({
      topic: 'a.dlq',
      topics: ['a.dlq', 'b.dlq'],
    });
  });
  it('rejects neither, both, empty, duplicate or invalid topics with a clear message', () => {
    expect(() => kafka({ schema: z.unknown() })).toThrow(/exactly one of topic and topics/);
    expect(() => kafka({ topic: 'a', topics: ['b'], schema: z.unknown() })).toThrow(/exactly one of topic and topics/);
    expect(() => kafka({ topics: [], schema: z.unknown() })).toThrow(/at least one topic/);
    expect(() => kafka({ topics: ['a', 'a'], schema: z.unknown() })).toThrow(/duplicates/);
    expect(() => kafka({ topics: ['ok', 'bad topic'], schema: z.unknown() })).toThrow(/"bad topic" must match/);
  });
  it("format 'text' hands the handler the body text, even when it is not JSON", () => {
    const trigger = kafka({ topics: ['a.dlq'], format: 'text', schema: z.string() });
    const envelope = { body: Buffer.from('{not json'), key: null, headers: {}, source, attempt: 1 };
    expect(decodeEvent(trigger, envelope)).toBe('{not json');
    expect(decodeEvent(trigger, { ...envelope, body: Buffer.alloc(0) })).toBe('');
    expect(() => decodeEvent(kafka({ topic: 'a.dlq', schema: z.unknown() }), envelope)).toThrow(/not JSON/);
  });
});
