import { z } from 'zod';
import { defineTool } from '../define.ts';

const IDENT = /^[a-z_][a-z0-9_]*$/;

/**
 * Checks a statement is one plain `SELECT ... FROM <allowed view>` and names only allowed relations.
 * Deliberately strict (a whitelist of shape, not a SQL parser): no semicolons, comments, CTEs, or
 * references to anything after FROM/JOIN that is not an allowed view. The READ ONLY transaction is the
 * second line of defence.
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

/**
 * `sql_query`: read-only SELECT over allow-listed views, in a READ ONLY transaction with a row limit.
 * @example registry.register(sqlQueryTool({ allowedViews: ['order_status_v'], maxRows: 50 }))
 */
export function sqlQueryTool(options: { allowedViews: readonly string[]; maxRows?: number }) {
  for (const view of options.allowedViews) {
    if (!IDENT.test(view)) throw new TypeError(`sqlQueryTool: view name "${view}" must be a lowercase identifier`);
  }
  const maxRows = options.maxRows ?? 50;
  return defineTool({
    name: 'sql_query',
    description: `Run one read-only SELECT against these views: ${options.allowedViews.join(', ')}. At most ${maxRows} rows are returned.`,
    input: z.object({ sql: z.string().min(1).max(4000) }),
    async run({ sql: statement }, ctx) {
      const problem = checkReadOnlySelect(statement, options.allowedViews);
      if (problem) throw new Error(`rejected: ${problem}`);
      return ctx.sql.transaction(async (tx) => {
        await tx.query('SET TRANSACTION READ ONLY');
        const r = await tx.query(`SELECT * FROM (${statement}) AS q LIMIT ${maxRows + 1}`);
        return { rows: r.rows.slice(0, maxRows), truncated: r.rows.length > maxRows };
      });
    },
  });
}
