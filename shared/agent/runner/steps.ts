import { dependencyOf } from '../../core/errors.ts';
import { ExecutionInterrupt } from '../../core/durable/interrupts.ts';
import type { DurableContext } from '../../core/durable/types.ts';

/**
 * The journal a run is written to: a durable function's `ctx` (every model and tool call a step, so a
 * resumed run replays them instead of calling again), or {@link directSteps} outside durable functions.
 */
export type AgentSteps = Pick<DurableContext, 'step'>;

/**
 * Steps that just run, journaling nothing: a run interrupted here starts over. For one-shot runs
 * outside a durable function (scripts, tests of the loop itself).
 * @example const result = await runner.run(task, { steps: directSteps() })
 */
export function directSteps(): AgentSteps {
  const seen = new Set<string>();
  return {
    step: async (id, fn) => {
      if (seen.has(id)) throw new TypeError(`step id "${id}" is used twice in one run`);
      seen.add(id);
      return fn(new AbortController().signal);
    },
  };
}

/**
 * True for what a run must pass up instead of turning into a result: a durable interrupt (park, hand
 * over, cancel) or a dependency outage (the execution pauses and resumes, it did not fail).
 * @example if (mustPropagate(error)) throw error
 */
export function mustPropagate(error: unknown): boolean {
  return error instanceof ExecutionInterrupt || dependencyOf(error) !== undefined;
}
