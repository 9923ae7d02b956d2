import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { kafkaConnectionFromEnv } from './kafkajs-config.ts';

describe('kafkaConnectionFromEnv', () => {
  it('reads brokers with defaults for the rest', () => {
    expect(kafkaConnectionFromEnv({ KAFKA_BROKERS: 'localhost:9092, kafka-2:9093' })).toEqual({
      brokers: ['localhost:9092', 'kafka-2:9093'],
      clientId: 'hearth',
      ssl: false,
    });
  });

  it('reads SSL and SASL settings', () => {
    const connection = kafkaConnectionFromEnv({
      KAFKA_BROKERS: 'broker:9094',
      KAFKA_CLIENT_ID: 'orders',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'secret',
    });
    expect(connection).toEqual({
      brokers: ['broker:9094'],
      clientId: 'orders',
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 'secret' },
    });
  });

  it.each([
    [{}, 'KAFKA_BROKERS'],
    [{ KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS'],
    [{ KAFKA_BROKERS: 'localhost:9092', KAFKA_SSL: 'yes' }, 'KAFKA_SSL'],
    [{ KAFKA_BROKERS: 'localhost:9092', KAFKA_SASL_MECHANISM: 'gssapi' }, 'KAFKA_SASL_MECHANISM'],
    [
      { KAFKA_BROKERS: 'localhost:9092', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: 'x' },
      'KAFKA_SASL_USERNAME',
    ],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => kafkaConnectionFromEnv(env)).toThrow(ConfigError);
    expect(() => kafkaConnectionFromEnv(env)).toThrow(new RegExp(`^${variable} `));
  });
});
