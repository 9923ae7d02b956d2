import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import {
  authorizeHttp,
  invoke,
  isHttpReply,
  type AnyFunction,
  type Envelope,
  type HttpReply,
} from '../../core/index.ts';
import { httpAnswerOf } from '../http/functions-route.ts';
import type { lazyDeps } from './deps.ts';

/**
 * The Functions route of a Hearth path: `/tasks/:id` becomes `tasks/{id}` (host.json sets an empty
 * routePrefix, so the URL stays the same as on the local host).
 * @example functionsRoute('/tasks/:id') // "tasks/{id}"
 */
export function functionsRoute(path: string): string {
  return path.replace(/^\//, '').replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/**
 * The handler of an HTTP function: the trigger's `authorize` runs first, then the request becomes an
 * envelope (the JSON body, or the query plus route params for GET), the core `invoke` runs once, and the
 * outcome maps to the same statuses as the local host's route (200 value, 202 duplicate with
 * Idempotency-Key, 400/413 bad input, 503 retry, 422/500). An `httpReply` value answers as given; its
 * stream, if any, is collected into one body (Functions buffers responses unless streaming is set up).
 * @example app.http(fn.name, { methods: ['POST'], route: 'tasks', handler: httpHandler(fn, depsOf) })
 */
export function httpHandler(fn: AnyFunction, depsOf: ReturnType<typeof lazyDeps>): HttpHandler {
  if (fn.trigger.kind !== 'http') throw new TypeError(`function "${fn.name}" has no http trigger`);
  const trigger = fn.trigger;
  return async (request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> => {
    const deps = await depsOf();
    const sent: Record<string, string> = {};
    for (const [name, value] of request.headers) sent[name.toLowerCase()] = value;
    const path = new URL(request.url).pathname;
    const auth = await authorizeHttp(trigger, { method: trigger.method, path, headers: sent });
    if ('rejected' in auth) return replyResponse(auth.rejected, deps.signal);
    const { headers } = auth;
    const params: Record<string, string> = { ...request.params };
    let body: Buffer | null = null;
    let data: unknown;
    if (request.method === 'GET') {
      data = { ...Object.fromEntries(request.query), ...params };
    } else {
      const declared = Number(headers['content-length'] ?? '0');
      if (declared > trigger.maxBytes) return tooLarge(declared, trigger.maxBytes);
      body = Buffer.from(await request.arrayBuffer());
      if (body.byteLength > trigger.maxBytes) return tooLarge(body.byteLength, trigger.maxBytes);
    }
    const source = { kind: 'http' as const, method: request.method, path, params };
    const envelope: Envelope = { body, data, key: null, headers, source, attempt: 1 };
    const outcome = await invoke(fn, envelope, deps);
    if (outcome.status === 'done' && isHttpReply(outcome.value)) return replyResponse(outcome.value, deps.signal);
    const answer = httpAnswerOf(outcome);
    return { status: answer.status, jsonBody: answer.body, headers: answer.headers };
  };
}

async function replyResponse(reply: HttpReply, signal: AbortSignal | undefined): Promise<HttpResponseInit> {
  if (!reply.stream) {
    return reply.body === undefined
      ? { status: reply.status, headers: { ...reply.headers } }
      : { status: reply.status, headers: { ...reply.headers }, jsonBody: reply.body };
  }
  const chunks: string[] = [];
  await reply.stream((chunk) => {
    chunks.push(chunk);
    return Promise.resolve();
  }, signal ?? new AbortController().signal);
  return { status: reply.status, headers: { ...reply.headers }, body: chunks.join('') };
}

function tooLarge(size: number, limit: number): HttpResponseInit {
  return { status: 413, jsonBody: { error: `request body is ${size} bytes, the limit is ${limit}` } };
}
