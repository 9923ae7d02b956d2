import { describe, expect, it } from 'vitest';
import { authFailure } from './auth.ts';

const none = new URLSearchParams();

describe('authFailure', () => {
  it('accepts the bearer token or the _token parameter', () => {
    expect(authFailure('Bearer s3cret', none, 's3cret')).toBeNull();
    expect(authFailure('bearer s3cret', none, 's3cret')).toBeNull();
    expect(authFailure(undefined, new URLSearchParams('_token=s3cret'), 's3cret')).toBeNull();
  });

  it('says whether the token is missing, malformed or wrong', () => {
    expect(authFailure(undefined, none, 's3cret')).toMatch(/missing/);
    expect(authFailure('Basic abc', none, 's3cret')).toMatch(/must read "Bearer <token>"/);
    expect(authFailure('Bearer nope', none, 's3cret')).toMatch(/invalid token/);
    expect(authFailure(undefined, new URLSearchParams('_token=nope'), 's3cret')).toMatch(/invalid token/);
  });
});
