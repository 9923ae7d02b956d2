import { describe, expect, it } from 'vitest';
import { isBlockingCommand, unsupportedReason } from './command-policy.ts';

describe('unsupportedReason', () => {
  it('refuses commands that would change the shared connection', () => {
    expect(unsupportedReason(['SUBSCRIBE', 'chat'])).toMatch(/'subscribe' is not supported/);
    expect(unsupportedReason(['multi'])).toMatch(/multi-exec/);
    expect(unsupportedReason(['CLIENT', 'REPLY', 'OFF'])).toMatch(/'client reply'/);
  });

  it('allows ordinary commands', () => {
    expect(unsupportedReason(['GET', 'k'])).toBeNull();
    expect(unsupportedReason(['CLIENT', 'ID'])).toBeNull();
  });
});

describe('isBlockingCommand', () => {
  it('spots blocking commands, including XREAD with BLOCK', () => {
    expect(isBlockingCommand(['BLPOP', 'q', '1'])).toBe(true);
    expect(isBlockingCommand(['xread', 'BLOCK', '10', 'STREAMS', 's', '$'])).toBe(true);
    expect(isBlockingCommand(['xread', 'STREAMS', 's', '0'])).toBe(false);
    expect(isBlockingCommand(['LPOP', 'q'])).toBe(false);
  });
});
