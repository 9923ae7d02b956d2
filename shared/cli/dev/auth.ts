import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { ConfigError } from '../../core/index.ts';
import { UsageError } from '../command.ts';

/** Issuer and audience of tokens signed with the generated dev key. */
export const DEV_ISSUER = 'hearth-dev';
export const DEV_AUDIENCE = 'hearth-dev';

/** What signs and checks the tasks API's tokens (HS256). */
export interface SigningKey {
  secret: string;
  issuer: string;
  audience: string;
  /** True when it is the generated local key rather than the configured one. */
  generated: boolean;
}

/**
 * Where the generated key lives: one per machine (per HEARTH_CACHE), readable by its owner only, so
 * `hearth dev` and `hearth token` in another shell agree without any variable set.
 */
export function devKeyPath(env: Record<string, string | undefined>): string {
  const cache = env.HEARTH_CACHE?.trim() || join(env.HOME?.trim() || homedir(), '.cache', 'hearth');
  return join(cache, 'run', 'dev-jwt-secret');
}

/**
 * The configured HS256 key (HEARTH_JWT_SECRET, ISSUER, AUDIENCE), or in dev mode with no key
 * configured the generated one (created on first use). Undefined when neither applies.
 * @example const key = signingKeyOf(process.env, { dev: true }) // { secret, issuer: 'hearth-dev', ... }
 */
export function signingKeyOf(
  env: Record<string, string | undefined>,
  options: { dev: boolean },
): SigningKey | undefined {
  const secret = env.HEARTH_JWT_SECRET?.trim();
  if (secret) {
    const issuer = env.HEARTH_JWT_ISSUER?.trim();
    const audience = env.HEARTH_JWT_AUDIENCE?.trim();
    if (!issuer) throw new ConfigError('HEARTH_JWT_ISSUER', 'is required when HEARTH_JWT_SECRET is set');
    if (!audience) throw new ConfigError('HEARTH_JWT_AUDIENCE', 'is required when HEARTH_JWT_SECRET is set');
    return { secret, issuer, audience, generated: false };
  }
  if (env.HEARTH_JWT_JWKS_URL?.trim()) return undefined;
  if (!options.dev) return undefined;
  return {
    secret: loadOrCreateDevSecret(devKeyPath(env)),
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
    generated: true,
  };
}

function loadOrCreateDevSecret(path: string): string {
  try {
    const existing = readFileSync(path, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/**
 * Parses a lifetime such as `90s`, `15m`, `1h` or `7d` into seconds.
 * @example ttlSeconds('1h') // 3600
 */
export function ttlSeconds(text: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (!match) throw new UsageError(`--ttl must look like 90s, 15m, 1h or 7d, got "${text}"`);
  const seconds = Number(match[1]) * { s: 1, m: 60, h: 3_600, d: 86_400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  if (seconds <= 0 || seconds > 30 * 86_400) throw new UsageError(`--ttl must be between 1s and 30d, got "${text}"`);
  return seconds;
}

/**
 * Signs a bearer token for the tasks API: `sub`, `exp`, `iat`, and `scope` when roles are given.
 * @example await mintToken(key, { subject: 'dev', ttlS: 3600, scope: ['hearth:admin'] })
 */
export async function mintToken(
  key: SigningKey,
  claims: { subject: string; ttlS: number; scope?: readonly string[] },
): Promise<string> {
  const jwt = new SignJWT(claims.scope && claims.scope.length > 0 ? { scope: claims.scope.join(' ') } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuer(key.issuer)
    .setAudience(key.audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + claims.ttlS);
  return jwt.sign(new TextEncoder().encode(key.secret));
}
