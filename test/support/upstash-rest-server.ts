/**
 * Starts the project's Upstash-compatible REST server in-process on a random port over the real
 * Redis (REDIS_URL, default redis://localhost:6379), for integration tests.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createUpstashRestServer, type UpstashRestServerOptions } from '../../shared/emulator/upstash-rest/server.ts';

/** A running REST server and how to reach it. */
export interface RunningRestServer {
  url: string;
  token: string;
  redisUrl: string;
  close(): Promise<void>;
}

/**
 * Starts a server with a random token unless one is given.
 * @example const rest = await startUpstashRestServer(); new Redis({ url: rest.url, token: rest.token });
 */
export async function startUpstashRestServer(
  token = `test-${randomUUID()}`,
  options: Pick<UpstashRestServerOptions, 'maxPipelineCommands' | 'maxDedicatedConnections'> = {},
): Promise<RunningRestServer> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://localhost:6379';
  const server = createUpstashRestServer({ redisUrl, token, ...options });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    redisUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
