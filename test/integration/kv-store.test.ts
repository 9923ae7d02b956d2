import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvStoreFromEnv, UpstashKvStore } from '../../shared/adapters/kv/index.ts';
import { kvStoreContract } from '../support/kv-contract.ts';
import { startUpstashRestServer } from '../support/upstash-rest-server.ts';
import type { RunningRestServer } from '../support/upstash-rest-server.ts';

let rest: RunningRestServer;
// The contract suites ask for their store in beforeAll, which runs after this file-level hook.
beforeAll(async () => {
  rest = await startUpstashRestServer();
});
afterAll(async () => {
  await rest.close();
});

kvStoreContract('UpstashKvStore (base64 responses)', () => new UpstashKvStore({ url: rest.url, token: rest.token }));

kvStoreContract(
  'UpstashKvStore (plain JSON responses)',
  () => new UpstashKvStore({ url: rest.url, token: rest.token, responseEncoding: false }),
);

kvStoreContract('kvStoreFromEnv', () =>
  kvStoreFromEnv({ UPSTASH_REDIS_REST_URL: rest.url, UPSTASH_REDIS_REST_TOKEN: rest.token }),
);

describe('UpstashKvStore against a server that refuses it', () => {
  it('surfaces a wrong token as an error on first use', async () => {
    const store = new UpstashKvStore({ url: rest.url, token: 'not-the-token', retries: 0 });
    await expect(store.ping()).rejects.toThrow(/Unauthorized/);
  });
});
