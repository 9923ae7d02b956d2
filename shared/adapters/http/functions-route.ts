import type { ServerResponse } from 'node:http';
import {
  authorizeHttp,
  invoke,
  isHttpReply,
  matchPath,
  type AnyFunction,
  type HttpTrigger,
  type InvokeDeps,
  type Outcome,
} from '../../core/index.ts';
import { BodyTooLargeError, readBody, sendJson } from './body.ts';
import { sendReply } from './reply.ts';
import type { HttpRoute } from './types.ts';

/**
 * Serves HTTP-triggered functions: matches method and path (`:name` segments become params), runs the
 * trigger's `authorize` check, reads the body within the trigger's limit (413 past it), validates it
 * (400 with `path: message`), runs the core invoke once and answers with the handler's return value, or
 * with the status, headers, body or stream of an `httpReply`. GET requests validate the query string
 * plus the path params instead of a body. `Idempotency-Key` makes a retried request a no-op (202 with
 * `duplicate: true`).
 * @example routes.push(httpFunctionsRoute(functions, deps))
 */
export function httpFunctionsRoute(functions: readonly AnyFunction[], deps: InvokeDeps): HttpRoute {
  const table = functions.filter((fn) => fn.trigger.kind === 'http');
  return async (req, res, url) => {
    const match = route(table, req.method ?? 'GET', url.pathname);
    if (!match) return false;
    const { fn, trigger, params } = match;
    const sent: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') sent[name] = value;
    const auth = await authorizeHttp(trigger, { method: trigger.method, path: url.pathname, headers: sent });
    if ('rejected' in auth) {
      req.resume();
      await sendReply(res, auth.rejected);
      return true;
    }
    const { headers } = auth;
    let body: Buffer | null = null;
    let data: unknown;
    try {
      if (req.method === 'GET') data = { ...Object.fromEntries(url.searchParams), ...params };
      else body = await readBody(req, trigger.maxBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendJson(res, 413, { error: error.message });
        return true;
      }
      throw error;
    }
    const source = { kind: 'http' as const, method: req.method ?? 'GET', path: url.pathname, params };
    const outcome = await invoke(fn, { body, data, key: null, headers, source, attempt: 1 }, deps);
    if (outcome.status === 'done' && isHttpReply(outcome.value)) await sendReply(res, outcome.value, deps.signal);
    else respond(res, outcome);
    return true;
  };
}

function route(
  table: readonly AnyFunction[],
  method: string,
  path: string,
): { fn: AnyFunction; trigger: HttpTrigger<unknown>; params: Record<string, string> } | undefined {
  for (const fn of table) {
    if (fn.trigger.kind !== 'http' || fn.trigger.method !== method) continue;
    const params = matchPath(fn.trigger.path, path);
    if (params) return { fn, trigger: fn.trigger, params };
  }
  return undefined;
}

/** The HTTP answer to an outcome: status, JSON body and extra headers. */
export interface HttpAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * Maps an outcome to its HTTP answer: 200 with the handler's value, 202 for a duplicate or a parked
 * durable execution, 409 for a cancelled one, 429 with Retry-After when rate-limited, 503 with
 * Retry-After for a retry, 400/413 for bad input, 422 for non-retriable, 500 otherwise (no internals).
 * Shared by the host's route and the Azure Functions HTTP trigger.
 * @example httpAnswerOf({ status: 'done', duplicate: true }) // { status: 202, body: { duplicate: true }, headers: {} }
 */
export function httpAnswerOf(outcome: Outcome): HttpAnswer {
  switch (outcome.status) {
    case 'done':
      if (outcome.duplicate) return { status: 202, body: { duplicate: true }, headers: {} };
      // A durable function that waits (sleep, waitForEvent) finishes later, on any replica.
      if (outcome.parked) return { status: 202, body: { status: 'accepted', parked: outcome.parked }, headers: {} };
      if (outcome.cancelled) return { status: 409, body: { error: 'cancelled' }, headers: {} };
      return { status: 200, body: outcome.value ?? { ok: true }, headers: {} };
    case 'retry':
      if (outcome.failure.errorClass === 'RateLimitedError') {
        return {
          status: 429,
          body: { error: `too many requests: ${outcome.failure.message}` },
          headers: { 'retry-after': String(Math.max(1, Math.ceil(outcome.delayMs / 1000))) },
        };
      }
      return {
        status: 503,
        body: { error: 'temporarily unavailable, retry later' },
        headers: { 'retry-after': String(Math.max(1, Math.ceil(outcome.delayMs / 1000))) },
      };
    case 'dead-letter': {
      const bad = ['unparseable', 'schema-invalid', 'oversize'].includes(outcome.reason);
      if (outcome.reason === 'oversize') return { status: 413, body: { error: outcome.failure.message }, headers: {} };
      if (bad) return { status: 400, body: { error: outcome.failure.message, reason: outcome.reason }, headers: {} };
      return {
        status: outcome.reason === 'non-retriable' ? 422 : 500,
        body: {
          error: outcome.reason === 'non-retriable' ? outcome.failure.message : 'internal error',
          reason: outcome.reason,
        },
        headers: {},
      };
    }
  }
}

function respond(res: ServerResponse, outcome: Outcome): void {
  const answer = httpAnswerOf(outcome);
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  sendJson(res, answer.status, answer.body);
}
