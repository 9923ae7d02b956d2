// Property-based: the CloudEvents HTTP binding reader, binary and structured, never crashes; every
// rejection is an InvalidCloudEventError naming the attribute or the problem.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidCloudEventError, readCloudEvent } from './cloudevent.ts';

const RUNS = 5_000;
const attribute = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('1.0', '0.3', '', '%', '%zz', '%41'));
const ceHeaders = fc.dictionary(
  fc.oneof(fc.constantFrom('ce-id', 'ce-source', 'ce-type', 'ce-specversion', 'ce-time'), fc.string({ maxLength: 12 }).map((s) => `ce-${s}`)),
  attribute,
  { maxKeys: 8 },
);
const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'text/plain',
  'application/cloudevents+json',
  'application/cloudevents+json; charset=utf-8',
  'application/cloudevents-batch+json',
);
const structuredBody = fc.oneof(
  fc.json(),
  fc
    .record(
      {
        specversion: fc.oneof(fc.constant('1.0'), fc.anything()),
        id: fc.oneof(fc.string(), fc.anything()),
        source: fc.string(),
        type: fc.string(),
        data: fc.anything(),
        data_base64: fc.oneof(fc.base64String(), fc.anything()),
        datacontenttype: fc.constantFrom('application/json', 'text/plain'),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o) ?? 'null'),
);

describe('readCloudEvent, fuzzed', () => {
  it(`any headers and body are read as one CloudEvent or refused with an InvalidCloudEventError (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(ceHeaders, contentType, fc.oneof(structuredBody, fc.string()), (headers, type, body) => {
        const all = type === undefined ? headers : { ...headers, 'content-type': type };
        try {
          const event = readCloudEvent(all, Buffer.from(body, 'utf8'));
          expect(event.specversion).toBe('1.0');
          expect(event.id.length).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidCloudEventError);
          expect((error as Error).message.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
