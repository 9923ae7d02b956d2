import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError, NonRetriableError } from './errors.ts';
import { classify } from './outcome.ts';

describe('classify', () => {
  it('pauses on a dependency outage, even past the last attempt, and never dead-letters it', () => {
    const outage = new Error('handler wrapped it', {
      cause: new DependencyUnavailableError('sql', 'connect ECONNREFUSED'),
    });
    expect(classify(outage, 5, 5, () => 300)).toMatchObject({ status: 'retry', delayMs: 300, paused: 'sql' });
    expect(classify(new DependencyUnavailableError('kv', 'down'), 1, 1, () => 1)).toMatchObject({ paused: 'kv' });
  });

  it('spends attempts on failures the handler causes, then dead-letters', () => {
    expect(classify(new Error('bug'), 1, 3, () => 10)).toEqual({
      status: 'retry',
      delayMs: 10,
      failure: expect.objectContaining({ message: 'bug' }) as unknown,
    });
    expect(classify(new Error('bug'), 3, 3, () => 10)).toMatchObject({
      status: 'dead-letter',
      reason: 'retries-exhausted',
    });
    expect(classify(new NonRetriableError('no'), 1, 3, () => 10)).toMatchObject({
      status: 'dead-letter',
      reason: 'non-retriable',
    });
  });
});
