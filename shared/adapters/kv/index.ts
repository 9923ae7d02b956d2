/** KV adapter: the KvStore port on `@upstash/redis`. */
export { UpstashKvStore } from './upstash-kv-store.ts';
export type { UpstashKvStoreOptions } from './upstash-kv-store.ts';
export { kvStoreFromEnv, readKvEnv } from './from-env.ts';
export type { KvEnv } from './from-env.ts';
