/**
 * Bearer-JWT check for the tasks API, with `jose`. Configured by:
 *   HEARTH_JWT_SECRET          HS256 shared secret (>= 32 characters), or
 *   HEARTH_JWT_JWKS_URL        a JWKS endpoint (RS256/ES256/EdDSA keys), exactly one of the two
 *   HEARTH_JWT_ISSUER          required `iss`
 *   HEARTH_JWT_AUDIENCE        required `aud`
 *   HEARTH_JWT_ALLOWED_CALLERS optional comma-separated `sub` values; empty allows every subject
 * Answers: 401 missing, malformed, badly signed, expired or wrong-issuer tokens; 403 a wrong audience
 * or a caller not allowed; 503 when no key is configured (deny by default).
 */
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { readEnv } from '../../shared/core/config.ts';
import { ConfigError, httpReply, type HttpAuthorizer, type HttpReply } from '../../shared/core/index.ts';

const JwtEnv = z.object({
  HEARTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (an HS256 key)').optional(),
  HEARTH_JWT_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  HEARTH_JWT_ISSUER: z.string().min(1).optional(),
  HEARTH_JWT_AUDIENCE: z.string().min(1).optional(),
  HEARTH_JWT_ALLOWED_CALLERS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
});

type Verify = (token: string) => Promise<{ sub?: string }>;

/**
 * Builds the authorizer from the environment; a bad or incomplete configuration throws a ConfigError
 * naming the variable, so the host does not start half-configured.
 * @example http({ method: 'POST', path: '/tasks', schema, authorize: jwtAuthorizer(process.env) })
 */
export function jwtAuthorizer(env: Record<string, string | undefined>): HttpAuthorizer {
  const set = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('HEARTH_JWT_') && v?.trim()));
  const cfg = readEnv(JwtEnv, set);
  if (cfg.HEARTH_JWT_SECRET && cfg.HEARTH_JWT_JWKS_URL) {
    throw new ConfigError(
      'HEARTH_JWT_JWKS_URL',
      'cannot be set together with HEARTH_JWT_SECRET; choose one key source',
    );
  }
  if (!cfg.HEARTH_JWT_SECRET && !cfg.HEARTH_JWT_JWKS_URL) {
    return () => deny(503, 'authentication is not configured: set HEARTH_JWT_SECRET or HEARTH_JWT_JWKS_URL');
  }
  if (!cfg.HEARTH_JWT_ISSUER) throw new ConfigError('HEARTH_JWT_ISSUER', 'is required when a JWT key is configured');
  if (!cfg.HEARTH_JWT_AUDIENCE)
    throw new ConfigError('HEARTH_JWT_AUDIENCE', 'is required when a JWT key is configured');
  const options = { issuer: cfg.HEARTH_JWT_ISSUER, audience: cfg.HEARTH_JWT_AUDIENCE };
  let verify: Verify;
  if (cfg.HEARTH_JWT_SECRET) {
    const key = new TextEncoder().encode(cfg.HEARTH_JWT_SECRET);
    verify = async (token) => (await jwtVerify(token, key, { ...options, algorithms: ['HS256'] })).payload;
  } else {
    const jwks: JWTVerifyGetKey = createRemoteJWKSet(new URL(cfg.HEARTH_JWT_JWKS_URL as string));
    verify = async (token) => (await jwtVerify(token, jwks, options)).payload;
  }
  const allowed = cfg.HEARTH_JWT_ALLOWED_CALLERS;
  return async ({ headers }) => {
    const match = /^Bearer\s+(\S+)$/i.exec(headers['authorization'] ?? '');
    if (!match) return deny(401, 'missing bearer token: send "Authorization: Bearer <JWT>"');
    let sub: string | undefined;
    try {
      sub = (await verify(match[1] as string)).sub;
    } catch (error) {
      return rejection(error, options.audience);
    }
    if (allowed.length > 0 && (!sub || !allowed.includes(sub))) {
      return deny(403, `caller "${sub ?? '(no sub claim)'}" is not allowed to use this API`);
    }
    return undefined;
  };
}

/**
 * The `sub` of a request's bearer token (call only after the authorizer accepted it).
 * @example const caller = callerOf(ctx.meta.headers) // "reports-service"
 */
export function callerOf(headers: Readonly<Record<string, string>>): string {
  const token = /^Bearer\s+(\S+)$/i.exec(headers['authorization'] ?? '')?.[1];
  if (!token) return 'anonymous';
  try {
    return decodeJwt(token).sub ?? 'anonymous';
  } catch {
    return 'anonymous';
  }
}

function rejection(error: unknown, audience: string): HttpReply {
  if (error instanceof errors.JWTExpired) return deny(401, 'token expired: get a new one');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return deny(403, `token audience is not accepted: this API expects "${audience}"`);
    return deny(401, `invalid token: "${error.claim}" claim check failed (${error.reason})`);
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return deny(503, 'cannot check tokens right now: the key set is unavailable');
  }
  if (error instanceof errors.JOSEError) return deny(401, `invalid token: ${error.message}`);
  throw error;
}

function deny(status: number, message: string): HttpReply {
  const headers: Record<string, string> =
    status === 401 ? { 'www-authenticate': 'Bearer realm="hearth", error="invalid_token"' } : {};
  return httpReply({ status, headers, body: { error: message } });
}
