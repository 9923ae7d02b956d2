import { backoffDelay } from './backoff.ts';
import { decodeEvent } from './decode.ts';
import type { AnyFunction } from './define.ts';
import { executeDurable, type DurableRuntime } from './durable/execute.ts';
import { collectingEmit, type Emit } from './emit.ts';
import { eventIdOf, eventMetaOf, type Envelope } from './envelope.ts';
import { HearthError, NonRetriableError } from './errors.ts';
import { shortContext } from './short-context.ts';
import type { DependencyGate } from './health.ts';
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
  /** The journal store and this process's identity, for durable functions. */
  durable?: DurableRuntime;
  /** True when a durable execution should stop before its next step (draining, partition lost). */
  shouldYield?: () => boolean;
  /** Where outages are reported and waited out (paused work resumes when the dependency is back). */
  gate?: DependencyGate;
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
 * decode and validate; then a short function's handler inside the exactly-once transaction, or a
 * durable function's journaled run outside any transaction; then classify failures.
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
    const meta = eventMetaOf(envelope, eventId);
    if (fn.durable) return await executeDurable(fn, event, meta, envelope, deps);
    const log = deps.log.child({ function: fn.name, eventId, attempt: envelope.attempt });
    if (isReadOnly(fn)) {
      // Safe methods change nothing: no transaction, no ledger row, no emits.
      const value = await withTimeout(fn.timeoutMs, deps.signal, (signal) =>
        fn.handler(event, shortContext(fn, meta, deps, log, signal, deps.database, readOnlyEmit(fn.name))),
      );
      return { status: 'done', duplicate: false, value };
    }
    const result = await deps.effects.runOnce(fn.name, eventId, async (tx) => {
      const messages: OutgoingMessage[] = [];
      const emit = collectingEmit(fn.name, meta.id, meta, messages);
      const value = await withTimeout(fn.timeoutMs, deps.signal, (signal) =>
        fn.handler(event, shortContext(fn, meta, deps, log, signal, tx, emit)),
      );
      return { value, messages };
    });
    return result.duplicate
      ? { status: 'done', duplicate: true }
      : { status: 'done', duplicate: false, value: result.value };
  } catch (error) {
    return classify(error, envelope.attempt, fn.retry.attempts, backoff);
  }
}

/** GET routes are read-only by HTTP's definition: they run outside the exactly-once path. */
function isReadOnly(fn: AnyFunction): boolean {
  return fn.trigger.kind === 'http' && fn.trigger.method === 'GET';
}

function readOnlyEmit(fnName: string): Emit {
  return (topic) => {
    throw new NonRetriableError(
      `function "${fnName}" serves GET, which changes nothing, so it cannot emit("${topic}"); serve the route with POST to emit`,
    );
  };
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
