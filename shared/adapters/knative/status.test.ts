import { describe, expect, it } from 'vitest';
import type { FailureInfo } from '../../core/index.ts';
import { answerFor } from './status.ts';

const failure: FailureInfo = { errorClass: 'Error', message: 'boom', at: new Date() };
const ctx = { function: 'f', eventId: 'e' };

describe('answerFor', () => {
  it('accepts done and duplicate with 202 (never a 200 that could read as a reply event)', () => {
    expect(answerFor({ status: 'done', duplicate: false }, ctx).status).toBe(202);
    expect(answerFor({ status: 'done', duplicate: true }, ctx).body).toMatchObject({ duplicate: true });
  });

  it('asks for redelivery with 503 and Retry-After in whole seconds', () => {
    const answer = answerFor({ status: 'retry', delayMs: 1_200, failure }, ctx);
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('2');
  });

  it('maps dead letters to non-retried 4xx by reason', () => {
    const status = (reason: 'unparseable' | 'schema-invalid' | 'oversize' | 'non-retriable' | 'retries-exhausted'): number =>
      answerFor({ status: 'dead-letter', reason, failure }, ctx).status;
    expect([status('unparseable'), status('schema-invalid'), status('oversize'), status('non-retriable'), status('retries-exhausted')]).toEqual([
      400, 400, 413, 422, 422,
    ]);
  });
});
