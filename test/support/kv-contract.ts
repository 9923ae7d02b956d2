/**
 * The KvStore port contract: one suite every implementation must pass. Keys get a random prefix
 * and are deleted after each test.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KvStore } from '../../shared/core/ports.ts';

/**
 * Registers the contract suite for one implementation.
 * @example kvStoreContract('UpstashKvStore', () => new UpstashKvStore({ url, token }));
 */
export function kvStoreContract(name: string, makeStore: () => KvStore | Promise<KvStore>): void {
  describe(`KvStore contract: ${name}`, () => {
    const prefix = `test:kv:${randomUUID()}:`;
    const used = new Set<string>();
    let store: KvStore;

    function key(label: string): string {
      const full = `${prefix}${label}`;
      used.add(full);
      return full;
    }

    beforeAll(async () => {
      store = await makeStore();
    });

    afterEach(async () => {
      if (used.size === 0) return;
      const keys = [...used];
      used.clear();
      await store.del(...keys);
      for (const k of keys) expect(await store.ttlMs(k)).toBe(-2);
    });

    afterAll(async () => {
      if (used.size > 0) await store.del(...used);
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('returns null for a missing key', async () => {
      expect(await store.get(key('missing'))).toBeNull();
    });

    it('round-trips JSON values exactly', async () => {
      const values: unknown[] = [
        { id: 7, tags: ['a', 'b'], nested: { ok: true, none: null } },
        [1, 'two', { three: 3 }],
        '42',
        42,
        -1.25,
        true,
        false,
        '',
        'héllo ✓ 😀 \u0000 "quoted" \\ newline\n',
      ];
      for (const [index, value] of values.entries()) {
        const k = key(`json:${index}`);
        expect(await store.set(k, value)).toBe(true);
        expect(await store.get(k)).toEqual(value);
      }
      expect(typeof (await store.get(key('json:2')))).toBe('string');
    });

    it('overwrites an existing value', async () => {
      const k = key('overwrite');
      await store.set(k, 'first');
      expect(await store.set(k, { second: 2 })).toBe(true);
      expect(await store.get(k)).toEqual({ second: 2 });
    });

    it('takes an ifNotExists lock once', async () => {
      const k = key('lock');
      expect(await store.set(k, 'owner-1', { ifNotExists: true, ttlMs: 60_000 })).toBe(true);
      expect(await store.set(k, 'owner-2', { ifNotExists: true, ttlMs: 60_000 })).toBe(false);
      expect(await store.get(k)).toBe('owner-1');
    });

    it('grants a contended lock to exactly one caller', async () => {
      const k = key('contended');
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.set(k, `owner-${i}`, { ifNotExists: true })),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get(k)).toBe(`owner-${results.indexOf(true)}`);
    });

    it('sets and reports TTLs', async () => {
      const withTtl = key('ttl');
      const withoutTtl = key('no-ttl');
      await store.set(withTtl, 'v', { ttlMs: 60_000 });
      await store.set(withoutTtl, 'v');
      const left = await store.ttlMs(withTtl);
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(60_000);
      expect(await store.ttlMs(withoutTtl)).toBe(-1);
      expect(await store.ttlMs(key('never-set'))).toBe(-2);
    });

    it('expires keys after their TTL', async () => {
      const k = key('expiring');
      await store.set(k, 'soon gone', { ttlMs: 50 });
      await vi.waitFor(async () => expect(await store.get(k)).toBeNull(), { timeout: 5_000, interval: 25 });
      expect(await store.ttlMs(k)).toBe(-2);
    });

    it('expire sets a TTL on existing keys only', async () => {
      const k = key('expire');
      await store.set(k, 1);
      expect(await store.expire(k, 30_000)).toBe(true);
      expect(await store.ttlMs(k)).toBeGreaterThan(0);
      expect(await store.expire(key('expire-missing'), 30_000)).toBe(false);
    });

    it('deletes keys and counts them', async () => {
      const a = key('del-a');
      const b = key('del-b');
      await store.set(a, 1);
      await store.set(b, 2);
      expect(await store.del(a, b, key('del-missing'))).toBe(2);
      expect(await store.get(a)).toBeNull();
      expect(await store.del()).toBe(0);
    });

    it('counts with incrBy, readable with get', async () => {
      const k = key('counter');
      expect(await store.incrBy(k, 5)).toBe(5);
      expect(await store.incrBy(k, -2)).toBe(3);
      expect(await store.get(k)).toBe(3);
      expect(await store.ttlMs(k)).toBe(-1);
    });

    it('incrBy is atomic under concurrency', async () => {
      const k = key('concurrent');
      const results = await Promise.all(Array.from({ length: 25 }, () => store.incrBy(k, 1, { ttlMs: 60_000 })));
      expect([...results].sort((x, y) => x - y)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    });

    it('incrBy sets the TTL only when it creates the key', async () => {
      const created = key('rate');
      expect(await store.incrBy(created, 1, { ttlMs: 60_000 })).toBe(1);
      expect(await store.incrBy(created, 1, { ttlMs: 600_000 })).toBe(2);
      const left = await store.ttlMs(created);
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(60_000);

      const existing = key('rate-existing');
      await store.set(existing, 10);
      expect(await store.incrBy(existing, 1, { ttlMs: 60_000 })).toBe(11);
      expect(await store.ttlMs(existing)).toBe(-1);
    });

    it('pushes to lists, trims to the newest items and refreshes the TTL', async () => {
      const k = key('list');
      expect(await store.listPush(k, [{ n: 1 }, 'two'])).toBe(2);
      expect(await store.listPush(k, [3, 4, 5], { maxLength: 3, ttlMs: 60_000 })).toBe(3);
      expect(await store.listRange(k, 0, -1)).toEqual([3, 4, 5]);
      expect(await store.listRange(k, -2, -1)).toEqual([4, 5]);
      const left = await store.ttlMs(k);
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(60_000);
      expect(await store.listPush(k, [6], { maxLength: 10 })).toBe(4);
      expect(await store.listRange(k, 0, -1)).toEqual([3, 4, 5, 6]);
    });

    it('returns an empty range for a missing list', async () => {
      expect(await store.listRange(key('no-list'), 0, -1)).toEqual([]);
    });

    it('sets and reads hashes', async () => {
      const k = key('hash');
      expect(await store.hashSet(k, { a: 1, b: { deep: ['x'] }, c: '1' })).toBe(3);
      expect(await store.hashSet(k, { a: 2, d: null })).toBe(1);
      expect(await store.hashGetAll(k)).toEqual({ a: 2, b: { deep: ['x'] }, c: '1', d: null });
      expect(await store.hashGetAll(key('no-hash'))).toBeNull();
    });

    it('deleteIfEquals releases only a lock it holds', async () => {
      const k = key('release');
      await store.set(k, { owner: 'me', n: 1 }, { ttlMs: 60_000 });
      expect(await store.deleteIfEquals(k, { owner: 'someone-else', n: 1 })).toBe(false);
      expect(await store.get(k)).toEqual({ owner: 'me', n: 1 });
      expect(await store.deleteIfEquals(k, { owner: 'me', n: 1 })).toBe(true);
      expect(await store.get(k)).toBeNull();
      expect(await store.deleteIfEquals(k, { owner: 'me', n: 1 })).toBe(false);
    });

    it('runs a script atomically over its keys and arguments', async () => {
      const k = key('script');
      const script =
        "local n = redis.call('INCRBY', KEYS[1], ARGV[1]) if n > tonumber(ARGV[2]) then redis.call('DECRBY', KEYS[1], ARGV[1]) return {'refused', n - tonumber(ARGV[1])} end return {'ok', n}";
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.runScript<[string, number]>(script, [k], [3, 20])),
      );
      expect(results.filter(([status]) => status === 'ok')).toHaveLength(6);
      expect(results.filter(([status]) => status === 'refused').every(([, n]) => n === 18)).toBe(true);
      expect(await store.get(k)).toBe(18);
      await store.del(k);
    });

    it('rejects a non-positive TTL with an error naming it', async () => {
      await expect(store.set(key('bad-ttl'), 1, { ttlMs: 0 })).rejects.toThrow(/ttlMs/);
      await expect(store.expire(key('bad-ttl'), -5)).rejects.toThrow(/ttlMs/);
    });
  });
}
