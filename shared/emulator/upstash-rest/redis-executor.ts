/**
 * Runs REST commands on Redis through ioredis: single commands and pipelines on one shared
 * connection, transactions and blocking commands on a leased dedicated connection.
 */
import { Redis, ReplyError } from 'ioredis';
import { isBlockingCommand, unsupportedReason } from './command-policy.ts';
import { createConnectionPool, quit, REDIS_OPTIONS } from './connection-pool.ts';
import type { CommandOutcome, RedisArg, RedisReply } from './encoding.ts';

/** A transaction either ran (each command with its own outcome) or was discarded as a whole. */
export type TransactionResult = { outcomes: CommandOutcome[] } | { error: string };

/** Executes commands; Redis error replies are outcomes, connection failures reject. */
export interface RedisExecutor {
  run(command: readonly RedisArg[]): Promise<CommandOutcome>;
  /** Not atomic, like Upstash: other clients' commands may interleave. */
  pipeline(commands: readonly (readonly RedisArg[])[]): Promise<CommandOutcome[]>;
  /** MULTI ... EXEC on a dedicated connection. */
  multiExec(commands: readonly (readonly RedisArg[])[]): Promise<TransactionResult>;
  close(): Promise<void>;
}

// ioredis types ReplyError as `any`; narrow it once so `instanceof` stays typed.
const ReplyErrorClass = ReplyError as new (message?: string) => Error;

/**
 * Connects to `redisUrl` (lazily, queueing commands until ready). Connection errors go to `onError`
 * (ioredis reconnects on its own).
 * @example const redis = createRedisExecutor('redis://localhost:6379'); await redis.run(['PING']);
 */
export function createRedisExecutor(
  redisUrl: string,
  onError: (error: Error) => void = () => {},
  maxDedicated = 32,
): RedisExecutor {
  const shared = new Redis(redisUrl, REDIS_OPTIONS);
  shared.on('error', onError);
  const pool = createConnectionPool(redisUrl, onError, 4, maxDedicated);

  async function withLease<T>(work: (connection: Redis) => Promise<T>): Promise<T> {
    const connection = await pool.acquire();
    let healthy = false;
    try {
      const result = await work(connection);
      healthy = true;
      return result;
    } finally {
      pool.release(connection, healthy);
    }
  }

  function runOn(connection: Redis, commands: readonly (readonly RedisArg[])[]): Promise<CommandOutcome[]> {
    // Every command is written before any reply is awaited, so they reach Redis back to back.
    return Promise.all(
      commands.map((command) => {
        const reason = unsupportedReason(command);
        return reason === null ? settle(send(connection, command)) : Promise.resolve({ error: reason });
      }),
    );
  }

  return {
    async run(command) {
      const [outcome] = isBlockingCommand(command)
        ? await withLease((connection) => runOn(connection, [command]))
        : await runOn(shared, [command]);
      return outcome ?? { error: 'ERR no reply' };
    },
    pipeline(commands) {
      return commands.some(isBlockingCommand)
        ? withLease((connection) => runOn(connection, commands))
        : runOn(shared, commands);
    },
    async multiExec(commands) {
      for (const command of commands) {
        const reason = unsupportedReason(command);
        if (reason !== null) return { error: reason };
      }
      return withLease(async (connection) => {
        const sent = [
          connection.callBuffer('MULTI'),
          ...commands.map((command) => send(connection, command)),
          connection.callBuffer('EXEC'),
        ];
        const [begin, ...rest] = await Promise.all(sent.map(settle));
        const exec = rest.pop();
        // A command rejected while queueing makes Redis discard the whole transaction (EXECABORT);
        // report that command's own error, which says what was wrong.
        const failed = [begin, ...rest, exec].find((outcome) => outcome !== undefined && 'error' in outcome);
        if (failed !== undefined && 'error' in failed) return { error: failed.error };
        const replies = exec !== undefined && 'reply' in exec ? exec.reply : null;
        if (!Array.isArray(replies)) return { error: 'EXECABORT Transaction discarded' };
        return { outcomes: replies.map((reply) => (reply instanceof Error ? { error: reply.message } : { reply })) };
      });
    },
    async close() {
      await Promise.all([quit(shared), pool.close()]);
    },
  };
}

// ioredis rewrites some replies by lower-case command name (HGETALL becomes an object); Redis
// ignores case, so sending the name upper-case keeps every reply exactly as Redis sent it.
function send(connection: Redis, command: readonly RedisArg[]): Promise<unknown> {
  const [name, ...args] = command;
  return connection.callBuffer(String(name).toUpperCase(), ...args);
}

async function settle(reply: Promise<unknown>): Promise<CommandOutcome> {
  try {
    return { reply: (await reply) as RedisReply };
  } catch (error) {
    if (error instanceof ReplyErrorClass) return { error: error.message };
    throw error;
  }
}
