// Property-based: the Upstash REST request parser never crashes; every rejection is a RestRequestError
// (a 4xx) naming what was wrong.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandFromPath, parseCommand, parseCommandList, parseJsonBody, RestRequestError } from './request.ts';

const RUNS = 5_000;
const refusedAs4xx = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(RestRequestError);
    expect((error as RestRequestError).status).toBeGreaterThanOrEqual(400);
    expect((error as RestRequestError).status).toBeLessThan(500);
    expect((error as Error).message.length).toBeGreaterThan(10);
  }
};

describe('Upstash REST request parser, fuzzed', () => {
  it(`any JSON body is one command, a list of commands, or a 4xx naming why (${RUNS} cases)`, () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.json().map((j) => new TextEncoder().encode(j)),
      fc
        .array(fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string())))
        .map((a) => new TextEncoder().encode(JSON.stringify(a))),
    );
    fc.assert(
      fc.property(body, (bytes) => {
        refusedAs4xx(() => parseCommand(parseJsonBody(Buffer.from(bytes))));
        refusedAs4xx(() => parseCommandList(parseJsonBody(Buffer.from(bytes))));
      }),
      { numRuns: RUNS },
    );
  });

  it(`any path, query and body become a command or a 4xx (${RUNS} cases)`, () => {
    const segment = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('%', '%zz', '%2F', '%E0%A4%A'));
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })),
        fc.option(fc.uint8Array({ maxLength: 50 })),
        (segments, query, body) => {
          refusedAs4xx(() =>
            commandFromPath(`/${segments.join('/')}`, new URLSearchParams(query), body ? Buffer.from(body) : null),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});
