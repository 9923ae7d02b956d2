import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ConfigError, isHttpReply } from '../../shared/core/index.ts';
import { jwtAuthorizer } from './auth.ts';

const secret = 'a-test-secret-of-at-least-32-characters!';
const base = { HEARTH_JWT_SECRET: secret, HEARTH_JWT_ISSUER: 'iss', HEARTH_JWT_AUDIENCE: 'aud' };
const sign = (edit: (jwt: SignJWT) => SignJWT, claims: Record<string, unknown> = {}) =>
  edit(new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer('iss').setAudience('aud')).sign(
    new TextEncoder().encode(secret),
  );
const check = async (env: Record<string, string>, jwt: string) =>
  jwtAuthorizer(env)({ method: 'GET', path: '/tasks/x', headers: { authorization: `Bearer ${jwt}` } });
const errorOf = (verdict: unknown) => (isHttpReply(verdict) ? verdict.body : verdict);

describe('jwtAuthorizer', () => {
  it('passes the verified subject and its scopes on as the principal', async () => {
    const jwt = await sign((j) => j.setSubject('alice').setExpirationTime('5m'), { scope: 'read hearth:admin' });
    expect(await check(base, jwt)).toEqual({ principal: 'alice', roles: ['read', 'hearth:admin'] });
  });

  it('refuses a token without exp, or without sub', async () => {
    const noExp = await sign((j) => j.setSubject('alice'));
    expect(errorOf(await check(base, noExp))).toEqual({ error: 'invalid token: "exp" claim check failed (missing)' });
    const noSub = await sign((j) => j.setExpirationTime('5m'));
    expect(errorOf(await check(base, noSub))).toEqual({ error: 'invalid token: "sub" claim check failed (missing)' });
  });

  it('refuses a token older than HEARTH_JWT_MAX_AGE_S whatever its exp', async () => {
    const env = { ...base, HEARTH_JWT_MAX_AGE_S: '3600' };
    const old = await sign((j) =>
      j
        .setSubject('alice')
        .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
        .setExpirationTime('1y'),
    );
    const verdict = await check(env, old);
    expect(isHttpReply(verdict) && verdict.status).toBe(401);
    const fresh = await sign((j) => j.setSubject('alice').setIssuedAt().setExpirationTime('1y'));
    expect(await check(env, fresh)).toEqual({ principal: 'alice', roles: [] });
  });

  it('takes a JWKS only over https, except on localhost', () => {
    const jwks = (url: string) => () =>
      jwtAuthorizer({ HEARTH_JWT_JWKS_URL: url, HEARTH_JWT_ISSUER: 'iss', HEARTH_JWT_AUDIENCE: 'aud' });
    expect(jwks('http://keys.example.com/jwks.json')).toThrow(ConfigError);
    expect(jwks('http://keys.example.com/jwks.json')).toThrow(/HEARTH_JWT_JWKS_URL.*https/);
    expect(jwks('https://keys.example.com/jwks.json')).not.toThrow();
    expect(jwks('http://localhost:8080/jwks.json')).not.toThrow();
    expect(jwks('http://127.0.0.1:8080/jwks.json')).not.toThrow();
  });
});
