import { describe, expect, it } from 'vitest';
import { commandFromPath, parseCommand, parseCommandList, parseJsonBody, RestRequestError } from './request.ts';

function failure(work: () => unknown): RestRequestError {
  try {
    work();
  } catch (error) {
    if (error instanceof RestRequestError) return error;
    throw error;
  }
  throw new Error('expected a RestRequestError');
}

describe('parseJsonBody', () => {
  it('parses JSON', () => {
    expect(parseJsonBody(Buffer.from('["GET","k"]'))).toEqual(['GET', 'k']);
  });

  it('rejects bad JSON and empty bodies with 400', () => {
    const bad = failure(() => parseJsonBody(Buffer.from('[bad')));
    expect(bad.status).toBe(400);
    expect(bad.message).toMatch(/not valid JSON/);
    expect(failure(() => parseJsonBody(Buffer.alloc(0))).message).toMatch(/empty/);
  });
});

describe('parseCommand', () => {
  it('turns numbers and booleans into text', () => {
    expect(parseCommand(['SET', 'k', 1.5, 'EX', 100, true])).toEqual(['SET', 'k', '1.5', 'EX', '100', 'true']);
  });

  it('names what is wrong', () => {
    expect(failure(() => parseCommand({ cmd: 'GET' })).message).toMatch(/must be a JSON array.*got an object/);
    expect(failure(() => parseCommand([])).message).toMatch(/empty array/);
    expect(failure(() => parseCommand([1, 'k'])).message).toMatch(/command name must be a non-empty string/);
    expect(failure(() => parseCommand(['SET', 'k', null])).message).toMatch(/argument 2 .* got null/);
  });
});

describe('parseCommandList', () => {
  it('parses every command', () => {
    expect(
      parseCommandList([
        ['SET', 'a', 1],
        ['GET', 'a'],
      ]),
    ).toEqual([
      ['SET', 'a', '1'],
      ['GET', 'a'],
    ]);
  });

  it('says which command is wrong', () => {
    expect(failure(() => parseCommandList([['GET', 'a'], 'GET'])).message).toMatch(/^command 2 must be a JSON array/);
    expect(failure(() => parseCommandList([])).message).toMatch(/at least one command/);
    expect(failure(() => parseCommandList('GET')).message).toMatch(/array of commands/);
  });
});

describe('commandFromPath', () => {
  it('splits and decodes path segments', () => {
    expect(commandFromPath('/set/a%2Fb/h%C3%A9', new URLSearchParams(), null)).toEqual(['set', 'a/b', 'hé']);
  });

  it('appends the raw body, then query parameters except _token', () => {
    const body = Buffer.from([0, 255]);
    const query = new URLSearchParams('EX=100&_token=secret&NX');
    expect(commandFromPath('/set/foo', query, body)).toEqual(['set', 'foo', body, 'EX', '100', 'NX']);
  });

  it('ignores a trailing slash and rejects a missing command or bad escapes', () => {
    expect(commandFromPath('/get/k/', new URLSearchParams(), null)).toEqual(['get', 'k']);
    expect(failure(() => commandFromPath('/', new URLSearchParams(), null)).message).toMatch(/missing command/);
    expect(failure(() => commandFromPath('/get/%E0%A4%A', new URLSearchParams(), null)).message).toMatch(
      /percent-encoding/,
    );
  });
});
