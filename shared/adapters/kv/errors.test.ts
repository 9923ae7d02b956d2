import { errors } from '@upstash/redis';
import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../core/errors.ts';
import { kvFailure } from './errors.ts';

describe('kvFailure', () => {
  it('turns an unreachable endpoint, a gateway page or Redis being down into a kv outage', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(kvFailure(refused)).toBeInstanceOf(DependencyUnavailableError);
    expect(kvFailure(new errors.UpstashJSONParseError('<html>502</html>'))).toMatchObject({ dependency: 'kv' });
    expect(
      kvFailure(new errors.UpstashError('TRYAGAIN the REST server cannot reach Redis, command was: ["get"]')),
    ).toMatchObject({ dependency: 'kv' });
    expect(kvFailure(new errors.UpstashError('LOADING Redis is loading the dataset in memory'))).toMatchObject({
      dependency: 'kv',
    });
  });

  it("leaves the command's own errors and argument mistakes as they are", () => {
    const wrongType = new errors.UpstashError('WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(kvFailure(wrongType)).toBe(wrongType);
    const badKey = new TypeError('KvStore.get: key must be a non-empty string, got ""');
    expect(kvFailure(badKey)).toBe(badKey);
  });
});
