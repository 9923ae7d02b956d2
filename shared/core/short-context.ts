import type { AnyFunction, HandlerContext } from './define.ts';
import type { Emit } from './emit.ts';
import type { EventMeta } from './envelope.ts';
import { NonRetriableError } from './errors.ts';
import type { InvokeDeps } from './invoke.ts';
import type { Logger, SqlTx } from './ports.ts';

/**
 * The context of a short function's handler: `sql` is the event's transaction (or, for GET routes, the
 * database), emits are collected by `emit`, and the durable calls say how to make the function durable.
 * @example const ctx = shortContext(fn, meta, deps, log, signal, tx, emit)
 */
export function shortContext(
  fn: AnyFunction,
  meta: EventMeta,
  deps: InvokeDeps,
  log: Logger,
  signal: AbortSignal,
  sql: SqlTx,
  emit: Emit,
): HandlerContext {
  const notDurable = (what: string) => (): never => {
    throw new NonRetriableError(
      `ctx.${what}() needs a durable function: add durable: true to defineFunction({ name: '${fn.name}', ... })`,
    );
  };
  return {
    meta,
    sql,
    database: deps.database,
    kv: deps.kv,
    log,
    signal,
    emit,
    cancel: async (cancelKey) => {
      if (!deps.durable) throw new NonRetriableError('ctx.cancel(): this host has no durable store configured');
      return deps.durable.store.requestCancel(sql === deps.database ? undefined : sql, cancelKey);
    },
    step: notDurable('step'),
    transaction: notDurable('transaction'),
    sleep: notDurable('sleep'),
    waitForEvent: notDurable('waitForEvent'),
  };
}
