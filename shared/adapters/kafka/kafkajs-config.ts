import { logLevel as KafkaLogLevel, type KafkaConfig, type logCreator, type SASLOptions } from 'kafkajs';
import { z } from 'zod';
import { hostPortList, readEnv } from '../../core/config.ts';
import type { LogLevel } from '../../core/logger.ts';
import type { Logger } from '../../core/ports.ts';

/** Connection settings of the kafkajs transport. */
export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  ssl: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

const flag = z.enum(['true', 'false'], { message: 'must be "true" or "false"' });

const EnvSchema = z
  .object({
    KAFKA_BROKERS: hostPortList,
    KAFKA_CLIENT_ID: z.string().min(1, 'must not be empty').default('hearth'),
    KAFKA_SSL: flag.default('false'),
    KAFKA_SASL_MECHANISM: z
      .enum(['plain', 'scram-sha-256', 'scram-sha-512'], { message: 'must be plain, scram-sha-256 or scram-sha-512' })
      .optional(),
    KAFKA_SASL_USERNAME: z.string().optional(),
    KAFKA_SASL_PASSWORD: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (!env.KAFKA_SASL_MECHANISM) return;
    for (const name of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
      if (!env[name])
        ctx.addIssue({ code: 'custom', path: [name], message: 'is required when KAFKA_SASL_MECHANISM is set' });
    }
  });

/**
 * Reads the Kafka connection from KAFKA_BROKERS (required), KAFKA_CLIENT_ID, KAFKA_SSL and
 * KAFKA_SASL_MECHANISM/USERNAME/PASSWORD; a bad value throws a ConfigError naming the variable.
 * @example const conn = kafkaConnectionFromEnv({ KAFKA_BROKERS: 'localhost:9092' })
 */
export function kafkaConnectionFromEnv(env: Record<string, string | undefined>): KafkaConnection {
  const cfg = readEnv(EnvSchema, env);
  const connection: KafkaConnection = {
    brokers: cfg.KAFKA_BROKERS,
    clientId: cfg.KAFKA_CLIENT_ID,
    ssl: cfg.KAFKA_SSL === 'true',
  };
  if (cfg.KAFKA_SASL_MECHANISM) {
    connection.sasl = {
      mechanism: cfg.KAFKA_SASL_MECHANISM,
      username: cfg.KAFKA_SASL_USERNAME ?? '',
      password: cfg.KAFKA_SASL_PASSWORD ?? '',
    };
  }
  return connection;
}

const LEVELS: Record<Exclude<LogLevel, 'silent'>, KafkaLogLevel> = {
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

/**
 * The kafkajs client config: connection plus a log creator that routes kafkajs logs into our Logger.
 * @example new Kafka(kafkajsConfig(conn, log, 'warn'))
 */
export function kafkajsConfig(connection: KafkaConnection, log: Logger, level: LogLevel = 'warn'): KafkaConfig {
  const config: KafkaConfig = {
    brokers: connection.brokers,
    clientId: connection.clientId,
    ssl: connection.ssl,
    logLevel: level === 'silent' ? KafkaLogLevel.NOTHING : LEVELS[level],
    logCreator: logCreatorFor(log),
  };
  if (connection.sasl) config.sasl = saslOptions(connection.sasl);
  return config;
}

function saslOptions({ mechanism, username, password }: NonNullable<KafkaConnection['sasl']>): SASLOptions {
  // kafkajs types SASL as a union discriminated by mechanism; narrow it explicitly.
  if (mechanism === 'plain') return { mechanism, username, password };
  if (mechanism === 'scram-sha-256') return { mechanism, username, password };
  return { mechanism, username, password };
}

function logCreatorFor(log: Logger): logCreator {
  const base = log.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log: entry }) => {
      const text = String(entry.message);
      const fields = Object.entries(entry).filter(([name]) => name !== 'message' && name !== 'timestamp');
      const withNs = { namespace, ...Object.fromEntries(fields) };
      // We bound the idempotent producer's retries on purpose so a failing publish surfaces to the caller
      // (which retries; consumers dedupe by ce_id); kafkajs warns about that on every producer.
      if (text.startsWith('Limiting retries for the idempotent producer')) return base.debug(text, withNs);
      // The connection layer logs every error response, then throws it to kafkajs, which retries (a topic
      // whose leader is still being elected, a coordinator loading); what finally fails reaches the caller.
      if (namespace === 'Connection' && text.startsWith('Response ')) return base.debug(text, withNs);
      if (level === KafkaLogLevel.ERROR) base.error(text, withNs);
      else if (level === KafkaLogLevel.WARN) base.warn(text, withNs);
      else if (level === KafkaLogLevel.INFO) base.info(text, withNs);
      else base.debug(text, withNs);
    };
}
