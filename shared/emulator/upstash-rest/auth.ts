/**
 * Bearer-token check for the REST server: `Authorization: Bearer <token>` or `?_token=<token>`,
 * as Upstash documents.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Returns null when the request carries `expected`, else the reason it is refused.
 * @example authFailure('Bearer secret', new URLSearchParams(), 'secret') // null
 */
export function authFailure(
  authorization: string | undefined,
  query: URLSearchParams,
  expected: string,
): string | null {
  const fromHeader = bearerToken(authorization);
  if (authorization !== undefined && fromHeader === null) {
    return 'Unauthorized: the Authorization header must read "Bearer <token>"';
  }
  const presented = fromHeader ?? query.get('_token');
  if (presented === null || presented === '') {
    return 'Unauthorized: missing "Authorization: Bearer <token>" header';
  }
  return sameSecret(presented, expected) ? null : 'Unauthorized: invalid token';
}

function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

// Hash first so lengths match and the comparison takes the same time for any guess.
function sameSecret(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
