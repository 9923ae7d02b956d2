import { describe, expect, it } from 'vitest';
import { isBlockingCommand, unsupportedReason } from './command-policy.ts';

describe('unsupportedReason', () => {
  it('refuses commands that would change the shared connection', () => {
    expect(unsupportedReason(['SUBSCRIBE', 'chat'])).toMatch(/'subscribe' is not supported/);
    expect(unsupportedReason(['multi'])).toMatch(/multi-exec/);
    expect(unsupportedReason(['CLIENT', 'REPLY', 'OFF'])).toMatch(/'client' is refused/);
  });

  it('allows the data commands of the Upstash API', () => {
    for (const command of [
      ['GET', 'k'],
      ['hset', 'h', 'f', 'v'],
      ['EVALSHA', 'abc', '0'],
      ['SCRIPT', 'LOAD', 'x'],
    ]) {
      expect(unsupportedReason(command)).toBeNull();
    }
  });

  it.each([
    ['FLUSHALL'],
    ['FLUSHDB'],
    ['CONFIG', 'SET', 'maxmemory', '1'],
    ['DEBUG', 'SLEEP', '10'],
    ['SHUTDOWN', 'NOSAVE'],
    ['MODULE', 'LOAD', '/tmp/x.so'],
    ['REPLICAOF', 'evil', '6379'],
    ['CLIENT', 'PAUSE', '100000'],
    ['CLIENT', 'ID'],
    ['SAVE'],
    ['SCRIPT', 'FLUSH'],
    ['WAIT', '1', '0'],
  ])('refuses the administrative command %s', (...command) => {
    expect(unsupportedReason(command)).toMatch(/is refused: administrative and server-wide commands/);
  });

  it('refuses what is not on the list as unknown', () => {
    expect(unsupportedReason(['NOSUCHCOMMAND'])).toMatch(/^ERR unknown command 'nosuchcommand'/);
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
