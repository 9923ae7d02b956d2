import type { SqlStore, SqlTx } from '../../../core/ports.ts';

/** How one read-only query is bounded. */
export interface ReadLimits {
  maxRows: number;
  /** Bytes of JSON over all returned rows; a row alone larger than this is cut from the answer. */
  maxBytes: number;
  statementTimeoutMs: number;
}

/** What a read-only query returned, within its limits. */
export interface ReadResult {
  rows: Record<string, unknown>[];
  truncated: boolean;
}

const ROLE = /^[a-z_][a-z0-9_]{0,62}$/;
/** Per store (one database and schema), per role and views: provisioned once per process. */
const provisioned = new WeakMap<SqlStore, Map<string, Promise<void>>>();

/** Thrown out of the transaction so it always rolls back: session settings made inside it are undone. */
class Rollback extends Error {
  readonly result: ReadResult;
  constructor(result: ReadResult) {
    super('rollback');
    this.result = result;
  }
}

/**
 * The database's own guard for model-written SQL: a role that may only SELECT the allowed views (a view
 * reads its tables with its owner's rights, so the role needs no grant on them). Created when missing and
 * granted to the application's user, once per process; the user needs CREATEROLE for that, or a DBA
 * creates the role and grants it beforehand.
 * @example await ensureReaderRole(sql, 'hearth_analyst_reader', ['sales_v'])
 */
export function ensureReaderRole(sql: SqlStore, role: string, views: readonly string[]): Promise<void> {
  if (!ROLE.test(role)) throw new TypeError(`sql_query: role "${role}" must be a lowercase identifier`);
  const key = `${role}:${[...views].sort().join(',')}`;
  let ready = provisioned.get(sql);
  if (!ready) provisioned.set(sql, (ready = new Map<string, Promise<void>>()));
  let once = ready.get(key);
  if (!once) {
    once = provision(sql, role, views).catch((error: unknown) => {
      ready.delete(key);
      throw error;
    });
    ready.set(key, once);
  }
  return once;
}

async function provision(sql: SqlStore, role: string, views: readonly string[]): Promise<void> {
  const exists = await sql.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  // 42710 / 23505: another replica created it first.
  if (exists.rowCount === 0) await run(sql, `CREATE ROLE ${role} NOLOGIN`, role, ['42710', '23505']);
  const { rows } = await sql.query<{ me: string; schema: string; member: boolean }>(
    `SELECT current_user AS me, current_schema() AS schema, pg_has_role('${role}', 'MEMBER') AS member`,
  );
  const { me, schema, member } = rows[0]!;
  const grants = [
    ...(member ? [] : [`GRANT ${role} TO ${quoteIdent(me)}`]),
    `GRANT USAGE ON SCHEMA ${quoteIdent(schema)} TO ${role}`,
    ...views.map((view) => `GRANT SELECT ON ${quoteIdent(schema)}.${quoteIdent(view)} TO ${role}`),
  ];
  for (const grant of grants) await run(sql, grant, role, []);
}

/** One DDL statement; `ok` SQLSTATEs count as done; two replicas granting at once may collide (XX000). */
async function run(sql: SqlStore, text: string, role: string, ok: string[], again = true): Promise<void> {
  try {
    await sql.query(text);
  } catch (error) {
    const state = String((error as { code?: unknown }).code);
    if (ok.includes(state)) return;
    if (state === 'XX000' && again) return run(sql, text, role, ok, false);
    throw new Error(
      `sql_query: cannot set up the read-only role "${role}" (${text}: ${messageOf(error)}); grant the application's SQL user CREATEROLE, or create the role, grant it to that user and grant it SELECT on the views`,
      { cause: error },
    );
  }
}

/**
 * Runs one SELECT as `role` in a READ ONLY transaction with a transaction-scoped statement timeout, at
 * most `maxRows` rows and `maxBytes` of JSON. The transaction always rolls back, so nothing the
 * statement sets (set_config(..., false) included) outlives it on the pooled connection. `signal`
 * cancels the running statement.
 * @example await readOnlyQuery(sql, 'hearth_analyst_reader', 'SELECT * FROM sales_v', limits, ctx.signal)
 */
export async function readOnlyQuery(
  sql: SqlStore,
  role: string,
  statement: string,
  limits: ReadLimits,
  signal: AbortSignal,
): Promise<ReadResult> {
  try {
    await sql.transaction(async (tx) => {
      await tx.query('SET TRANSACTION READ ONLY');
      await tx.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(limits.statementTimeoutMs))}`);
      const pid = await backendPid(tx);
      await tx.query(`SET LOCAL ROLE ${role}`);
      const stop = () => void cancelBackend(sql, pid);
      signal.addEventListener('abort', stop, { once: true });
      try {
        if (signal.aborted) throw signal.reason;
        const r = await tx.query<{ j: string }>(
          `SELECT left(row_to_json(q)::text, ${limits.maxBytes + 1}) AS j FROM (${statement}) AS q LIMIT ${limits.maxRows + 1}`,
        );
        throw new Rollback(capped(r.rows, limits));
      } finally {
        signal.removeEventListener('abort', stop);
      }
    });
  } catch (error) {
    if (error instanceof Rollback) return error.result;
    throw error;
  }
  throw new Error('sql_query: the read-only transaction committed');
}

function capped(rows: { j: string }[], limits: ReadLimits): ReadResult {
  const out: Record<string, unknown>[] = [];
  let bytes = 0;
  for (const { j } of rows.slice(0, limits.maxRows)) {
    bytes += Buffer.byteLength(j);
    if (j.length > limits.maxBytes || bytes > limits.maxBytes) return { rows: out, truncated: true };
    out.push(JSON.parse(j) as Record<string, unknown>);
  }
  return { rows: out, truncated: rows.length > limits.maxRows };
}

async function backendPid(tx: SqlTx): Promise<number | undefined> {
  const r = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid').catch(() => undefined);
  return r?.rows[0]?.pid;
}

/** Best effort: PostgreSQL cancels at once; where pg_cancel_backend is missing, the timeout bounds it. */
async function cancelBackend(sql: SqlStore, pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  await sql.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
