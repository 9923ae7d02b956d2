import type { SqlTx } from '../../core/ports.ts';

/**
 * Stores a summary of folded session turns; searchable by full text (tsvector, same approach as kb_search).
 * @example await saveSessionSummary(sql, { sessionId, agent, summary: 'user asked about refunds...', turnCount: 20 })
 */
export async function saveSessionSummary(
  sql: SqlTx,
  s: { sessionId: string; agent: string; summary: string; turnCount: number },
): Promise<void> {
  await sql.query(
    `INSERT INTO agent_session_summaries (session_id, agent, summary, turn_count, tsv)
     VALUES ($1, $2, $3, $4, to_tsvector('english', $3))`,
    [s.sessionId, s.agent, s.summary, s.turnCount],
  );
}

/**
 * The summaries of a session most relevant to `query` (ranked full-text match), newest first on ties.
 * @example const relevant = await findSessionSummaries(sql, 'session-1', 'refund policy', 3)
 */
export async function findSessionSummaries(sql: SqlTx, sessionId: string, query: string, limit = 3): Promise<string[]> {
  const r = await sql.query<{ summary: string }>(
    `SELECT summary FROM agent_session_summaries
     WHERE session_id = $1 AND tsv @@ plainto_tsquery('english', $2)
     ORDER BY ts_rank(tsv, plainto_tsquery('english', $2)) DESC, created_at DESC
     LIMIT $3`,
    [sessionId, query, limit],
  );
  return r.rows.map((row) => row.summary);
}
