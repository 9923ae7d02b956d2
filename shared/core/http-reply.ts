/**
 * What an HTTP-triggered handler may return instead of a plain JSON value: its own status, headers and
 * body, or a stream (server-sent events) written after the handler's transaction has committed.
 */

const BRAND = Symbol.for('hearth.http-reply');

/** Writes one chunk of a streamed reply; resolves when the client accepted it (back-pressure). */
export type HttpStreamWrite = (chunk: string) => Promise<void>;

export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON body; ignored when `stream` is set. */
  readonly body?: unknown;
  /**
   * Runs after the handler's transaction committed (its emits are published); the response ends when it
   * returns. `signal` aborts when the client goes away or the host shuts down.
   */
  readonly stream?: (write: HttpStreamWrite, signal: AbortSignal) => Promise<void>;
}

/** A request as an {@link HttpAuthorizer} sees it, before the body is read. */
export interface HttpRequestInfo {
  method: string;
  path: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string>>;
}

/** Who made a request, as an {@link HttpAuthorizer} established it (a token's subject and its roles). */
export interface HttpPrincipal {
  readonly principal: string;
  readonly roles?: readonly string[];
}

/**
 * Checks a request before its body is read: a reply rejects it (401, 403, ...); a principal or
 * undefined lets it through. A principal scopes the request's Idempotency-Key and reaches the handler
 * as the `hearth-principal` header (see ./http-auth.ts).
 */
export type HttpAuthorizer = (
  request: HttpRequestInfo,
) => Promise<HttpReply | HttpPrincipal | undefined> | HttpReply | HttpPrincipal | undefined;

/**
 * Builds a reply with a status, headers and a JSON body or a stream.
 * @example return httpReply({ status: 202, headers: { location: `/tasks/${id}` }, body: { taskId: id } })
 */
export function httpReply(reply: {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  stream?: HttpReply['stream'];
}): HttpReply {
  if (!Number.isInteger(reply.status) || reply.status < 100 || reply.status > 599) {
    throw new TypeError(`httpReply(): status must be an HTTP status code (100-599), got ${reply.status}`);
  }
  return Object.freeze({ ...reply, headers: reply.headers ?? {}, [BRAND]: true });
}

/**
 * True for a value built by {@link httpReply}.
 * @example if (isHttpReply(outcome.value)) ...
 */
export function isHttpReply(value: unknown): value is HttpReply {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Matches a route pattern with `:name` segments against a path; the decoded params, or null.
 * @example matchPath('/tasks/:id', '/tasks/42') // { id: '42' }
 */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const segment = want[i] as string;
    const actual = got[i] as string;
    if (segment.startsWith(':')) {
      if (actual === '') return null;
      try {
        params[segment.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (segment !== actual) return null;
  }
  return params;
}
