import { describe, expect, it } from 'vitest';
import { kvStoreFromEnv, readKvEnv } from './from-env.ts';
import { UpstashKvStore } from './upstash-kv-store.ts';

const valid = { UPSTASH_REDIS_REST_URL: 'http://localhost:8079', UPSTASH_REDIS_REST_TOKEN: 'hearth-local-token' };

describe('readKvEnv', () => {
  it('accepts http and https URLs', () => {
    expect(readKvEnv(valid)).toEqual({ url: 'http://localhost:8079', token: 'hearth-local-token' });
    expect(readKvEnv({ ...valid, UPSTASH_REDIS_REST_URL: 'https://eu1-x.upstash.io' }).url).toBe(
      'https://eu1-x.upstash.io',
    );
  });

  it('names a missing or malformed URL', () => {
    expect(() => readKvEnv({ UPSTASH_REDIS_REST_TOKEN: 't' })).toThrow(/UPSTASH_REDIS_REST_URL is not set/);
    expect(() => readKvEnv({ ...valid, UPSTASH_REDIS_REST_URL: 'redis://localhost:6379' })).toThrow(
      /UPSTASH_REDIS_REST_URL must be an http\(s\) URL.*got redis:$/,
    );
    // A pasted connection string's password is never echoed.
    expect(() => readKvEnv({ ...valid, UPSTASH_REDIS_REST_URL: 'rediss://default:s3cret@host:6379' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret') as unknown }),
    );
    expect(() => readKvEnv({ ...valid, UPSTASH_REDIS_REST_URL: 'localhost:8079' })).toThrow(
      /UPSTASH_REDIS_REST_URL must be an http\(s\) URL/,
    );
  });

  it('names a missing or malformed token without echoing it', () => {
    expect(() => readKvEnv({ UPSTASH_REDIS_REST_URL: 'http://x' })).toThrow(/UPSTASH_REDIS_REST_TOKEN is not set/);
    let message = '';
    try {
      readKvEnv({ ...valid, UPSTASH_REDIS_REST_TOKEN: 'secret-value\n' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/UPSTASH_REDIS_REST_TOKEN contains whitespace/);
    expect(message).not.toContain('secret-value');
  });
});

describe('kvStoreFromEnv', () => {
  it('builds an UpstashKvStore from valid variables', () => {
    expect(kvStoreFromEnv(valid)).toBeInstanceOf(UpstashKvStore);
  });
});
