// Property-based: the decode path never crashes on any body; every rejection is a BadInputError that
// names what was wrong.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeEvent } from './decode.ts';
import type { Envelope } from './envelope.ts';
import { BadInputError } from './errors.ts';
import { kafka, type Trigger } from './triggers.ts';

const RUNS = 5_000;
const schema = z.object({ id: z.string().min(1), amount: z.number().int().nonnegative() });
const triggers: Record<string, Trigger<unknown>> = {
  json: kafka({ topic: 't', schema, maxBytes: 2_048 }),
  text: kafka({ topic: 't', format: 'text', schema: z.string().max(500), maxBytes: 2_048 }),
  bytes: kafka({ topic: 't', format: 'bytes', schema: z.instanceof(Buffer), maxBytes: 2_048 }),
};
const envelopeOf = (body: Uint8Array | null): Envelope => ({
  body: body === null ? null : Buffer.from(body),
  key: null,
  headers: {},
  source: { kind: 'kafka', topic: 't', partition: 0, offset: '0' },
  attempt: 1,
});
// Raw bytes, near-miss JSON, and objects with the right and wrong fields.
const bodies = fc.oneof(
  fc.uint8Array({ maxLength: 3_000 }),
  fc.json().map((j) => new TextEncoder().encode(j)),
  fc
    .record({ id: fc.oneof(fc.string(), fc.integer()), amount: fc.oneof(fc.integer(), fc.string(), fc.double()) })
    .map((o) => new TextEncoder().encode(JSON.stringify(o))),
  fc.constant(null),
);

describe('decodeEvent, fuzzed', () => {
  for (const [format, trigger] of Object.entries(triggers)) {
    it(`${format}: any body is decoded or refused with a BadInputError naming why (${RUNS} cases)`, () => {
      fc.assert(
        fc.property(bodies, (body) => {
          try {
            decodeEvent(trigger, envelopeOf(body));
          } catch (error) {
            expect(error).toBeInstanceOf(BadInputError);
            expect((error as BadInputError).message.length).toBeGreaterThan(5);
            expect(['unparseable', 'schema-invalid', 'oversize']).toContain((error as BadInputError).kind);
          }
        }),
        { numRuns: RUNS },
      );
    });
  }
});
