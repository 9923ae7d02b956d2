import { z } from 'zod';
import { readEnv } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';

/** Which entry feeds events in: the local host's own Kafka consumers and cron, or a platform's HTTP push. */
export const PLATFORMS = ['local', 'knative', 'dapr'] as const;
export type Platform = (typeof PLATFORMS)[number];

const HostEnv = z.object({
  HEARTH_PLATFORM: z.enum(PLATFORMS).default('local'),
  /** Comma-separated function names to serve; empty serves all. */
  HEARTH_FUNCTIONS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /** Where function packages live; default the repo's functions/. */
  HEARTH_FUNCTIONS_DIR: z.string().min(1).optional(),
  HEARTH_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  /** The address the HTTP server listens on; unset: every interface (127.0.0.1 in dev mode). */
  HEARTH_HTTP_HOST: z.string().min(1).optional(),
  /** Serve the dev UI at /_hearth/ outside dev mode too (then HEARTH_DEV_UI_TOKEN guards its API). */
  HEARTH_DEV_UI: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  HEARTH_DEV_UI_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  /** auto: coloured one-line logs on a terminal, JSON lines otherwise. */
  HEARTH_LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  HEARTH_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Upper bound for SIGTERM drain: stop fetching, finish in-flight work, commit, disconnect. */
  HEARTH_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  HEARTH_REPLICA_ID: z.string().min(1).optional(),
  /** Apply migrations at start-up (idempotent). */
  HEARTH_MIGRATE_ON_START: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Create the topics functions consume, emit to and dead-letter to (dev); off where topics are managed. */
  HEARTH_CREATE_TOPICS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Partitions of one function consumed at the same time by a replica (keys within one run in parallel too). */
  HEARTH_PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(4),
  HEARTH_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1_000).default(4),
  /** Parked durable executions this replica resumes at the same time. */
  HEARTH_DURABLE_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(16),
  /**
   * How long a replica's claim on a running durable execution lasts without renewal (renewed every
   * third of it): after a crash, another replica resumes the execution this much later at most.
   */
  HEARTH_DURABLE_LEASE_MS: z.coerce.number().int().min(1_000).max(600_000).default(15_000),
  /** Kafka group session timeout: a member that stops heartbeating loses its partitions this much later. */
  HEARTH_KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(1_800_000).default(30_000),
});

export type HostConfig = z.output<typeof HostEnv>;

/**
 * Reads and validates the host's own variables (backends validate theirs in their `fromEnv`).
 * @example const cfg = readHostConfig(process.env) // throws ConfigError naming the bad variable
 */
export function readHostConfig(env: Record<string, string | undefined>): HostConfig {
  // PORT is the container convention (Knative sets it; the image's health check reads it): it is the
  // port when HEARTH_HTTP_PORT is not set, so the server and the health check never disagree.
  const port = env['HEARTH_HTTP_PORT'] ?? env['PORT'];
  if (env['HEARTH_HTTP_PORT'] === undefined && port !== undefined && !/^\d{1,5}$/.test(port))
    throw new ConfigError('PORT', `must be a port number (0-65535), got "${port}"`);
  return readEnv(HostEnv, port === undefined ? env : { ...env, HEARTH_HTTP_PORT: port });
}
