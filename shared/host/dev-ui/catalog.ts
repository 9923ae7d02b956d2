import { z } from 'zod';
import type { AnyFunction } from '../../core/index.ts';
import { nextTick } from '../../core/cron/index.ts';

/** What the dev UI shows of a function: its trigger, what it emits, durability, and its event schema. */
export interface FunctionView {
  name: string;
  trigger: Record<string, unknown>;
  emits: readonly string[];
  durable: { waitsFor: readonly string[] } | null;
  deadLetterTopic: string;
  /** JSON Schema of the event (Kafka) or request body (HTTP); null when zod cannot express it. */
  schema: unknown;
}

/**
 * The functions this host serves, described for the UI.
 * @example catalog(functions)[0] // { name: 'orchestrator', trigger: { kind: 'kafka', topics: [...] }, ... }
 */
export function catalog(functions: readonly AnyFunction[]): FunctionView[] {
  return functions.map((fn) => {
    const t = fn.trigger;
    const trigger =
      t.kind === 'kafka'
        ? { kind: 'kafka', topics: t.topics, format: t.format }
        : t.kind === 'cron'
          ? { kind: 'cron', schedule: t.schedule, timezone: t.timezone, nextTicks: nextTicks(fn, 3) }
          : { kind: 'http', method: t.method, path: t.path, authorized: Boolean(t.authorize) };
    return {
      name: fn.name,
      trigger,
      emits: fn.emits,
      durable: fn.durable ? { waitsFor: fn.durable.waitsFor } : null,
      deadLetterTopic: fn.deadLetterTopic,
      schema: t.kind === 'cron' ? null : jsonSchemaOf(t.schema),
    };
  });
}

function jsonSchemaOf(schema: z.ZodType): unknown {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  } catch {
    return null;
  }
}

/** The next `count` ticks of a cron function, as ISO times. */
export function nextTicks(fn: AnyFunction, count: number): string[] {
  if (fn.trigger.kind !== 'cron') return [];
  const ticks: string[] = [];
  let after = new Date();
  for (let i = 0; i < count; i += 1) {
    const next = nextTick(fn.trigger.schedule, after, fn.trigger.timezone);
    if (!next) break;
    ticks.push(next.toISOString());
    after = next;
  }
  return ticks;
}
