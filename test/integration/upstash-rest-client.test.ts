// The real @upstash/redis client against the project's REST server over the real Redis, with
// base64 responses (the client's default) and without.
import { randomUUID } from 'node:crypto';
import { Redis as UpstashRedis } from '@upstash/redis';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstashRestServer } from '../support/upstash-rest-server.ts';
import type { RunningRestServer } from '../support/upstash-rest-server.ts';

const prefix = `test:rest-client:${randomUUID()}:`;
let rest: RunningRestServer;
let direct: IORedis;

// expect.stringMatching is typed `any`; give it a type so it can sit inside expected objects.
function matching(pattern: RegExp): unknown {
  return expect.stringMatching(pattern) as unknown;
}

function key(label: string): string {
  return `${prefix}${label}`;
}

function client(responseEncoding: 'base64' | false, token = rest.token): UpstashRedis {
  return new UpstashRedis({ url: rest.url, token, responseEncoding, retry: false, enableTelemetry: false });
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

describe.each([
  { encoding: 'base64' as const, label: 'base64 responses' },
  { encoding: false as const, label: 'plain responses' },
])('@upstash/redis client with $label', ({ encoding }) => {
  const k = (label: string) => key(`${String(encoding)}:${label}`);

  it('ping, set/get with PX and NX, del', async () => {
    const redis = client(encoding);
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.set(k('s'), 'value', { px: 60_000 })).toBe('OK');
    expect(await redis.get(k('s'))).toBe('value');
    expect(await redis.set(k('s'), 'other', { nx: true })).toBeNull();
    const ttl = await redis.pttl(k('s'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await redis.del(k('s'), k('never'))).toBe(1);
    expect(await redis.get(k('s'))).toBeNull();
  });

  it('round-trips unicode and JSON strings unchanged', async () => {
    const redis = client(encoding);
    const text = 'héllo ✓ 😀 日本語 \u0000 "q" \\ \n end';
    await redis.set(k('unicode'), text);
    expect(await redis.get(k('unicode'))).toBe(text);
    expect((await direct.getBuffer(k('unicode')))?.equals(Buffer.from(text, 'utf8'))).toBe(true);
    await redis.set(k('json'), { a: [1, 'b'], c: null });
    expect(await redis.get(k('json'))).toEqual({ a: [1, 'b'], c: null });
  });

  it('counters and expiry: incrby, pexpire, pttl', async () => {
    const redis = client(encoding);
    expect(await redis.incrby(k('n'), 5)).toBe(5);
    expect(await redis.incrby(k('n'), -7)).toBe(-2);
    expect(await redis.pttl(k('n'))).toBe(-1);
    expect(await redis.pexpire(k('n'), 30_000)).toBe(1);
    expect(await redis.pttl(k('n'))).toBeGreaterThan(0);
    expect(await redis.pexpire(k('missing'), 30_000)).toBe(0);
    expect(await redis.pttl(k('missing'))).toBe(-2);
  });

  it('lists: rpush, ltrim, lrange, llen', async () => {
    const redis = client(encoding);
    expect(await redis.rpush(k('list'), 'a', 'b', 'ç', 'd')).toBe(4);
    expect(await redis.ltrim(k('list'), -3, -1)).toBe('OK');
    expect(await redis.lrange(k('list'), 0, -1)).toEqual(['b', 'ç', 'd']);
    expect(await redis.llen(k('list'))).toBe(3);
    expect(await redis.lrange(k('no-list'), 0, -1)).toEqual([]);
  });

  it('hashes: hset, hgetall', async () => {
    const redis = client(encoding);
    expect(await redis.hset(k('hash'), { a: 'x', b: 'ü' })).toBe(2);
    expect(await redis.hgetall(k('hash'))).toEqual({ a: 'x', b: 'ü' });
    expect(await redis.hgetall(k('no-hash'))).toBeNull();
  });

  it('scripts: eval, and evalsha falling back to eval', async () => {
    const redis = client(encoding);
    expect(await redis.eval('return {ARGV[1], 7, {KEYS[1]}}', [k('e')], ['hé'])).toEqual(['hé', 7, [k('e')]]);
    const script = redis.createScript<number>(`return redis.call('INCRBY', KEYS[1], ARGV[1]) -- ${randomUUID()}`);
    expect(await script.exec([k('script')], ['3'])).toBe(3);
    expect(await script.exec([k('script')], ['3'])).toBe(6);
  });

  it('pipeline keeps order and reports per-command errors', async () => {
    const redis = client(encoding);
    await redis.rpush(k('pipe-list'), 'x');
    const results = await redis
      .pipeline()
      .set(k('pipe'), 'v')
      .get(k('pipe'))
      .incr(k('pipe-list'))
      .lrange(k('pipe-list'), 0, -1)
      .exec({ keepErrors: true });
    expect(results.map((r) => r.error ?? null)).toEqual([null, null, matching(/^WRONGTYPE/), null]);
    expect(results.map((r) => r.result)).toEqual(['OK', 'v', undefined, ['x']]);
  });

  it('multi-exec runs the commands as one transaction', async () => {
    const redis = client(encoding);
    const results = await redis.multi().set(k('tx'), 1).incrby(k('tx'), 4).get(k('tx')).pexpire(k('tx'), 60_000).exec();
    expect(results).toEqual(['OK', 5, 5, 1]);
  });

  it('surfaces Redis error replies as errors', async () => {
    const redis = client(encoding);
    await redis.rpush(k('wrongtype'), 'x');
    await expect(redis.incr(k('wrongtype'))).rejects.toThrow(/WRONGTYPE/);
  });

  it('refuses a wrong token', async () => {
    await expect(client(encoding, 'wrong-token').get(k('any'))).rejects.toThrow(/Unauthorized: invalid token/);
  });
});
