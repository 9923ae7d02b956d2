// The REST protocol on the wire (status codes, exact JSON, binary bodies, transactions), checked
// with raw HTTP against the project's REST server over the real Redis.
import { randomUUID } from 'node:crypto';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startUpstashRestServer } from '../support/upstash-rest-server.ts';
import type { RunningRestServer } from '../support/upstash-rest-server.ts';

const prefix = `test:rest-protocol:${randomUUID()}:`;
let rest: RunningRestServer;
let direct: IORedis;

// expect.stringMatching is typed `any`; give it a type so it can sit inside expected objects.
function matching(pattern: RegExp): unknown {
  return expect.stringMatching(pattern) as unknown;
}

function key(label: string): string {
  return `${prefix}${label}`;
}

/** A raw request, for what the client cannot show: status codes, exact bodies, binary. */
async function call(
  path: string,
  init: { method?: string; body?: string | Uint8Array; headers?: Record<string, string>; auth?: boolean } = {},
): Promise<{ status: number; text: string; json: unknown }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.auth !== false) headers.authorization = `Bearer ${rest.token}`;
  const response = await fetch(`${rest.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body,
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, text, json };
}

beforeAll(async () => {
  rest = await startUpstashRestServer();
  direct = new IORedis(rest.redisUrl);
});

afterAll(async () => {
  const keys = await direct.keys(`${prefix}*`);
  if (keys.length > 0) await direct.del(...keys);
  expect(await direct.keys(`${prefix}*`)).toEqual([]);
  await direct.quit();
  await rest.close();
});

describe('REST protocol details', () => {
  it('answers a JSON command with {result}', async () => {
    await call('/', { body: JSON.stringify(['SET', key('raw'), 'v', 'EX', 100]) });
    expect(await call('/', { body: JSON.stringify(['GET', key('raw')]) })).toMatchObject({
      status: 200,
      json: { result: 'v' },
    });
  });

  it('base64-encodes binary values byte for byte and leaves a top-level OK alone', async () => {
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0xc3, 0x28]);
    await direct.set(key('bin'), bytes);
    const encoded = await call(`/get/${encodeURIComponent(key('bin'))}`, { headers: { 'upstash-encoding': 'base64' } });
    expect(encoded.json).toEqual({ result: bytes.toString('base64') });
    const plain = await call(`/get/${encodeURIComponent(key('bin'))}`);
    expect(plain.json).toEqual({ result: bytes.toString('utf8') });
    const ok = await call('/', {
      body: JSON.stringify(['SET', key('ok'), 'x']),
      headers: { 'upstash-encoding': 'base64' },
    });
    expect(ok.json).toEqual({ result: 'OK' });
  });

  it('encodes strings nested in arrays, keeping integers and nulls', async () => {
    await direct.rpush(key('nest'), 'a');
    const body = JSON.stringify(['EVAL', "return {1, 'two', {3, 'four'}, false}", '0']);
    expect((await call('/', { body, headers: { 'upstash-encoding': 'base64' } })).json).toEqual({
      result: [1, 'dHdv', [3, 'Zm91cg=='], null],
    });
    expect((await call('/', { body })).json).toEqual({ result: [1, 'two', [3, 'four'], null] });
  });

  it('stores a binary POST body exactly (path style)', async () => {
    const bytes = new Uint8Array([0x00, 0x01, 0xff, 0x7f, 0x80]);
    const stored = await call(`/set/${encodeURIComponent(key('posted'))}?PX=60000`, { body: bytes });
    expect(stored.json).toEqual({ result: 'OK' });
    expect((await direct.getBuffer(key('posted')))?.equals(Buffer.from(bytes))).toBe(true);
    expect(await direct.pttl(key('posted'))).toBeGreaterThan(0);
  });

  it('runs path-style GET commands with URL-decoded arguments', async () => {
    expect((await call(`/set/${encodeURIComponent(key('path'))}/a%2Fb%20c`)).json).toEqual({ result: 'OK' });
    expect(await direct.get(key('path'))).toBe('a/b c');
    expect((await call(`/strlen/${encodeURIComponent(key('path'))}`)).json).toEqual({ result: 5 });
  });

  it('writes 64-bit integers exactly', async () => {
    await direct.set(key('big'), '9223372036854775806');
    const reply = await call(`/incr/${encodeURIComponent(key('big'))}`);
    expect(reply.text).toBe('{"result":9223372036854775807}');
  });

  it('accepts the _token query parameter', async () => {
    const reply = await call(`/ping?_token=${encodeURIComponent(rest.token)}`, { auth: false });
    expect(reply).toMatchObject({ status: 200, json: { result: 'PONG' } });
  });

  it('answers 401 with a JSON error when the token is missing or wrong', async () => {
    expect(await call('/ping', { auth: false })).toMatchObject({
      status: 401,
      json: { error: matching(/missing "Authorization: Bearer <token>"/) },
    });
    expect(await call('/ping', { auth: false, headers: { authorization: 'Bearer nope' } })).toMatchObject({
      status: 401,
      json: { error: 'Unauthorized: invalid token' },
    });
  });

  it('answers 400 for bad JSON and malformed commands', async () => {
    expect(await call('/', { body: '["SET", "k"' })).toMatchObject({
      status: 400,
      json: { error: matching(/^request body is not valid JSON/) },
    });
    expect(await call('/', { body: '{"command":"GET"}' })).toMatchObject({
      status: 400,
      json: { error: matching(/must be a JSON array/) },
    });
    expect(await call('/pipeline', { body: '[["GET","a"],"GET"]' })).toMatchObject({
      status: 400,
      json: { error: matching(/^command 2 must be a JSON array/) },
    });
  });

  it('answers 400 with the Redis error for a failing command', async () => {
    const reply = await call('/', { body: JSON.stringify(['NOSUCHCOMMAND', 'x']) });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ error: matching(/^ERR unknown command/) });
  });

  it('discards a transaction as a whole when a command is rejected while queueing', async () => {
    const body = JSON.stringify([['SET', key('discarded'), '1'], ['NOSUCHCOMMAND']]);
    const reply = await call('/multi-exec', { body });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ error: matching(/^ERR unknown command/) });
    expect(await direct.exists(key('discarded'))).toBe(0);
  });

  it('keeps runtime errors inside a transaction per command', async () => {
    await direct.rpush(key('tx-list'), 'x');
    const body = JSON.stringify([
      ['SET', key('tx-ok'), 'v'],
      ['INCR', key('tx-list')],
      ['GET', key('tx-ok')],
    ]);
    const reply = await call('/multi-exec', { body });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual([{ result: 'OK' }, { error: matching(/^WRONGTYPE/) }, { result: 'v' }]);
  });

  it('never interleaves concurrent transactions', async () => {
    const counter = key('atomic');
    const transaction = JSON.stringify(Array.from({ length: 5 }, () => ['INCR', counter]));
    const replies = await Promise.all(Array.from({ length: 12 }, () => call('/multi-exec', { body: transaction })));
    const all: number[] = [];
    for (const reply of replies) {
      const values = (reply.json as { result: number }[]).map((entry) => entry.result);
      // Each transaction's five increments are consecutive: nothing ran between them.
      expect(values).toEqual(Array.from({ length: 5 }, (_, i) => (values[0] ?? 0) + i));
      all.push(...values);
    }
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('serves a blocking command without stalling other requests', async () => {
    const queue = key('queue');
    const popped = call('/', { body: JSON.stringify(['BLPOP', queue, '10']) });
    await vi.waitFor(async () => expect(await direct.info('clients')).toMatch(/blocked_clients:[1-9]/), {
      timeout: 5_000,
      interval: 20,
    });
    // Redis now holds the BLPOP; a shared connection would make these wait behind it.
    expect((await call('/ping')).json).toEqual({ result: 'PONG' });
    const pushed = await call('/', { body: JSON.stringify(['RPUSH', queue, 'job']) });
    expect(pushed.json).toEqual({ result: 1 });
    expect((await popped).json).toEqual({ result: [queue, 'job'] });
  });

  it('refuses commands that would change the shared connection', async () => {
    const reply = await call('/', { body: JSON.stringify(['SUBSCRIBE', 'chat']) });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ error: matching(/'subscribe' is not supported/) });
  });

  it('refuses unknown methods and response formats', async () => {
    expect((await call('/ping', { method: 'DELETE' })).status).toBe(405);
    expect(await call('/ping', { headers: { 'upstash-response-format': 'resp2' } })).toMatchObject({
      status: 400,
      json: { error: matching(/Upstash-Response-Format "resp2" is not supported/) },
    });
  });
});
