import { z } from 'zod';
import { defineTool } from '../define.ts';
import { ensureReaderRole, readOnlyQuery } from './sql-reader.ts';

const IDENT = /^[a-z_][a-z0-9_]*$/;

/**
 * Checks a statement is one plain `SELECT ... FROM <allowed view>` and names only allowed relations.
 * Deliberately strict (a whitelist of shape, not a SQL parser): no semicolons, comments, CTEs, or
 * references to anything after FROM/JOIN that is not an allowed view. It is not the guard (the
 * database role is): it only turns the usual mistakes into messages the model can act on.
 * @example checkReadOnlySelect('SELECT * FROM kb_docs_v', ['kb_docs_v']) // null (ok)
 */
export function checkReadOnlySelect(statement: string, allowedViews: readonly string[]): string | null {
  const sql = statement.trim();
  if (!/^select\s/i.test(sql)) return 'only a single SELECT statement is allowed';
  if (/;|--|\/\*/.test(sql)) return 'semicolons and comments are not allowed';
  if (/\b(insert|update|delete|merge|drop|alter|create|grant|truncate|copy|call|do|set|pg_sleep|into)\b/i.test(sql)) {
    return 'statement contains a forbidden keyword';
  }
  // System functions and catalogs (pg_read_file, pg_catalog, crdb_internal) are never part of a view's data.
  if (/\b(pg_|crdb_internal|information_schema)/i.test(sql)) return 'system functions and catalogs are not allowed';
  const relations = [...sql.matchAll(/\b(?:from|join)\s+("?[\w.]+"?)/gi)].map((m) =>
    m[1]!.replaceAll('"', '').toLowerCase(),
  );
  if (relations.length === 0) return 'statement must select FROM an allowed view';
  for (const rel of relations) {
    if (!allowedViews.includes(rel)) return `relation "${rel}" is not allowed (allowed: ${allowedViews.join(', ')})`;
  }
  return null;
}

/** What an agent's `sql_query` may read, and how much. */
export interface SqlQueryOptions {
  allowedViews: readonly string[];
  /**
   * The database role queries run as: it may SELECT only `allowedViews` (created and granted when
   * missing). Give each allow-list its own role. Default `hearth_sql_reader`.
   */
  role?: string;
  maxRows?: number;
  /** Bytes of JSON returned over all rows (default 64 KiB). */
  maxBytes?: number;
  /** Each query's statement timeout (default 5 s); the tool's timeout also cancels it. */
  statementTimeoutMs?: number;
}

/**
 * `sql_query`: one SELECT over allow-listed views, enforced by the database: it runs as a role granted
 * SELECT on those views only, in a READ ONLY transaction that always rolls back, with a statement
 * timeout, row and byte caps, and cancellation when the tool times out. The pattern check above only
 * makes the usual refusals readable for the model.
 * @example registry.register(sqlQueryTool({ allowedViews: ['order_status_v'], role: 'orders_reader' }))
 */
export function sqlQueryTool(options: SqlQueryOptions) {
  for (const view of options.allowedViews) {
    if (!IDENT.test(view)) throw new TypeError(`sqlQueryTool: view name "${view}" must be a lowercase identifier`);
  }
  const role = options.role ?? 'hearth_sql_reader';
  const limits = {
    maxRows: options.maxRows ?? 50,
    maxBytes: options.maxBytes ?? 64 * 1024,
    statementTimeoutMs: options.statementTimeoutMs ?? 5_000,
  };
  return defineTool({
    name: 'sql_query',
    description: `Run one read-only SELECT against these views: ${options.allowedViews.join(', ')}. At most ${limits.maxRows} rows are returned.`,
    input: z.object({ sql: z.string().min(1).max(4000) }),
    async run({ sql: statement }, ctx) {
      const problem = checkReadOnlySelect(statement, options.allowedViews);
      if (problem) throw new Error(`rejected: ${problem}`);
      await ensureReaderRole(ctx.sql, role, options.allowedViews);
      return readOnlyQuery(ctx.sql, role, statement, limits, ctx.signal);
    },
  });
}
