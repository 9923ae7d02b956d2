import type { RetryPolicy } from '../backoff.ts';
import { isTopicName, TOPIC_PATTERN } from '../topic.ts';
import type { DurableOptions, DurableSettings } from './types.ts';

/** A step's function is retried this way unless the function or the step says otherwise. */
export const defaultStepRetry: RetryPolicy = { attempts: 3, initialDelayMs: 200, maxDelayMs: 10_000 };

/**
 * Validates `durable` of a function definition and applies the defaults; undefined for short functions.
 * Throws a TypeError that shows the correct call.
 * @example durableSettings('research-agent', { cancelKey: (w) => w.taskId })
 */
export function durableSettings(
  fnName: string,
  durable: boolean | DurableOptions<unknown> | undefined,
): DurableSettings | undefined {
  if (durable === undefined || durable === false) return undefined;
  const options: DurableOptions<unknown> = durable === true ? {} : durable;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `defineFunction("${fnName}"): durable must be true or an object, e.g. durable: { waitsFor: ['approvals'] }`,
    );
  }
  for (const name of ['key', 'cancelKey'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new TypeError(
        `defineFunction("${fnName}"): durable.${name} must be a function of the event, e.g. ${name}: (event) => event.taskId`,
      );
    }
  }
  const waitsFor = [...(options.waitsFor ?? [])];
  for (const topic of waitsFor) {
    if (!isTopicName(topic))
      throw new TypeError(
        `defineFunction("${fnName}"): durable.waitsFor topic "${topic}" must match ${TOPIC_PATTERN.source}`,
      );
  }
  return Object.freeze({
    key: options.key,
    cancelKey: options.cancelKey,
    waitsFor: Object.freeze(waitsFor),
    stepRetry: retryPolicy(fnName, 'durable.stepRetries', options.stepRetries, defaultStepRetry),
  });
}

/**
 * A retry policy from a count or a partial policy, checked.
 * @example retryPolicy('f', 'retries', 3, defaultStepRetry) // { attempts: 3, initialDelayMs: 200, maxDelayMs: 10000 }
 */
export function retryPolicy(
  owner: string,
  what: string,
  value: number | Partial<RetryPolicy> | undefined,
  base: RetryPolicy,
): RetryPolicy {
  const partial = typeof value === 'number' ? { attempts: value } : (value ?? {});
  const policy: RetryPolicy = { ...base, ...partial };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new TypeError(`${owner}: ${what} must be an integer >= 1 (total attempts), got ${policy.attempts}`);
  }
  return policy;
}
