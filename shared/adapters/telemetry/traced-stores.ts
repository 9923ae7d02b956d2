/**
 * Decorators that give every SQL statement and KV command a client span. Attributes say what kind of
 * call it was, never its data: no SQL text or parameters, no KV keys or values (keys embed session ids).
 */
import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import type { EffectStore, KvStore, SqlStore, SqlTx } from '../../core/ports.ts';
import { hearthTracer } from './tracer.ts';

/**
 * The statement's operation: its first keyword, upper-cased (SELECT, INSERT, WITH, ...).
 * @example sqlOperation('  insert into t values ($1)') // "INSERT"
 */
export function sqlOperation(text: string): string {
  const stripped = text.replace(/^(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/, '');
  return /^[A-Za-z]+/.exec(stripped)?.[0]?.toUpperCase() ?? 'UNKNOWN';
}

async function inSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  return hearthTracer().startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      const type = error instanceof Error ? error.name : typeof error;
      const code = (error as { code?: unknown } | null)?.code;
      span.setAttribute('error.type', typeof code === 'string' ? code : type);
      if (typeof code === 'string') span.setAttribute('db.response.status_code', code);
      span.setStatus({ code: SpanStatusCode.ERROR, message: type });
      throw error;
    } finally {
      span.end();
    }
  });
}

const SQL_ATTRS = { 'db.system': 'postgresql', 'db.system.name': 'postgresql' } as const;

/**
 * A transaction handle whose statements are traced.
 * @example handlerCtx.sql = tracedSqlTx(tx)
 */
export function tracedSqlTx(tx: SqlTx): SqlTx {
  return {
    query: (text, params) => {
      const operation = sqlOperation(text);
      return inSpan(operation, { ...SQL_ATTRS, 'db.operation.name': operation, 'db.operation': operation }, () =>
        tx.query(text, params),
      );
    },
  };
}

/**
 * A SQL store whose statements and transactions are traced (a transaction is one span, its statements children).
 * @example deps.database = tracedSqlStore(sql)
 */
export function tracedSqlStore(store: SqlStore): SqlStore {
  const traced = tracedSqlTx(store);
  return {
    query: (text, params) => traced.query(text, params),
    transaction: (work) =>
      inSpan('TRANSACTION', { ...SQL_ATTRS, 'db.operation.name': 'TRANSACTION' }, () =>
        store.transaction((tx) => work(tracedSqlTx(tx))),
      ),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}

/**
 * An effect store whose exactly-once transaction is a span and whose handler statements are traced.
 * @example deps.effects = tracedEffectStore(effects)
 */
export function tracedEffectStore(effects: EffectStore): EffectStore {
  const traced: EffectStore = {
    runOnce: (functionName, eventId, work) =>
      inSpan(
        'hearth.effects.run_once',
        { ...SQL_ATTRS, 'db.operation.name': 'TRANSACTION', 'hearth.function': functionName },
        () => effects.runOnce(functionName, eventId, (tx) => work(tracedSqlTx(tx))),
      ),
  };
  // Group commit stays available when traced: each event of the batch is traced through the scope.
  const runBatch = effects.runBatch?.bind(effects);
  if (runBatch) {
    traced.runBatch = (body) =>
      inSpan('hearth.effects.run_batch', { ...SQL_ATTRS, 'db.operation.name': 'TRANSACTION' }, () =>
        runBatch((scope) => body(tracedEffectStore(scope))),
      );
  }
  const runMany = effects.runMany?.bind(effects);
  // No span of its own: a chunk holds events of many traces. Each handler's statements are traced
  // inside its event's invocation span (the tracing hook runs per event).
  if (runMany) {
    traced.runMany = (functionName, eventIds, work) =>
      runMany(functionName, eventIds, (claimed, tx) => work(claimed, tracedSqlTx(tx)));
  }
  return traced;
}

/**
 * A KV store whose commands are traced (`kv.command` = the port method, e.g. incrBy).
 * @example deps.kv = tracedKvStore(kv)
 */
export function tracedKvStore(kv: KvStore): KvStore {
  return new Proxy(kv, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) =>
        inSpan(
          `kv ${prop}`,
          { 'db.system': 'redis', 'db.system.name': 'redis', 'kv.command': prop, 'db.operation.name': prop },
          () => Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args)),
        );
    },
  });
}
