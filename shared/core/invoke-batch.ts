import type { AnyFunction } from './define.ts';
import type { Envelope } from './envelope.ts';
import { invoke, type InvokeDeps } from './invoke.ts';
import type { Outcome } from './outcome.ts';

/** An event of a batch that waits because an earlier event of its key must be retried first. */
export type BatchOutcome = Outcome | { status: 'deferred' };

/**
 * Runs consecutive events of one function as a group commit when the effect store supports it: one
 * transaction, each event isolated (its own ledger row, writes and emits). Events run in order, and
 * once an event of a key needs a retry, the later events of that key are `deferred` so per-key order
 * holds; the caller retries and then delivers those one by one. Returns undefined when the store has
 * no group commit or the transaction itself failed: nothing was committed, deliver the events singly.
 * @example const outcomes = await invokeBatch(fn, envelopes, deps) ?? undefined
 */
export async function invokeBatch(
  fn: AnyFunction,
  envelopes: readonly Envelope[],
  deps: InvokeDeps,
): Promise<BatchOutcome[] | undefined> {
  const runBatch = deps.effects.runBatch?.bind(deps.effects);
  if (!runBatch || envelopes.length < 2) return undefined;
  try {
    return await runBatch(async (scope) => {
      const blocked = new Set<string | null>();
      const outcomes: BatchOutcome[] = [];
      for (const envelope of envelopes) {
        if (blocked.has(envelope.key)) {
          outcomes.push({ status: 'deferred' });
          continue;
        }
        const outcome = await invoke(fn, envelope, { ...deps, effects: scope });
        if (outcome.status === 'retry') blocked.add(envelope.key);
        outcomes.push(outcome);
      }
      return outcomes;
    });
  } catch (error) {
    deps.log.warn('group commit failed; delivering the events one by one', { function: fn.name, error });
    return undefined;
  }
}
