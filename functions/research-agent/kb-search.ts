import { z } from 'zod';
import { defineTool } from '../../shared/agent/index.ts';

/**
 * `search_knowledge_base`: ranked full-text search over the knowledge base (`agent_kb_documents`, the
 * table the built-in kb_search reads) matching ANY of the keywords, so a long question still finds the
 * documents that share some of its words. Returns text whose first lines carry the best match.
 * @example registry.register(knowledgeSearchTool())
 */
export function knowledgeSearchTool() {
  return defineTool({
    name: 'search_knowledge_base',
    description: 'Search the knowledge base (policies, guides, FAQs) by keywords; returns the best matching documents.',
    input: z.object({ query: z.string().min(1).max(500), limit: z.number().int().min(1).max(5).default(3) }),
    async run({ query, limit }, ctx) {
      const words = [...new Set(query.toLowerCase().match(/[a-z0-9]{2,}/g) ?? [])].slice(0, 16);
      if (words.length === 0) return 'No keywords to search for.';
      const { rows } = await ctx.sql.query<{ id: string; title: string; body: string }>(
        `SELECT id, title, body FROM agent_kb_documents
         WHERE tsv @@ to_tsquery('english', $1)
         ORDER BY ts_rank(tsv, to_tsquery('english', $1)) DESC, id LIMIT $2`,
        [words.join(' | '), limit],
      );
      if (rows.length === 0) return `Nothing in the knowledge base matches: ${words.join(', ')}.`;
      return rows.map((r) => `${r.title} (${r.id}): ${r.body}`).join('\n');
    },
  });
}
