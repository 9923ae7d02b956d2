import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deadLetterBody, deadLetterMessage, DLQ_HEADERS, replayMessage } from './dead-letter.ts';
import { decodeEvent } from './decode.ts';
import { defineFunction } from './define.ts';
import type { Envelope } from './envelope.ts';
import { kafka } from './triggers.ts';

const fn = defineFunction({ name: 'f', trigger: kafka({ topic: 't', schema: z.unknown() }), handler: () => undefined });
const envelope = (body: Buffer): Envelope => ({
  body,
  key: 'k',
  headers: {},
  source: { kind: 'kafka', topic: 't', partition: 0, offset: '7' },
  attempt: 1,
});
const letter = (body: Buffer) =>
  deadLetterMessage(
    fn,
    envelope(body),
    'unparseable',
    { errorClass: 'E', message: 'm', at: new Date(0) },
    {
      attempts: 1,
      firstFailureAt: undefined,
      lastFailureAt: undefined,
    },
  );

describe('dead letters keep every byte', () => {
  it('keeps a UTF-8 body as text, NUL included', () => {
    const body = Buffer.from('{"a":"\u0000"}');
    const message = letter(body);
    expect(message.value).toBe('{"a":"\u0000"}');
    expect(message.headers[DLQ_HEADERS.bodyEncoding]).toBeUndefined();
    expect(deadLetterBody(message.headers, Buffer.from(message.value))).toEqual(body);
  });

  it('carries a body that is not UTF-8 as flagged base64, and restores its bytes', () => {
    const body = Buffer.from([0x00, 0xff, 0xfe, 0xed, 0xa0, 0x80]);
    const message = letter(body);
    expect(message.headers[DLQ_HEADERS.bodyEncoding]).toBe('base64');
    expect(deadLetterBody(message.headers, Buffer.from(message.value))).toEqual(body);
  });

  it('replays a text body, never the base64 stand-in of one that was not UTF-8', () => {
    const text = letter(Buffer.from('{"a":1}'));
    expect(replayMessage(text.headers, text.key, text.value)).toMatchObject({ topic: 't', value: '{"a":1}' });
    const bytes = letter(Buffer.from([0xff, 0xfe]));
    expect(replayMessage(bytes.headers, bytes.key, bytes.value)).toBeUndefined();
  });
});

describe("kafka({ format: 'bytes' })", () => {
  const trigger = kafka({ topic: 't', format: 'bytes', schema: z.instanceof(Buffer), maxBytes: 8 });

  it('hands over the raw body, whatever it holds', () => {
    const body = Buffer.from([0xff, 0x00, 0x01]);
    expect(decodeEvent(trigger, envelope(body))).toEqual(body);
  });

  it('still refuses an oversize body', () => {
    expect(() => decodeEvent(trigger, envelope(Buffer.alloc(9)))).toThrow(/9 bytes, the limit is 8/);
  });
});
