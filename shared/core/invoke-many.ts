import type { AnyFunction, HandlerContext } from './define.ts';
import { backoffDelay } from './backoff.ts';
import { decodeEvent } from './decode.ts';
import { collectingEmit } from './emit.ts';
import { eventIdOf, eventMetaOf, type Envelope } from './envelope.ts';
import { HandlerTimeoutError, type InvocationInfo, type InvokeDeps } from './invoke.ts';
import { shortContext } from './short-context.ts';
import { classify, type Outcome } from './outcome.ts';
import type { OutgoingMessage, SqlTx } from './ports.ts';

/** Thrown inside the optimistic transaction to undo it: an event's handler failed. */
class ChunkAborted extends Error {
  constructor(index: number) {
    super(`event ${index} of the chunk failed`);
    this.name = 'ChunkAborted';
  }
}

/**
 * What the fast path made of a chunk: an outcome per event once it committed; or, when handlers threw
 * (nothing committed), the failed events' outcomes in the order they failed (a retry or a dead
 * letter; the first one's run was its attempt, the ones beside it may only have met the aborted
 * transaction); or undefined when the chunk could not take the fast path at all.
 */
export type ManyResult = { outcomes: Outcome[] } | { failed: { index: number; outcome: Outcome }[] } | undefined;

/** Handlers of the fast path share one deadline; their signal aborts only when the host stops. */
const NEVER = new AbortController().signal;

/**
 * The fast path of short functions: a whole chunk of events in one optimistic transaction. Every
 * event id is claimed in one statement (a redelivered event is a duplicate), the handlers run (events
 * of one key in order, different keys at once on the same transaction), and all their emits become
 * one outbox record. No savepoints: if any handler fails nothing commits and the failed events are
 * returned (the caller delivers their keys on their own and may run the rest again here); if the transaction fails, undefined (the caller takes the careful way: group commit
 * with an isolated savepoint per event). Bad input is dead-lettered at once and never aborts the others.
 * @example const result = await invokeMany(fn, envelopes, deps)
 */
export async function invokeMany(
  fn: AnyFunction,
  envelopes: readonly Envelope[],
  deps: InvokeDeps,
): Promise<ManyResult> {
  const runMany = deps.effects.runMany?.bind(deps.effects);
  if (!runMany || fn.durable || envelopes.length === 0) return undefined;
  const outcomes: (Outcome | undefined)[] = new Array<Outcome | undefined>(envelopes.length);
  const ids = envelopes.map((envelope) => eventIdOf(envelope));
  const firstOf = new Map<string, number>();
  const events: unknown[] = [];
  const bad: Promise<void>[] = [];
  envelopes.forEach((envelope, i) => {
    try {
      events[i] = decodeEvent<unknown>(fn.trigger, envelope);
    } catch (error) {
      const outcome = classify(error, envelope.attempt, fn.retry.attempts, () => 0);
      outcomes[i] = outcome;
      // Bad input is an attempt too: the hooks (metrics, tracing) see its dead letter as on the single path.
      bad.push(
        hooked({ fn, envelope, eventId: ids[i] as string }, deps, () => Promise.resolve(outcome)).then((seen) => {
          outcomes[i] = seen;
        }),
      );
      return;
    }
    // The same id twice in one chunk: the second is a duplicate of the first.
    if (firstOf.has(ids[i] as string)) outcomes[i] = { status: 'done', duplicate: true };
    else firstOf.set(ids[i] as string, i);
  });
  await Promise.all(bad);
  if (firstOf.size === 0) return { outcomes: outcomes as Outcome[] };
  const failed = new Map<number, Outcome>();
  try {
    await runMany(fn.name, [...firstOf.keys()], async (claimed, tx) => {
      failed.clear(); // a retried transaction (40001) starts over
      const messages: OutgoingMessage[][] = [];
      // After a failure no lane starts another event; the transaction is undone once the running ones end.
      const run = (i: number): Promise<void> =>
        failed.size > 0
          ? Promise.resolve()
          : runOne(
              fn,
              envelopes[i] as Envelope,
              ids[i] as string,
              events[i],
              claimed.has(ids[i] as string),
              tx,
              deps,
            ).then((result) => {
              outcomes[i] = result.outcome;
              messages[i] = result.messages;
              if (result.outcome.status !== 'done') failed.set(i, result.outcome);
            });
      await withDeadline(
        fn.timeoutMs,
        Promise.all(lanes(envelopes, [...firstOf.values()]).map((lane) => inOrder(lane, run))),
      );
      const first = failed.keys().next();
      if (!first.done) throw new ChunkAborted(first.value);
      return messages.flat();
    });
  } catch (error) {
    if (!(error instanceof ChunkAborted) || failed.size === 0) return undefined;
    return { failed: [...failed].map(([index, outcome]) => ({ index, outcome })) };
  }
  return { outcomes: outcomes as Outcome[] };
}

/** One event inside the shared transaction, through the hooks (tracing, metrics) like `invoke`. */
async function runOne(
  fn: AnyFunction,
  envelope: Envelope,
  eventId: string,
  event: unknown,
  claimed: boolean,
  tx: SqlTx,
  deps: InvokeDeps,
): Promise<{ outcome: Outcome; messages: OutgoingMessage[] }> {
  const info: InvocationInfo = { fn, envelope, eventId };
  const messages: OutgoingMessage[] = [];
  const attempt = async (): Promise<Outcome> => {
    if (!claimed) return { status: 'done', duplicate: true };
    const meta = eventMetaOf(envelope, eventId);
    const emit = collectingEmit(fn.name, meta.id, meta, messages);
    const ctx: HandlerContext = shortContext(
      fn,
      meta,
      deps,
      lazyLog(deps, fn, eventId),
      deps.signal ?? NEVER,
      tx,
      emit,
    );
    try {
      const value = await fn.handler(event, ctx);
      return { status: 'done', duplicate: false, value };
    } catch (error) {
      // The hooks see the failed attempt (metrics count the retry); the chunk is then undone.
      return classify(error, envelope.attempt, fn.retry.attempts, () => backoffDelay(fn.retry, envelope.attempt));
    }
  };
  return { outcome: await hooked(info, deps, attempt), messages };
}

/** Runs `attempt` through the hooks (tracing, metrics), outermost first, as `invoke` does. */
function hooked(info: InvocationInfo, deps: InvokeDeps, attempt: () => Promise<Outcome>): Promise<Outcome> {
  const chain = (deps.hooks ?? []).reduceRight<() => Promise<Outcome>>((next, hook) => () => hook(info, next), attempt);
  return chain();
}

/** Record indexes split by key, each in offset order: keys run at once, a key's events in order. */
function lanes(envelopes: readonly Envelope[], indexes: readonly number[]): number[][] {
  const byKey = new Map<string | null, number[]>();
  for (const i of indexes) {
    const key = (envelopes[i] as Envelope).key;
    const lane = byKey.get(key);
    if (lane) lane.push(i);
    else byKey.set(key, [i]);
  }
  return [...byKey.values()];
}

async function inOrder(lane: readonly number[], run: (i: number) => Promise<void>): Promise<void> {
  for (const i of lane) await run(i);
}

/** A child logger made only when a handler logs: most events never do. */
function lazyLog(deps: InvokeDeps, fn: AnyFunction, eventId: string): InvokeDeps['log'] {
  let child: InvokeDeps['log'] | undefined;
  const get = (): InvokeDeps['log'] => (child ??= deps.log.child({ function: fn.name, eventId }));
  return {
    debug: (m, f) => get().debug(m, f),
    info: (m, f) => get().info(m, f),
    warn: (m, f) => get().warn(m, f),
    error: (m, f) => get().error(m, f),
    child: (f) => get().child(f),
  };
}

/** One timer for the whole chunk: past the function's time limit the chunk is abandoned. */
async function withDeadline<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new HandlerTimeoutError(ms)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
