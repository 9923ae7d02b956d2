import { describe, expect, it } from 'vitest';
import { isKafkaOutage } from './errors.ts';

const named = (name: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(name), { name, ...extra });

describe('isKafkaOutage', () => {
  it('is true for brokers out of reach, leaders moving and timeouts, also behind a retry wrapper', () => {
    expect(isKafkaOutage(named('KafkaJSConnectionError'))).toBe(true);
    expect(isKafkaOutage(named('KafkaJSProtocolError', { type: 'LEADER_NOT_AVAILABLE' }))).toBe(true);
    expect(isKafkaOutage(named('KafkaJSNumberOfRetriesExceeded', { cause: named('KafkaJSRequestTimeoutError') }))).toBe(
      true,
    );
  });

  it('is false when the broker refuses the records themselves', () => {
    expect(isKafkaOutage(named('KafkaJSProtocolError', { type: 'MESSAGE_TOO_LARGE' }))).toBe(false);
    expect(isKafkaOutage(named('KafkaJSProtocolError', { type: 'INVALID_TOPIC_EXCEPTION' }))).toBe(false);
    expect(isKafkaOutage(named('UnknownTopicError'))).toBe(false);
  });
});
