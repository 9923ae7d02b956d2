import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventIdOf, type Envelope } from './envelope.ts';
import { authorizeHttp, hasRole, principalOf } from './http-auth.ts';
import { httpReply } from './http-reply.ts';
import { http } from './triggers.ts';

const request = (headers: Record<string, string>) => ({ method: 'POST', path: '/tasks', headers });
const httpEnvelope = (headers: Record<string, string>): Envelope => ({
  body: null,
  data: {},
  key: null,
  headers,
  source: { kind: 'http', method: 'POST', path: '/tasks' },
  attempt: 1,
});

describe('authorizeHttp', () => {
  const trigger = http({
    method: 'POST',
    path: '/tasks',
    schema: z.object({}),
    authorize: ({ headers }) =>
      headers['authorization'] === 'Bearer good'
        ? { principal: 'auth0|alice', roles: ['read', 'hearth:admin'] }
        : httpReply({ status: 401, body: { error: 'no' } }),
  });

  it('sets the principal and roles the authorizer established, replacing what the client sent', async () => {
    const auth = await authorizeHttp(
      trigger,
      request({ authorization: 'Bearer good', 'hearth-principal': 'mallory', 'hearth-principal-roles': 'x' }),
    );
    expect('headers' in auth && auth.headers['hearth-principal']).toBe('auth0|alice');
    if (!('headers' in auth)) throw new Error('expected headers');
    expect(principalOf(auth.headers)).toBe('auth0|alice');
    expect(hasRole(auth.headers, 'hearth:admin')).toBe(true);
    expect(hasRole(auth.headers, 'x')).toBe(false);
  });

  it('returns the rejection as the reply to send', async () => {
    const auth = await authorizeHttp(trigger, request({ 'hearth-principal': 'mallory' }));
    expect('rejected' in auth && auth.rejected.status).toBe(401);
  });

  it('drops a client-sent principal when the trigger has no authorizer', async () => {
    const open = http({ method: 'POST', path: '/open', schema: z.object({}) });
    const auth = await authorizeHttp(open, request({ 'hearth-principal': 'mallory', 'x-other': '1' }));
    expect(auth).toEqual({ headers: { 'x-other': '1' } });
  });
});

describe('eventIdOf for HTTP', () => {
  it("scopes the Idempotency-Key to the caller, so two callers' same key are two events", () => {
    const alice = eventIdOf(httpEnvelope({ 'idempotency-key': 'k1', 'hearth-principal': 'auth0|alice' }));
    const bob = eventIdOf(httpEnvelope({ 'idempotency-key': 'k1', 'hearth-principal': 'bob' }));
    expect(alice).toBe('auth0%7Calice|k1');
    expect(bob).toBe('bob|k1');
    expect(eventIdOf(httpEnvelope({ 'idempotency-key': 'k1', 'hearth-principal': 'bob' }))).toBe(bob);
  });

  it('keeps an unauthenticated key as it is, and ignores a client-sent CloudEvents id', () => {
    expect(eventIdOf(httpEnvelope({ 'idempotency-key': 'k1' }))).toBe('k1');
    const a = eventIdOf(httpEnvelope({ 'ce-id': 'fixed', ce_id: 'fixed' }));
    expect(a).not.toBe('fixed');
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
  });
});
