import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jwtAuthorizer } from '../../../functions/_lib/auth.ts';
import { ConfigError } from '../../core/index.ts';
import { UsageError } from '../command.ts';
import { devKeyPath, mintToken, signingKeyOf, ttlSeconds } from './auth.ts';
import { devModeOf } from './mode.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const cacheDir = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-dev-key-'));
  dirs.push(dir);
  return dir;
};

describe('dev mode', () => {
  it('is off unless HEARTH_DEV is true, and refused under NODE_ENV=production', () => {
    expect(devModeOf({})).toBe(false);
    expect(devModeOf({ HEARTH_DEV: 'false' })).toBe(false);
    expect(devModeOf({ HEARTH_DEV: 'true', NODE_ENV: 'development' })).toBe(true);
    expect(() => devModeOf({ HEARTH_DEV: 'yes' })).toThrow(/HEARTH_DEV.*must be true or false/);
    const error = (() => {
      try {
        devModeOf({ HEARTH_DEV: 'true', NODE_ENV: 'production' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toContain('NODE_ENV=production');
  });
});

describe('dev signing key', () => {
  it('is generated once per cache, owner-only, and signs tokens the tasks API accepts', async () => {
    const env = { HEARTH_CACHE: cacheDir() };
    const key = signingKeyOf(env, { dev: true });
    expect(key?.generated).toBe(true);
    expect(signingKeyOf(env, { dev: true })?.secret).toBe(key?.secret);
    expect(statSync(devKeyPath(env)).mode & 0o777).toBe(0o600);
    expect(readFileSync(devKeyPath(env), 'utf8').trim()).toBe(key?.secret);
    if (!key) throw new Error('no key');
    const token = await mintToken(key, { subject: 'dev', ttlS: 60, scope: ['hearth:admin'] });
    const authorize = jwtAuthorizer({
      HEARTH_JWT_SECRET: key.secret,
      HEARTH_JWT_ISSUER: key.issuer,
      HEARTH_JWT_AUDIENCE: key.audience,
    });
    const verdict = await authorize({ headers: { authorization: `Bearer ${token}` } } as never);
    expect(verdict).toEqual({ principal: 'dev', roles: ['hearth:admin'] });
  });

  it('is never generated outside dev mode, and a configured key wins', () => {
    const env = { HEARTH_CACHE: cacheDir() };
    expect(signingKeyOf(env, { dev: false })).toBeUndefined();
    const configured = { ...env, HEARTH_JWT_SECRET: 's'.repeat(32), HEARTH_JWT_ISSUER: 'i', HEARTH_JWT_AUDIENCE: 'a' };
    expect(signingKeyOf(configured, { dev: true })).toMatchObject({ issuer: 'i', audience: 'a', generated: false });
    expect(() => signingKeyOf({ HEARTH_JWT_SECRET: 's'.repeat(32) }, { dev: false })).toThrow(/HEARTH_JWT_ISSUER/);
    expect(signingKeyOf({ ...env, HEARTH_JWT_JWKS_URL: 'https://idp.example/jwks' }, { dev: true })).toBeUndefined();
  });

  it('parses token lifetimes and names a bad one', () => {
    expect(ttlSeconds('90s')).toBe(90);
    expect(ttlSeconds('15m')).toBe(900);
    expect(ttlSeconds('1h')).toBe(3_600);
    expect(ttlSeconds('7d')).toBe(604_800);
    expect(() => ttlSeconds('1 week')).toThrow(UsageError);
    expect(() => ttlSeconds('31d')).toThrow(/between 1s and 30d/);
  });
});
