import { keyForFields } from './match.ts';
import type { DurableStore, ExecutionRef } from './types.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Answers the waits of `functions` on `topic` that an incoming event matches, if they began before the
 * event was produced (`producedAt`): the event becomes the wait's journaled result and the execution is
 * woken. Events that are not JSON objects match nothing. Returns the executions woken (the caller
 * resumes them at once).
 * @example const woken = await resolveWaitEvent(store, ['notifier-agent'], 'agents.input', record.value, undefined, producedAt)
 */
export async function resolveWaitEvent(
  store: DurableStore,
  functions: readonly string[],
  topic: string,
  body: Uint8Array | null,
  data: unknown,
  producedAt: Date,
): Promise<ExecutionRef[]> {
  const payload = data !== undefined ? data : parse(body);
  if (typeof payload !== 'object' || payload === null) return [];
  const at = Number.isNaN(producedAt.getTime()) ? new Date() : producedAt;
  return store.resolveWaits({ functions, topic, payload, producedAt: at, keyFor: keyForFields });
}

function parse(body: Uint8Array | null): unknown {
  if (body === null || body.byteLength === 0) return undefined;
  try {
    return JSON.parse(utf8.decode(body)) as unknown;
  } catch {
    return undefined;
  }
}
