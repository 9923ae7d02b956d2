import { describe, expect, it } from 'vitest';
import { defineFunction, kafka } from '../../core/index.ts';
import { z } from 'zod';
import { daprSubscriptions } from './protocol.ts';
import { daprStatusFor } from './status.ts';

const failure = { errorClass: 'Error', message: 'boom', at: new Date(0) };

describe('daprStatusFor', () => {
  it('maps done to SUCCESS, retry to RETRY and every dead-letter reason to DROP', () => {
    expect(daprStatusFor({ status: 'done', duplicate: false })).toBe('SUCCESS');
    expect(daprStatusFor({ status: 'done', duplicate: true })).toBe('SUCCESS');
    expect(daprStatusFor({ status: 'retry', delayMs: 100, failure })).toBe('RETRY');
    for (const reason of ['unparseable', 'schema-invalid', 'oversize', 'non-retriable', 'retries-exhausted'] as const) {
      expect(daprStatusFor({ status: 'dead-letter', reason, failure })).toBe('DROP');
    }
  });
});

describe('daprSubscriptions', () => {
  it('lists each Kafka function with its route, dead-letter topic and rawPayload', () => {
    const fn = defineFunction({
      name: 'ledger',
      trigger: kafka({ topic: 'orders', schema: z.unknown() }),
      deadLetterTopic: 'orders.dlq',
      handler: () => undefined,
    });
    expect(daprSubscriptions([fn], { bulkSubscribe: { enabled: true, maxMessagesCount: 10 } })).toEqual([
      {
        pubsubname: 'hearth-pubsub',
        topic: 'orders',
        routes: { default: '/dapr/events/ledger' },
        deadLetterTopic: 'orders.dlq',
        metadata: { rawPayload: 'true' },
        bulkSubscribe: { enabled: true, maxMessagesCount: 10 },
      },
    ]);
  });
});
