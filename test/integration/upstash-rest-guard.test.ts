// The local REST server is not an open door: administrative commands, web pages, oversized pipelines
// and unbounded blocking connections are refused, and the server listens on loopback only by default.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../support/ports.ts';
import { startUpstashRestServer, type RunningRestServer } from '../support/upstash-rest-server.ts';

const prefix = `test:rest-guard:${randomUUID()}:`;
let rest: RunningRestServer;
let direct: IORedis;

async function call(path: string, init: { body?: unknown; headers?: Record<string, string>; query?: string } = {}) {
  const url = `${rest.url}${path}${init.query ?? ''}`;
  const headers: Record<string, string> = init.query
    ? { ...init.headers }
    : { authorization: `Bearer ${rest.token}`, ...init.headers };
  const response = await fetch(url, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, json: (await response.json()) as { result?: unknown; error?: string } | unknown[] };
}

beforeAll(async () => {
  rest = await startUpstashRestServer(undefined, { maxPipelineCommands: 10, maxDedicatedConnections: 2 });
  direct = new IORedis(rest.redisUrl);
  await direct.set(`${prefix}canary`, 'alive');
});
afterAll(async () => {
  const keys = await direct.keys(`${prefix}*`);
  if (keys.length > 0) await direct.del(...keys);
  await direct.quit();
  await rest.close();
});

describe('the Upstash REST emulator refuses what is not data work', () => {
  it.each([
    ['FLUSHALL', ['FLUSHALL']],
    ['CONFIG SET', ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random']],
    ['DEBUG', ['DEBUG', 'SLEEP', '5']],
    ['CLIENT PAUSE', ['CLIENT', 'PAUSE', '60000']],
    ['SAVE', ['SAVE']],
    ['REPLICAOF', ['REPLICAOF', '203.0.113.1', '6379']],
  ])('refuses %s with a clear error', async (_name, command) => {
    const reply = await call('/', { body: command });
    expect(reply.status).toBe(400);
    expect((reply.json as { error: string }).error).toMatch(/is refused: administrative and server-wide commands/);
    expect(await direct.get(`${prefix}canary`)).toBe('alive');
  });

  it('refuses a path-style FLUSHALL with ?_token=, and any request a web page sends', async () => {
    const flush = await call('/flushall', { query: `?_token=${rest.token}` });
    expect(flush.status).toBe(400);
    const page = await call('/get/x', { headers: { origin: 'https://evil.example' } });
    expect(page).toEqual({
      status: 403,
      json: { error: 'requests from web pages (an Origin header) are refused by this server' },
    });
    expect(await direct.get(`${prefix}canary`)).toBe('alive');
  });

  it('caps the commands of one pipeline', async () => {
    const ten = Array.from({ length: 10 }, () => ['PING']);
    expect((await call('/pipeline', { body: ten })).status).toBe(200);
    const eleven = await call('/pipeline', { body: [...ten, ['PING']] });
    expect(eleven.status).toBe(400);
    expect((eleven.json as { error: string }).error).toContain('carries 11 commands, over the 10-command limit');
    expect((await call('/multi-exec', { body: [...ten, ['PING']] })).status).toBe(400);
  });

  it('caps the blocking commands that hold a connection each', async () => {
    const queue = `${prefix}queue`;
    const held = [call('/', { body: ['BLPOP', queue, '10'] }), call('/', { body: ['BLPOP', queue, '10'] })];
    await vi.waitFor(async () => expect(await direct.info('clients')).toMatch(/blocked_clients:[2-9]/), {
      timeout: 5_000,
      interval: 20,
    });
    const third = await call('/', { body: ['BLPOP', queue, '1'] });
    expect(third.status).toBe(429);
    expect((third.json as { error: string }).error).toMatch(/^TRYAGAIN 2 blocking commands or transactions/);
    await direct.rpush(queue, 'a', 'b');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect((await call('/', { body: ['RPUSH', queue, 'c'] })).status).toBe(200);
    expect(await call('/', { body: ['BLPOP', queue, '1'] })).toEqual({ status: 200, json: { result: [queue, 'c'] } });
  });

  it('listens on 127.0.0.1 unless HOST says otherwise', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['shared/emulator/upstash-rest/main.ts'], {
      env: { ...process.env, PORT: String(port), UPSTASH_REDIS_REST_TOKEN: 'guard-test', HOST: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      await vi.waitFor(() => expect(out).toContain('upstash-rest listening'), { timeout: 15_000, interval: 50 });
      expect(JSON.parse(out.split('\n')[0] ?? '{}')).toMatchObject({ host: '127.0.0.1', port });
      const ping = await fetch(`http://127.0.0.1:${port}/ping`, { headers: { authorization: 'Bearer guard-test' } });
      expect(await ping.json()).toEqual({ result: 'PONG' });
      const external = Object.values(networkInterfaces())
        .flat()
        .find((i) => i?.family === 'IPv4' && !i.internal)?.address;
      if (external) await expect(fetch(`http://${external}:${port}/ping`)).rejects.toThrow();
    } finally {
      child.kill('SIGTERM');
    }
  });
});
