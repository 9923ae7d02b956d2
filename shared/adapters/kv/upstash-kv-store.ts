/**
 * The KvStore port on `@upstash/redis`: Upstash in the cloud, the project's REST server locally.
 * Values are stored as JSON text; commands that must happen together go through /multi-exec.
 */
import { Redis } from '@upstash/redis';
import type { SetCommandOptions } from '@upstash/redis';
import type { KvSetOptions, KvStore } from '../../core/ports.ts';
import { checkInteger, checkKey, checkPositiveInteger, checkTtlMs } from './arguments.ts';
import { decodeJson, encodeJson } from './json-codec.ts';
import { guardKv } from './errors.ts';

/** Options for {@link UpstashKvStore}. */
export interface UpstashKvStoreOptions {
  /** REST endpoint, e.g. https://eu1-x.upstash.io or http://localhost:8079. */
  url: string;
  token: string;
  /** Ask for base64 replies (the client's default, binary-safe) or plain JSON strings. */
  responseEncoding?: 'base64' | false;
  /** Network retries per request; default 3. */
  retries?: number;
}

// Compare-and-delete must be one step, or a lock could expire and be re-taken between GET and DEL.
const DELETE_IF_EQUALS = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/**
 * KvStore over the Upstash REST API. An endpoint that cannot be reached, or cannot reach Redis, fails
 * with DependencyUnavailableError('kv') so the work that needed it pauses.
 * @example const kv = new UpstashKvStore({ url: 'http://localhost:8079', token: 'hearth-local-token' });
 */
export class UpstashKvStore implements KvStore {
  readonly #redis: Redis;
  readonly #deleteIfEquals: { exec(keys: string[], args: string[]): Promise<number> };
  /** Scripts by source: each is sent once, then called by its SHA (EVALSHA, EVAL after a NOSCRIPT). */
  readonly #scripts = new Map<string, { exec(keys: string[], args: string[]): Promise<unknown> }>();

  constructor(options: UpstashKvStoreOptions) {
    this.#redis = new Redis({
      url: options.url,
      token: options.token,
      responseEncoding: options.responseEncoding ?? 'base64',
      retry: { retries: options.retries ?? 3 },
      // We parse JSON ourselves: the client's guessing would turn the string "42" into 42.
      automaticDeserialization: false,
      enableTelemetry: false,
    });
    this.#deleteIfEquals = this.#redis.createScript<number>(DELETE_IF_EQUALS);
    // Every method's failures are classified in one place (the private fields stay on the target).
    return guardKv(this);
  }

  async get<T = unknown>(key: string): Promise<T | null> {
    return decodeJson<T>(await this.#redis.get<string>(checkKey(key, 'get')));
  }

  async set(key: string, value: unknown, options: KvSetOptions = {}): Promise<boolean> {
    checkKey(key, 'set');
    const ttlMs = options.ttlMs === undefined ? undefined : checkTtlMs(options.ttlMs, 'set');
    const reply = await this.#redis.set(key, encodeJson(value), setOptions(ttlMs, options.ifNotExists === true));
    return reply === 'OK';
  }

  async del(...keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return this.#redis.del(...keys.map((key) => checkKey(key, 'del')));
  }

  async incrBy(key: string, by: number, options: { ttlMs?: number } = {}): Promise<number> {
    checkKey(key, 'incrBy');
    checkInteger(by, 'incrBy', 'by');
    if (options.ttlMs === undefined) return this.#redis.incrby(key, by);
    // SET NX PX creates the counter with its TTL only if missing; INCRBY keeps that TTL.
    const ttlMs = checkTtlMs(options.ttlMs, 'incrBy');
    const [, value] = await this.#redis
      .multi()
      .set(key, 0, { nx: true, px: ttlMs })
      .incrby(key, by)
      .exec<[unknown, number]>();
    return value;
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.pexpire(checkKey(key, 'expire'), checkTtlMs(ttlMs, 'expire'))) === 1;
  }

  async ttlMs(key: string): Promise<number> {
    return this.#redis.pttl(checkKey(key, 'ttlMs'));
  }

  /** Returns the list's length after trimming. */
  async listPush(
    key: string,
    values: readonly unknown[],
    options: { maxLength?: number; ttlMs?: number } = {},
  ): Promise<number> {
    checkKey(key, 'listPush');
    const maxLength =
      options.maxLength === undefined ? undefined : checkPositiveInteger(options.maxLength, 'listPush', 'maxLength');
    const ttlMs = options.ttlMs === undefined ? undefined : checkTtlMs(options.ttlMs, 'listPush');
    if (values.length === 0) return this.#redis.llen(key);
    const transaction = this.#redis.multi().rpush(key, ...values.map((value) => encodeJson(value, 'list item')));
    if (maxLength !== undefined) transaction.ltrim(key, -maxLength, -1);
    if (ttlMs !== undefined) transaction.pexpire(key, ttlMs);
    const [pushed] = await transaction.exec<[number, ...unknown[]]>();
    return maxLength === undefined ? pushed : Math.min(pushed, maxLength);
  }

  async listRange<T = unknown>(key: string, start: number, stop: number): Promise<T[]> {
    checkInteger(start, 'listRange', 'start');
    checkInteger(stop, 'listRange', 'stop');
    const items = await this.#redis.lrange<string>(checkKey(key, 'listRange'), start, stop);
    return items.map((item) => decodeJson<T>(item) as T);
  }

  async hashSet(key: string, fields: Record<string, unknown>): Promise<number> {
    checkKey(key, 'hashSet');
    const entries = Object.entries(fields);
    if (entries.length === 0) return 0;
    const encoded = Object.fromEntries(entries.map(([field, value]) => [field, encodeJson(value, `field "${field}"`)]));
    return this.#redis.hset(key, encoded);
  }

  async hashGetAll<T = unknown>(key: string): Promise<Record<string, T> | null> {
    // Without automatic deserialization the reply is Redis's flat [field, value, ...] array.
    const reply: unknown = await this.#redis.hgetall(checkKey(key, 'hashGetAll'));
    const pairs = Array.isArray(reply) ? reply : Object.entries(reply ?? {}).flat();
    if (pairs.length === 0) return null;
    const result: Record<string, T> = {};
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      result[String(pairs[i])] = decodeJson<T>(pairs[i + 1] as string) as T;
    }
    return result;
  }

  async deleteIfEquals(key: string, expected: unknown): Promise<boolean> {
    const deleted = await this.#deleteIfEquals.exec([checkKey(key, 'deleteIfEquals')], [encodeJson(expected)]);
    return deleted === 1;
  }

  async runScript<T = unknown>(
    script: string,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<T> {
    for (const key of keys) checkKey(key, 'runScript');
    let compiled = this.#scripts.get(script);
    if (!compiled) {
      compiled = this.#redis.createScript<unknown>(script);
      this.#scripts.set(script, compiled);
    }
    return (await compiled.exec([...keys], args.map(String))) as T;
  }

  async ping(): Promise<void> {
    const reply = await this.#redis.ping();
    if (reply !== 'PONG') throw new Error(`KvStore.ping: expected PONG, got ${JSON.stringify(reply)}`);
  }
}

// Spelled out per case because the client's option type is a union that rejects optional mixes.
function setOptions(ttlMs: number | undefined, ifNotExists: boolean): SetCommandOptions | undefined {
  if (ttlMs !== undefined) return ifNotExists ? { px: ttlMs, nx: true } : { px: ttlMs };
  return ifNotExists ? { nx: true } : undefined;
}
