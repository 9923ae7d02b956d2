import { invoke, type AnyFunction, type InvokeDeps, type Outcome } from '../../core/index.ts';
import { BodyTooLargeError, readBody, sendJson } from './body.ts';
import type { HttpRoute } from './types.ts';

/**
 * Serves HTTP-triggered functions: matches method and path, reads the body within the trigger's limit
 * (413 past it), validates it (400 with `path: message`), runs the core invoke once and answers with
 * the handler's return value. GET requests validate the query string instead of a body.
 * `Idempotency-Key` makes a retried request a no-op (202 with `duplicate: true`).
 * @example routes.push(httpFunctionsRoute(functions, deps))
 */
export function httpFunctionsRoute(functions: readonly AnyFunction[], deps: InvokeDeps): HttpRoute {
  const table = functions.filter((fn) => fn.trigger.kind === 'http');
  return async (req, res, url) => {
    const fn = table.find((f) => f.trigger.kind === 'http' && f.trigger.method === req.method && f.trigger.path === url.pathname);
    if (!fn || fn.trigger.kind !== 'http') return false;
    let body: Buffer | null = null;
    let data: unknown;
    try {
      if (req.method === 'GET') data = Object.fromEntries(url.searchParams);
      else body = await readBody(req, fn.trigger.maxBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendJson(res, 413, { error: error.message });
        return true;
      }
      throw error;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
    const outcome = await invoke(
      fn,
      { body, data, key: null, headers, source: { kind: 'http', method: req.method ?? 'GET', path: url.pathname }, attempt: 1 },
      deps,
    );
    respond(res, outcome);
    return true;
  };
}

function respond(res: import('node:http').ServerResponse, outcome: Outcome): void {
  switch (outcome.status) {
    case 'done':
      if (outcome.duplicate) return sendJson(res, 202, { duplicate: true });
      return sendJson(res, 200, outcome.value ?? { ok: true });
    case 'retry':
      res.setHeader('retry-after', String(Math.max(1, Math.ceil(outcome.delayMs / 1000))));
      return sendJson(res, 503, { error: 'temporarily unavailable, retry later' });
    case 'dead-letter': {
      const bad = ['unparseable', 'schema-invalid', 'oversize'].includes(outcome.reason);
      if (outcome.reason === 'oversize') return sendJson(res, 413, { error: outcome.failure.message });
      if (bad) return sendJson(res, 400, { error: outcome.failure.message, reason: outcome.reason });
      return sendJson(res, outcome.reason === 'non-retriable' ? 422 : 500, {
        error: outcome.reason === 'non-retriable' ? outcome.failure.message : 'internal error',
        reason: outcome.reason,
      });
    }
  }
}

