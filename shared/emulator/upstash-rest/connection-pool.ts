/**
 * Dedicated Redis connections, leased one per transaction or blocking command so that MULTI/EXEC
 * never interleaves with other requests' commands and BLPOP never stalls the shared connection.
 */
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { RestRequestError } from './request.ts';

/** Options every connection of the server uses: raw Buffers and integers as exact text. */
export const REDIS_OPTIONS: RedisOptions = { stringNumbers: true, maxRetriesPerRequest: 2 };

/** A small pool of dedicated connections; idle ones are kept up to `maxIdle`. */
export interface ConnectionPool {
  acquire(): Promise<Redis>;
  /** Returns a connection; pass `healthy: false` after a failure so it is dropped, not reused. */
  release(connection: Redis, healthy: boolean): void;
  close(): Promise<void>;
}

/**
 * Creates a pool of dedicated connections to `redisUrl`; their error events go to `onError`. At most
 * `maxLeased` are out at once (blocking commands and transactions): past it a request gets a 429, so
 * clients cannot open Redis connections without bound.
 * @example const pool = createConnectionPool('redis://localhost:6379', report); const c = await pool.acquire();
 */
export function createConnectionPool(
  redisUrl: string,
  onError: (error: Error) => void,
  maxIdle = 4,
  maxLeased = 32,
): ConnectionPool {
  const idle: Redis[] = [];
  const leased = new Set<Redis>();
  let closed = false;

  return {
    async acquire() {
      if (closed) throw new Error('connection pool is closed');
      if (leased.size >= maxLeased) {
        throw new RestRequestError(
          429,
          `TRYAGAIN ${maxLeased} blocking commands or transactions are already running: retry when one ends`,
        );
      }
      let connection = idle.pop();
      if (connection === undefined) {
        // No offline queue and no resend: a half-sent transaction must fail, never be replayed.
        connection = new Redis(redisUrl, {
          ...REDIS_OPTIONS,
          lazyConnect: true,
          enableOfflineQueue: false,
          autoResendUnfulfilledCommands: false,
          maxRetriesPerRequest: 0,
        });
        connection.on('error', onError);
        try {
          await connection.connect();
        } catch (error) {
          connection.disconnect();
          throw error;
        }
      }
      leased.add(connection);
      return connection;
    },
    release(connection, healthy) {
      leased.delete(connection);
      if (!closed && healthy && connection.status === 'ready' && idle.length < maxIdle) idle.push(connection);
      else connection.disconnect();
    },
    async close() {
      closed = true;
      // Leased connections may sit in a BLPOP; QUIT would queue behind it, so cut them.
      for (const connection of leased) connection.disconnect();
      leased.clear();
      await Promise.all(idle.splice(0).map((connection) => quit(connection)));
    },
  };
}

/**
 * Closes a connection politely, falling back to a hard disconnect when QUIT cannot be sent.
 * @example await quit(redis)
 */
export async function quit(connection: Redis): Promise<void> {
  if (connection.status !== 'ready') {
    connection.disconnect();
    return;
  }
  try {
    await connection.quit();
  } catch {
    connection.disconnect();
  }
}
