/**
 * Bearer-JWT check for the tasks API, with `jose`. Configured by:
 *   HEARTH_JWT_SECRET          HS256 shared secret (>= 32 characters), or
 *   HEARTH_JWT_JWKS_URL        a JWKS endpoint (RS256/ES256/EdDSA keys), exactly one of the two
 *   HEARTH_JWT_ISSUER          required `iss`
 *   HEARTH_JWT_AUDIENCE        required `aud`
 *   HEARTH_JWT_ALLOWED_CALLERS optional comma-separated `sub` values; empty allows every subject
 *   HEARTH_JWT_MAX_AGE_S       optional: tokens issued (`iat`) longer ago are refused, whatever their `exp`
 * Every token needs `sub` and `exp`. The JWKS URL must be https (http only for localhost). A token whose
 * space-separated `scope` holds `hearth:admin` sees every caller's tasks; others see only their own.
 * Answers: 401 missing, malformed, badly signed, expired, exp-less or wrong-issuer tokens; 403 a wrong
 * audience or a caller not allowed; 503 when no key is configured (deny by default).
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { readEnv } from '../../shared/core/config.ts';
import {
  ConfigError,
  hasRole,
  httpReply,
  principalOf,
  type HttpAuthorizer,
  type HttpReply,
} from '../../shared/core/index.ts';

/** The scope that lets a caller see and control every caller's tasks. */
export const ADMIN_SCOPE = 'hearth:admin';

const JwtEnv = z.object({
  HEARTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (an HS256 key)').optional(),
  HEARTH_JWT_JWKS_URL: z
    .url({ protocol: /^https?$/, error: 'must be an https URL' })
    .refine((v) => v.startsWith('https:') || LOCAL_HOSTS.has(new URL(v).hostname), {
      error: 'must be an https URL (plain http is allowed only for localhost)',
    })
    .optional(),
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
  HEARTH_JWT_MAX_AGE_S: z.coerce.number().int().min(1).optional(),
});

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

type Verify = (token: string) => Promise<JWTPayload>;

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
  const options = {
    issuer: cfg.HEARTH_JWT_ISSUER,
    audience: cfg.HEARTH_JWT_AUDIENCE,
    requiredClaims: ['exp', 'sub'],
    ...(cfg.HEARTH_JWT_MAX_AGE_S ? { maxTokenAge: cfg.HEARTH_JWT_MAX_AGE_S } : {}),
  };
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
    let claims: JWTPayload;
    try {
      claims = await verify(match[1] as string);
    } catch (error) {
      return rejection(error, options.audience);
    }
    const sub = claims.sub as string;
    if (allowed.length > 0 && !allowed.includes(sub)) {
      return deny(403, `caller "${sub}" is not allowed to use this API`);
    }
    const scope = typeof claims['scope'] === 'string' ? claims['scope'].split(' ').filter(Boolean) : [];
    return { principal: sub, roles: scope };
  };
}

/**
 * The verified `sub` of a request's bearer token, as the host passed it on.
 * @example const caller = callerOf(ctx.meta.headers) // "reports-service"
 */
export function callerOf(headers: Readonly<Record<string, string>>): string {
  return principalOf(headers) ?? 'anonymous';
}

/**
 * True when the caller's token carries the admin scope.
 * @example if (!isAdmin(ctx.meta.headers) && task.caller !== callerOf(ctx.meta.headers)) return notFound
 */
export function isAdmin(headers: Readonly<Record<string, string>>): boolean {
  return hasRole(headers, ADMIN_SCOPE);
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
