import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { PgSqlStore } from '../../shared/adapters/sql/index.ts';
import { DurableResumer } from '../../shared/core/durable/resumer.ts';
import { resolveWaitEvent } from '../../shared/core/durable/resolve.ts';
import {
  defineFunction,
  kafka,
  NonRetriableError,
  StepFailedError,
  type HandlerContext,
} from '../../shared/core/index.ts';
import { durableHarness, quietLog, type DurableHarness } from '../support/durable.ts';
import { localKvStore } from '../support/local-kv.ts';
import { testSqlStore } from '../support/pg.ts';

let sql: PgSqlStore;
let cleanup: () => Promise<void>;
let d: DurableHarness;

beforeAll(async () => {
  ({ store: sql, cleanup } = await testSqlStore('durable_steps'));
  d = await durableHarness(sql, localKvStore());
});
afterAll(() => cleanup());

const Event = z.object({ id: z.string() });
const name = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A durable function over `Event` whose handler is the test's. */
function durable(
  handler: (event: z.output<typeof Event>, ctx: HandlerContext) => Promise<unknown>,
  options: { waitsFor?: string[]; cancelKey?: boolean; retries?: number } = {},
) {
  return defineFunction({
    name: name('durable'),
    trigger: kafka({ topic: 'durable-steps', schema: Event }),
    retries: options.retries ?? 3,
    durable: {
      waitsFor: options.waitsFor ?? [],
      ...(options.cancelKey ? { cancelKey: (e: z.output<typeof Event>) => e.id } : {}),
    },
    handler,
  });
}

async function statusOf(fnName: string, key: string): Promise<string | undefined> {
  const { rows } = await sql.query<{ status: string }>(
    'SELECT status FROM hearth_executions WHERE function_name = $1 AND execution_key = $2',
    [fnName, key],
  );
  return rows[0]?.status;
}

describe('ctx.step and ctx.transaction', () => {
  it('journal results: a re-execution returns them without running the functions again', async () => {
    const runs: string[] = [];
    let failAfterTwo = true;
    const fn = durable(async (event, ctx) => {
      const a = await ctx.step('a', () => (runs.push('a'), { at: new Date(0) }));
      await ctx.transaction('write', async ({ sql: tx }) => {
        runs.push('write');
        await tx.query('CREATE TABLE IF NOT EXISTS durable_writes (id TEXT NOT NULL)');
        await tx.query('INSERT INTO durable_writes (id) VALUES ($1)', [event.id]);
      });
      if (failAfterTwo) {
        failAfterTwo = false;
        throw new Error('crash between steps');
      }
      const b = await ctx.step('b', () => (runs.push('b'), 2));
      return { a, b };
    });
    const eventId = name('event');
    const first = await d.run(fn, { id: 'w1' }, { eventId });
    expect(first).toMatchObject({ status: 'retry', failure: { message: 'crash between steps' } });
    const second = await d.run(fn, { id: 'w1' }, { eventId });
    // The journal holds JSON: the first run and the replay see the same string for the Date.
    expect(second).toMatchObject({ status: 'done', value: { a: { at: '1970-01-01T00:00:00.000Z' }, b: 2 } });
    expect(runs).toEqual(['a', 'write', 'b']);
    const { rows } = await sql.query('SELECT id FROM durable_writes WHERE id = $1', ['w1']);
    expect(rows).toHaveLength(1);
    expect(await d.run(fn, { id: 'w1' }, { eventId })).toEqual({ status: 'done', duplicate: true });
    expect(await statusOf(fn.name, eventId)).toBe('done');
  });

  it('journals a NonRetriableError: every run throws StepFailedError at the same step', async () => {
    let runs = 0;
    const seen: string[] = [];
    const fn = durable(async (_event, ctx) => {
      try {
        await ctx.step('charge', () => {
          runs += 1;
          throw new NonRetriableError('card declined');
        });
      } catch (error) {
        if (!(error instanceof StepFailedError)) throw error;
        seen.push(error.message);
        await ctx.step('fallback', () => 'invoice');
      }
      return 'ok';
    });
    const eventId = name('event');
    expect(await d.run(fn, { id: 'x' }, { eventId })).toMatchObject({ status: 'done', value: 'ok' });
    expect(seen).toEqual(['step "charge" failed: NonRetriableError: card declined']);
    expect(runs).toBe(1);
  });

  it('retries a transient failure within the step, and leaves an exhausted one unjournaled for the event', async () => {
    let calls = 0;
    const fn = durable(async (_e, ctx) =>
      ctx.step(
        'flaky',
        () => {
          calls += 1;
          if (calls < 5) throw new Error(`flake ${calls}`);
          return calls;
        },
        { retries: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 } },
      ),
    );
    const eventId = name('event');
    expect(await d.run(fn, { id: 'x' }, { eventId })).toMatchObject({
      status: 'retry',
      failure: { message: 'flake 3' },
    });
    expect(calls).toBe(3);
    expect(await d.run(fn, { id: 'x' }, { eventId })).toMatchObject({ status: 'done', value: 5 });
  });

  it('names the mistake: duplicate step ids, ctx.sql in a durable function, steps in a short function', async () => {
    const twice = durable(async (_e, ctx) => {
      await ctx.step('same', () => 1);
      await ctx.step('same', () => 2);
    });
    expect(await d.run(twice, { id: 'x' })).toMatchObject({
      status: 'dead-letter',
      reason: 'non-retriable',
      failure: { message: expect.stringContaining('step id "same" is used twice') as string },
    });
    const sqlUse = durable(async (_e, ctx) => ctx.sql.query('SELECT 1'));
    expect(await d.run(sqlUse, { id: 'x' })).toMatchObject({
      status: 'dead-letter',
      failure: { message: expect.stringContaining('use ctx.transaction(') as string },
    });
    const short = defineFunction({
      name: name('short'),
      trigger: kafka({ topic: 'durable-steps', schema: Event }),
      handler: async (_e, ctx) => ctx.step('a', () => 1),
    });
    expect(await d.run(short, { id: 'x' })).toMatchObject({
      status: 'dead-letter',
      failure: { message: expect.stringContaining('add durable: true') as string },
    });
  });
});

describe('leases', () => {
  it('another replica waits while one holds the execution, and takes it over once the lease ran out', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fn = durable(async (_e, ctx) => {
      await ctx.step('slow', async () => {
        await gate;
        return 1;
      });
      return ctx.step('after', () => 2);
    });
    const eventId = name('event');
    const a = d.run(fn, { id: 'x' }, { eventId, owner: 'replica-a' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await d.run(fn, { id: 'x' }, { eventId, owner: 'replica-b' })).toMatchObject({
      status: 'retry',
      paused: 'held',
    });
    release();
    expect(await a).toMatchObject({ status: 'done', value: 2 });
  });

  it('a replica that lost its lease is stopped at its next journal write', async () => {
    const fn = durable(async (event, ctx) => {
      await ctx.step('one', async () => {
        // Meanwhile the lease expires and replica-b takes the execution over.
        await sql.query(
          "UPDATE hearth_executions SET owner = 'replica-b', lease_until = now() + interval '1 minute' WHERE execution_key = $1",
          [ctx.meta.id],
        );
        return 1;
      });
      return event.id;
    });
    expect(await d.run(fn, { id: 'x' }, { owner: 'replica-a' })).toEqual({ status: 'done', duplicate: true });
  });
});

describe('durable waits and cancellation', () => {
  function resumer(fns: ReturnType<typeof durable>[]): DurableResumer {
    return new DurableResumer({
      functions: fns,
      store: d.store,
      deps: d.deps,
      owner: 'test-owner',
      log: quietLog,
      deadLetter: () => Promise.resolve(),
      sweepIntervalMs: 50,
    });
  }

  it('ctx.sleep parks the execution, and the sweep resumes it after the time passed', async () => {
    const order: string[] = [];
    const fn = durable(async (_e, ctx) => {
      order.push('before');
      await ctx.sleep('nap', 300);
      order.push('after');
      return 'rested';
    });
    const eventId = name('event');
    const started = Date.now();
    expect(await d.run(fn, { id: 'x' }, { eventId })).toMatchObject({
      status: 'done',
      parked: { reason: 'sleep', stepId: 'nap' },
    });
    expect(await statusOf(fn.name, eventId)).toBe('parked');
    const sweep = resumer([fn]);
    sweep.start();
    try {
      await until(async () => (await statusOf(fn.name, eventId)) === 'done');
    } finally {
      await sweep.stop();
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(order).toEqual(['before', 'before', 'after']);
  });

  it('ctx.waitForEvent returns the first matching event, and null once its timeout passed', async () => {
    const topic = name('answers');
    const got: unknown[] = [];
    const fn = durable(
      async (event, ctx) => {
        const answer = await ctx.waitForEvent(`answer:${event.id}`, {
          topic,
          match: { taskId: event.id },
          timeoutMs: event.id === 'late' ? 200 : 60_000,
        });
        got.push(answer);
        return answer;
      },
      { waitsFor: [topic] },
    );
    const sweep = resumer([fn]);
    sweep.start();
    try {
      const matched = name('event');
      expect(await d.run(fn, { id: 't1' }, { eventId: matched })).toMatchObject({ parked: { reason: 'wait' } });
      const now = new Date(Date.now() + 1_000);
      expect(await resolveWaitEvent(d.store, [fn.name], topic, null, { taskId: 'other' }, now)).toEqual([]);
      expect(await resolveWaitEvent(d.store, [fn.name], 'not-declared', null, { taskId: 't1' }, now)).toEqual([]);
      expect(await resolveWaitEvent(d.store, [fn.name], topic, null, { taskId: 't1', approve: true }, now)).toEqual([
        { functionName: fn.name, key: matched },
      ]);
      sweep.wake();
      await until(async () => (await statusOf(fn.name, matched)) === 'done');

      const timedOut = name('event');
      expect(await d.run(fn, { id: 'late' }, { eventId: timedOut })).toMatchObject({ parked: { reason: 'wait' } });
      await until(async () => (await statusOf(fn.name, timedOut)) === 'done');
    } finally {
      await sweep.stop();
    }
    expect(got).toEqual([{ taskId: 't1', approve: true }, null]);
  });

  it('cancel stops a running execution at its next step, and a parked one at once', async () => {
    const ran: string[] = [];
    const fn = durable(
      async (event, ctx) => {
        await ctx.step('one', async () => {
          ran.push(`${event.id}:one`);
          if (event.id === 'running') await ctx.cancel(event.id);
          return 1;
        });
        if (event.id === 'parked') await ctx.sleep('wait', 60_000);
        await ctx.step('two', () => ran.push(`${event.id}:two`));
      },
      { cancelKey: true },
    );
    const running = name('event');
    expect(await d.run(fn, { id: 'running' }, { eventId: running })).toEqual({
      status: 'done',
      duplicate: false,
      cancelled: true,
    });
    expect(await statusOf(fn.name, running)).toBe('cancelled');
    const parked = name('event');
    expect(await d.run(fn, { id: 'parked' }, { eventId: parked })).toMatchObject({ parked: { reason: 'sleep' } });
    expect(await d.store.requestCancel(undefined, 'parked')).toBe(1);
    expect(await statusOf(fn.name, parked)).toBe('cancelled');
    // A redelivery of a cancelled execution does nothing.
    expect(await d.run(fn, { id: 'parked' }, { eventId: parked })).toEqual({
      status: 'done',
      duplicate: false,
      cancelled: true,
    });
    expect(ran).toEqual(['running:one', 'parked:one']);
  });
});

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
