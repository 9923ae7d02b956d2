import { readFile } from 'node:fs/promises';
import { upsertKbDocument } from '../../shared/agent/index.ts';
import type { SqlStore } from '../../shared/core/index.ts';

/**
 * `hearth seed`: loads the sample knowledge base (functions/_lib/seed/knowledge-base.json). Idempotent.
 * @example await seed(sql) // "knowledge base: 6 documents"
 */
export default async function seed(sql: SqlStore): Promise<string> {
  const file = new URL('../_lib/seed/knowledge-base.json', import.meta.url);
  const docs = JSON.parse(await readFile(file, 'utf8')) as { id: string; title: string; body: string }[];
  for (const doc of docs) await upsertKbDocument(sql, doc);
  return `knowledge base: ${docs.length} documents`;
}
