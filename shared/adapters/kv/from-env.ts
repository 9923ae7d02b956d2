import { ConfigError } from '../../core/errors.ts';
/**
 * Builds the KvStore from UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN, checking both up
 * front so a misconfigured deployment fails at start with the variable named, not on first use.
 */
import type { KvStore } from '../../core/ports.ts';
import { UpstashKvStore } from './upstash-kv-store.ts';

/** The validated connection settings. */
export interface KvEnv {
  url: string;
  token: string;
}

/**
 * Reads and validates the two variables; the token's value never appears in an error.
 * @example readKvEnv({ UPSTASH_REDIS_REST_URL: 'http://localhost:8079', UPSTASH_REDIS_REST_TOKEN: 't' })
 */
export function readKvEnv(env: Readonly<Record<string, string | undefined>> = process.env): KvEnv {
  const url = env.UPSTASH_REDIS_REST_URL;
  if (url === undefined || url.trim() === '') {
    throw new ConfigError(
      'UPSTASH_REDIS_REST_URL',
      'is not set: expected the Redis REST endpoint, e.g. http://localhost:8079',
    );
  }
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || /\s/.test(url)) {
    // Only the scheme is echoed: a pasted redis:// connection string carries a password.
    const scheme = parsed?.protocol ?? 'not a URL';
    throw new ConfigError(
      'UPSTASH_REDIS_REST_URL',
      `must be an http(s) URL such as http://localhost:8079, got ${scheme}`,
    );
  }

  const token = env.UPSTASH_REDIS_REST_TOKEN;
  if (token === undefined || token.trim() === '') {
    throw new ConfigError(
      'UPSTASH_REDIS_REST_TOKEN',
      'is not set: expected the REST bearer token (locally hearth-local-token)',
    );
  }
  if (/\s/.test(token)) {
    throw new ConfigError(
      'UPSTASH_REDIS_REST_TOKEN',
      'contains whitespace or a newline: remove it (often a stray line break)',
    );
  }
  return { url, token };
}

/**
 * The KvStore for this process, configured from the environment.
 * @example const kv = kvStoreFromEnv(); await kv.ping();
 */
export function kvStoreFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): KvStore {
  return new UpstashKvStore(readKvEnv(env));
}
