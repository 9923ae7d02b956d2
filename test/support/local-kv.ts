import { UpstashKvStore } from '../../shared/adapters/kv/index.ts';
import { serviceEnv } from './host-process.ts';

/**
 * The KvStore of the local services (scripts/services.sh): the Upstash REST emulator over real Redis.
 * @example const kv = localKvStore()
 */
export function localKvStore(): UpstashKvStore {
  return new UpstashKvStore({ url: serviceEnv.UPSTASH_REDIS_REST_URL, token: serviceEnv.UPSTASH_REDIS_REST_TOKEN });
}
