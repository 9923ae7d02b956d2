import { createHash } from 'node:crypto';
import { backoffDelay } from './backoff.ts';
import { decodeEvent } from './decode.ts';
import type { AnyFunction, EmitOptions, HandlerContext } from './define.ts';
import { eventIdOf, type Envelope, type EventMeta } from './envelope.ts';
import { HearthError } from './errors.ts';
import { classify } from './outcome.ts';
import type { Outcome } from './outcome.ts';
import type { EffectStore, KvStore, Logger, OutgoingMessage, SqlStore } from './ports.ts';

/** Facts about one invocation, passed to hooks (tracing, metrics). */
export interface InvocationInfo {
  fn: AnyFunction;
  envelope: Envelope;
  eventId: string;
}

/** Cross-cutting concern around every attempt; must call `next` exactly once. */
export type InvokeHook = (info: InvocationInfo, next: () => Promise<Outcome>) => Promise<Outcome>;

/** What the core needs from the host to run a function. */
export interface InvokeDeps {
  effects: EffectStore;
  /** Handed to handlers as ctx.database (writes outside the event transaction). */
  database: SqlStore;
  kv: KvStore;
  log: Logger;
  hooks?: readonly InvokeHook[];
  /** Aborted when the host shuts down; handlers see it through ctx.signal. */
  signal?: AbortSignal;
}

/** Raised when an attempt exceeds the function's timeout; retriable. */
export class HandlerTimeoutError extends HearthError {
  constructor(ms: number) {
    super(`handler did not finish within ${ms} ms`, { code: 'handler_timeout' });
    this.name = 'HandlerTimeoutError';
  }
}

/**
 * Runs one attempt of `fn` on `envelope` and says what to do next. The one path every platform uses:
 * decode and validate, then the handler inside the exactly-once transaction, then classify failures.
 * @example const outcome = await invoke(fn, envelope, deps)
 */
export async function invoke(fn: AnyFunction, envelope: Envelope, deps: InvokeDeps): Promise<Outcome> {
  const info: InvocationInfo = { fn, envelope, eventId: eventIdOf(envelope) };
  const run = (): Promise<Outcome> => attempt(info, deps);
  const chain = (deps.hooks ?? []).reduceRight<() => Promise<Outcome>>(
    (next, hook) => () => hook(info, once(next)),
    run,
  );
  return chain();
}

async function attempt({ fn, envelope, eventId }: InvocationInfo, deps: InvokeDeps): Promise<Outcome> {
  const backoff = (): number => backoffDelay(fn.retry, envelope.attempt);
  try {
    const event: unknown = decodeEvent<unknown>(fn.trigger, envelope);
    const meta: EventMeta = {
      id: eventId,
      key: envelope.key,
      headers: envelope.headers,
      source: envelope.source,
      attempt: envelope.attempt,
      traceparent: envelope.headers['traceparent'],
    };
    const result = await deps.effects.runOnce(fn.name, eventId, async (tx) => {
      const messages: OutgoingMessage[] = [];
      const log = deps.log.child({ function: fn.name, eventId, attempt: envelope.attempt });
      const value = await withTimeout(fn.timeoutMs, deps.signal, (signal) => {
        const ctx: HandlerContext = {
          meta,
          sql: tx,
          database: deps.database,
          kv: deps.kv,
          log,
          signal,
          emit: (topic, payload, options) =>
            messages.push(outgoing(fn.name, meta, messages.length, topic, payload, options)),
        };
        return fn.handler(event, ctx);
      });
      return { value, messages };
    });
    return result.duplicate
      ? { status: 'done', duplicate: true }
      : { status: 'done', duplicate: false, value: result.value };
  } catch (error) {
    return classify(error, envelope.attempt, fn.retry.attempts, backoff);
  }
}

/**
 * Builds the outbox record of one `emit`: JSON body and CloudEvents headers (Kafka binary binding)
 * whose id is derived from the source event, so a re-run of the same event emits the same ids.
 */
function outgoing(
  fnName: string,
  meta: EventMeta,
  index: number,
  topic: string,
  payload: unknown,
  options: EmitOptions = {},
): OutgoingMessage {
  const value = JSON.stringify(payload);
  if (value === undefined) throw new TypeError(`emit("${topic}"): payload is not JSON-serializable`);
  const id = createHash('sha256').update(`${fnName}\u0000${meta.id}\u0000${index}`).digest('hex').slice(0, 32);
  const headers: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: id,
    ce_source: `hearth/${fnName}`,
    ce_type: `hearth.${topic}`,
    ce_time: new Date().toISOString(),
    'content-type': 'application/json',
    'hearth-causation-id': meta.id,
    ...(meta.traceparent ? { traceparent: meta.traceparent } : {}),
    ...options.headers,
  };
  return { topic, key: options.key ?? null, value, headers };
}

async function withTimeout<T>(
  ms: number,
  outer: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T> | T,
): Promise<T> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new HandlerTimeoutError(ms);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => work(controller.signal)), timeout]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}

function once(next: () => Promise<Outcome>): () => Promise<Outcome> {
  let called: Promise<Outcome> | undefined;
  return () => (called ??= next());
}
