import { backoffDelay, sleep, type RetryPolicy } from '../backoff.ts';
import { collectingEmit } from '../emit.ts';
import type { EventMeta } from '../envelope.ts';
import { dependencyOf, NonRetriableError, RetryAfterError, StepFailedError } from '../errors.ts';
import { failureOf } from '../outcome.ts';
import type { OutgoingMessage } from '../ports.ts';
import { jsonValue, type Execution } from './execution.ts';
import { ExecutionInterrupt } from './interrupts.ts';
import { retryPolicy } from './settings.ts';
import type { JournalEntry, StepOptions, TransactionContext } from './types.ts';

/** Raised when one attempt of a step's function runs past its time limit; retried like any failure. */
export class StepTimeoutError extends Error {
  constructor(stepId: string, ms: number) {
    super(`step "${stepId}" did not finish within ${ms} ms`);
    this.name = 'StepTimeoutError';
  }
}

/**
 * `ctx.step`: returns the journaled result, or runs `fn` (with its retries and time limit, outside any
 * transaction) and journals what it returned. A NonRetriableError is journaled and rethrown as a
 * StepFailedError on every run; other failures go to the event's retries unjournaled.
 * @example const profile = await runStep(execution, 'load', (signal) => fetchProfile(id, signal), opts, defaults)
 */
export async function runStep<R>(
  execution: Execution,
  stepId: string,
  fn: (signal: AbortSignal) => Promise<R> | R,
  options: StepOptions,
  defaults: { retry: RetryPolicy; timeoutMs: number },
): Promise<R> {
  const journaled = execution.begin(stepId, 'ctx.step()');
  if (journaled) return replay<R>(journaled);
  if (typeof fn !== 'function') {
    throw new NonRetriableError(
      `ctx.step("${stepId}"): the second argument must be a function, e.g. ctx.step("${stepId}", () => fetch(url))`,
    );
  }
  const policy =
    options.retries === undefined
      ? defaults.retry
      : retryPolicy(`ctx.step("${stepId}")`, 'retries', options.retries, defaults.retry);
  const timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
  return execution.track(
    (async () => {
      const startedAt = new Date();
      for (let attempt = 1; ; attempt += 1) {
        execution.boundary();
        let value: unknown;
        try {
          value = jsonValue(stepId, await attemptOnce(stepId, fn, timeoutMs, execution.deps.signal));
        } catch (error) {
          if (error instanceof ExecutionInterrupt || dependencyOf(error)) throw error;
          if (error instanceof NonRetriableError) {
            const failure = failureOf(error);
            const code = (error as { code?: string }).code;
            const entry = execution.absorb(
              await execution.deps.store.record(execution.ref, execution.deps.owner, {
                stepId,
                kind: 'run',
                outcome: 'error',
                error: { errorClass: failure.errorClass, message: failure.message, ...(code ? { code } : {}) },
                startedAt,
                attempts: attempt,
              }),
            );
            return replay<R>(entry);
          }
          if (attempt >= policy.attempts || execution.deps.signal?.aborted) throw error;
          const delay = error instanceof RetryAfterError ? error.retryAfterMs : backoffDelay(policy, attempt);
          execution.deps.log.debug('step attempt failed, retrying', { stepId, attempt, delayMs: delay, error });
          await sleep(delay, execution.deps.signal);
          continue;
        }
        const entry = execution.absorb(
          await execution.deps.store.record(execution.ref, execution.deps.owner, {
            stepId,
            kind: 'run',
            outcome: 'ok',
            value,
            startedAt,
            attempts: attempt,
          }),
        );
        return replay<R>(entry);
      }
    })(),
  );
}

/**
 * `ctx.transaction`: short SQL work that commits with its journal row and its emits, exactly once.
 * @example await runTransaction(execution, 'reserve', meta, fnName, ({ sql }) => sql.query('UPDATE ...'))
 */
export async function runTransaction<R>(
  execution: Execution,
  stepId: string,
  meta: Pick<EventMeta, 'id' | 'traceparent'>,
  fnName: string,
  work: (tx: TransactionContext) => Promise<R>,
): Promise<R> {
  const journaled = execution.begin(stepId, 'ctx.transaction()');
  if (journaled) return replay<R>(journaled);
  if (typeof work !== 'function') {
    throw new NonRetriableError(
      `ctx.transaction("${stepId}"): the second argument must be a function, e.g. ctx.transaction("${stepId}", ({ sql }) => sql.query(...))`,
    );
  }
  execution.boundary();
  const seed = `${execution.ref.key}\u0000${stepId}`;
  return execution.track(
    (async () => {
      const result = await execution.deps.store.transaction(
        execution.ref,
        execution.deps.owner,
        stepId,
        async (sql) => {
          const messages: OutgoingMessage[] = [];
          const value = jsonValue(stepId, await work({ sql, emit: collectingEmit(fnName, seed, meta, messages) }));
          return { value, messages };
        },
      );
      return replay<R>(execution.absorb(result));
    })(),
  );
}

/** The result of a journaled entry: its value, or its failure thrown again. */
export function replay<R>(entry: JournalEntry): R {
  if (entry.outcome === 'error') {
    throw new StepFailedError(entry.stepId, entry.error ?? { errorClass: 'Error', message: 'failed' });
  }
  return entry.value as R;
}

async function attemptOnce<R>(
  stepId: string,
  fn: (signal: AbortSignal) => Promise<R> | R,
  ms: number,
  outer: AbortSignal | undefined,
): Promise<R> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new StepTimeoutError(stepId, ms);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => fn(controller.signal)), timeout]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}
