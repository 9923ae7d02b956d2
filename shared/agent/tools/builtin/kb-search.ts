import { z } from 'zod';
import type { SqlTx } from '../../../core/ports.ts';
import { defineTool } from '../define.ts';

/**
 * Adds or replaces a knowledge-base document (its tsvector is computed in the same statement).
 * @example await upsertKbDocument(sql, { id: 'refunds', title: 'Refund policy', body: 'Refunds within 30 days...' })
 */
export async function upsertKbDocument(sql: SqlTx, doc: { id: string; title: string; body: string }): Promise<void> {
  await sql.query(
    `INSERT INTO agent_kb_documents (id, title, body, tsv, updated_at)
     VALUES ($1, $2, $3, to_tsvector('english', $2 || ' ' || $3), now())
     ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body, tsv = excluded.tsv, updated_at = now()`,
    [doc.id, doc.title, doc.body],
  );
}

/**
 * `kb_search`: ranked full-text search over `agent_kb_documents` (tsvector + plainto_tsquery + ts_rank,
 * supported alike by PostgreSQL and CockroachDB 23.1+). Optional `idPrefix` scopes a search (tenants, tests).
 * @example registry.register(kbSearchTool())
 */
export function kbSearchTool(options: { idPrefix?: string; snippetChars?: number } = {}) {
  const prefix = options.idPrefix ?? '';
  const snippet = options.snippetChars ?? 400;
  return defineTool({
    name: 'kb_search',
    description: 'Search the knowledge base by keywords; returns the best matching documents with a snippet.',
    input: z.object({ query: z.string().min(1).max(500), limit: z.number().int().min(1).max(10).default(3) }),
    async run({ query, limit }, ctx) {
      const r = await ctx.sql.query<{ id: string; title: string; body: string; rank: number }>(
        `SELECT id, title, body, ts_rank(tsv, plainto_tsquery('english', $1)) AS rank
         FROM agent_kb_documents
         WHERE tsv @@ plainto_tsquery('english', $1) AND id LIKE $2
         ORDER BY rank DESC, id
         LIMIT $3`,
        [query, `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, limit],
      );
      return { results: r.rows.map((row) => ({ id: row.id, title: row.title, snippet: row.body.slice(0, snippet) })) };
    },
  });
}
