// Property-based: a Dapr bulk entry, whatever it holds, becomes an envelope the core decodes, or is
// refused with a typed error naming what was wrong; never a crash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BadInputError, decodeEvent, defineFunction, kafka } from '../../core/index.ts';
import { InvalidCloudEventError } from '../knative/cloudevent.ts';
import { bulkEntryEvent, daprEventToEnvelope } from './envelope.ts';

const RUNS = 5_000;
const fn = defineFunction({
  name: 'orders',
  trigger: kafka({ topic: 'orders', schema: z.object({ id: z.string() }) }),
  handler: () => undefined,
});
const entry = fc.record({
  entryId: fc.string({ maxLength: 20 }),
  event: fc.oneof(
    fc.base64String({ maxLength: 200 }),
    fc.string({ maxLength: 50 }),
    fc.anything(),
    fc.record(
      {
        specversion: fc.constantFrom('1.0', '2.0'),
        id: fc.string(),
        source: fc.string(),
        type: fc.string(),
        data: fc.oneof(fc.record({ id: fc.string() }), fc.anything()),
      },
      { requiredKeys: [] },
    ),
  ),
});
const metadata = fc.dictionary(
  fc.constantFrom('__partition', '__offset', '__key', '__topic', 'content-type', 'traceparent', 'x-other'),
  fc.oneof(fc.nat().map(String), fc.string({ maxLength: 20 })),
);

describe('Dapr envelope, fuzzed', () => {
  it(`any bulk entry is decoded or refused with a typed error (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(entry, metadata, (e, meta) => {
        try {
          decodeEvent(fn.trigger, daprEventToEnvelope(fn, bulkEntryEvent(e, 'orders'), meta));
        } catch (error) {
          expect([InvalidCloudEventError, BadInputError].some((type) => error instanceof type)).toBe(true);
          expect((error as Error).message.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
