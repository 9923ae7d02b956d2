import { describe, expect, it } from 'vitest';
import { httpReply, isHttpReply, matchPath } from './http-reply.ts';

describe('matchPath', () => {
  it('matches literal and :param segments, decoding params', () => {
    expect(matchPath('/tasks/:id', '/tasks/a%20b')).toEqual({ id: 'a b' });
    expect(matchPath('/tasks/:id/events', '/tasks/42/events')).toEqual({ id: '42' });
    expect(matchPath('/tasks', '/tasks')).toEqual({});
  });

  it.each([
    ['/tasks/:id', '/tasks/'],
    ['/tasks/:id', '/tasks/1/events'],
    ['/tasks/:id/events', '/tasks/1/steps'],
    ['/tasks/:id', '/tasks/%E0%A4%A'],
  ])('%s does not match %s', (pattern, path) => {
    expect(matchPath(pattern, path)).toBeNull();
  });
});

describe('httpReply', () => {
  it('is recognised by isHttpReply, plain values are not', () => {
    expect(isHttpReply(httpReply({ status: 202, body: { ok: true } }))).toBe(true);
    expect(isHttpReply({ status: 202, headers: {}, body: {} })).toBe(false);
  });

  it('rejects a status that is not an HTTP status code', () => {
    expect(() => httpReply({ status: 42 })).toThrow('status must be an HTTP status code');
  });
});
