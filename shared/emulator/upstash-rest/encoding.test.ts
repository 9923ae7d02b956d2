import { describe, expect, it } from 'vitest';
import { encodeOutcome, encodeReply } from './encoding.ts';

describe('encodeReply', () => {
  it('writes bulk strings as UTF-8 text without base64', () => {
    expect(encodeReply(Buffer.from('héllo ✓', 'utf8'), false)).toBe('héllo ✓');
  });

  it('replaces invalid UTF-8 with U+FFFD without base64', () => {
    expect(encodeReply(Buffer.from([0x61, 0xff]), false)).toBe('a\uFFFD');
  });

  it('base64-encodes raw bytes, so binary values survive', () => {
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80]);
    expect(encodeReply(bytes, true)).toBe(bytes.toString('base64'));
  });

  it('leaves a top-level OK unencoded but encodes OK nested in arrays', () => {
    expect(encodeReply(Buffer.from('OK'), true)).toBe('OK');
    expect(encodeReply([Buffer.from('OK')], true)).toEqual(['T0s=']);
  });

  it('keeps integers, nulls and nested arrays, encoding nested strings', () => {
    const reply = ['7', null, [Buffer.from('a'), ['-3', Buffer.from('b')]]];
    expect(encodeReply(reply, true)).toEqual([7, null, ['YQ==', [-3, 'Yg==']]]);
    expect(encodeReply(reply, false)).toEqual([7, null, ['a', [-3, 'b']]]);
  });

  it('writes 64-bit integers exactly', () => {
    expect(JSON.stringify({ result: encodeReply('9223372036854775807', false) })).toBe(
      '{"result":9223372036854775807}',
    );
  });

  it('turns an error nested in an array into its message', () => {
    expect(encodeReply([new Error('ERR nested')], false)).toEqual(['ERR nested']);
  });
});

describe('encodeOutcome', () => {
  it('wraps replies in result and never encodes errors', () => {
    expect(encodeOutcome({ reply: Buffer.from('v') }, true)).toEqual({ result: 'dg==' });
    expect(encodeOutcome({ error: 'ERR wrong type' }, true)).toEqual({ error: 'ERR wrong type' });
  });
});
