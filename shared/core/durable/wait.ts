import { NonRetriableError } from '../errors.ts';
import type { Execution } from './execution.ts';
import { Suspended } from './interrupts.ts';
import { matchKeyOf } from './match.ts';
import { replay } from './step.ts';
import type { WaitForEventOptions } from './types.ts';

/** setTimeout and Date both hold this; anything later is a mistake. */
const MAX_DURATION_MS = 100 * 365 * 86_400_000;

/**
 * `ctx.sleep`: journals the wake-up time on the first run, then parks until it passed. Every replay
 * reads the same time back, so a restart never extends the sleep.
 * @example await sleepUntil(execution, 'cool-down', 60_000)
 */
export async function sleepUntil(execution: Execution, stepId: string, durationOrUntil: number | Date): Promise<void> {
  let entry = execution.begin(stepId, 'ctx.sleep()');
  if (!entry) {
    const until = wakeTime(stepId, durationOrUntil);
    execution.boundary();
    entry = execution.absorb(
      await execution.track(
        execution.deps.store.record(execution.ref, execution.deps.owner, {
          stepId,
          kind: 'sleep',
          outcome: 'ok',
          value: { until: until.toISOString() },
          startedAt: new Date(),
          attempts: 1,
        }),
      ),
    );
  }
  const until = new Date(String((entry.value as { until?: unknown } | null)?.until));
  if (Number.isNaN(until.getTime()))
    throw new NonRetriableError(`ctx.sleep("${stepId}"): the journal holds no wake-up time`);
  if (until.getTime() > Date.now()) throw execution.stop(new Suspended('sleep', stepId, until));
}

/**
 * `ctx.waitForEvent`: the payload of the first event on `topic` matching `match` after the wait began,
 * or null once `timeoutMs` passed. Parks meanwhile; the host's wait consumer or timer sweep resumes it.
 * @example const approval = await waitFor(execution, 'approval', { topic: 'agents.input', match: { taskId }, timeoutMs: 3_600_000 }, fn.durable.waitsFor)
 */
export async function waitFor<E>(
  execution: Execution,
  stepId: string,
  options: WaitForEventOptions,
  waitsFor: readonly string[],
): Promise<E | null> {
  const entry = execution.begin(stepId, 'ctx.waitForEvent()');
  if (entry) return eventOf<E>(replay(entry));
  const fnName = execution.ref.functionName;
  if (!options || !waitsFor.includes(options.topic)) {
    throw new NonRetriableError(
      `ctx.waitForEvent("${stepId}"): topic "${options?.topic}" is not declared; add it to the function: durable: { waitsFor: ['${options?.topic ?? 'topic'}'] } (function "${fnName}")`,
    );
  }
  const { key, fields } = matchKeyOf(stepId, options.match);
  if (
    options.timeoutMs !== undefined &&
    (!Number.isInteger(options.timeoutMs) || options.timeoutMs < 0 || options.timeoutMs > MAX_DURATION_MS)
  ) {
    throw new NonRetriableError(
      `ctx.waitForEvent("${stepId}"): timeoutMs must be a whole number of milliseconds >= 0, got ${options.timeoutMs}`,
    );
  }
  execution.boundary();
  const wanted = options.timeoutMs === undefined ? null : new Date(Date.now() + options.timeoutMs);
  const { expiresAt } = await execution.track(
    execution.deps.store.registerWait(execution.ref, {
      stepId,
      topic: options.topic,
      matchKey: key,
      matchFields: fields,
      expiresAt: wanted,
    }),
  );
  if (expiresAt !== null && expiresAt.getTime() <= Date.now()) {
    // Timed out; if an event won the race its resolution is journaled already and comes back instead.
    const result = execution.absorb(
      await execution.track(
        execution.deps.store.record(execution.ref, execution.deps.owner, {
          stepId,
          kind: 'wait',
          outcome: 'ok',
          value: { timedOut: true },
          startedAt: new Date(),
          attempts: 1,
        }),
      ),
    );
    return eventOf<E>(replay(result));
  }
  throw execution.stop(new Suspended('wait', stepId, expiresAt));
}

function eventOf<E>(value: unknown): E | null {
  const v = value as { event?: unknown; timedOut?: boolean } | null;
  return v && 'event' in v ? (v.event as E) : null;
}

function wakeTime(stepId: string, durationOrUntil: number | Date): Date {
  if (durationOrUntil instanceof Date) {
    if (Number.isNaN(durationOrUntil.getTime()))
      throw new NonRetriableError(`ctx.sleep("${stepId}"): the Date is invalid`);
    return durationOrUntil;
  }
  if (
    typeof durationOrUntil !== 'number' ||
    !Number.isFinite(durationOrUntil) ||
    durationOrUntil < 0 ||
    durationOrUntil > MAX_DURATION_MS
  ) {
    throw new NonRetriableError(
      `ctx.sleep("${stepId}"): give a duration in ms (>= 0) or a Date, e.g. ctx.sleep("${stepId}", 60_000); got ${String(durationOrUntil)}`,
    );
  }
  return new Date(Date.now() + durationOrUntil);
}
