import { z } from 'zod';
import { saveSessionSummary } from '../../shared/agent/memory/summaries.ts';
import { readEnv } from '../../shared/core/config.ts';
import { cron, defineFunction } from '../../shared/core/index.ts';
import { heartbeat } from '../_ops/heartbeat.ts';
import { mergeSummaries, type SummaryRow } from './compact.ts';

const config = readEnv(
  z.object({
    HEARTH_COMPACT_SCHEDULE: z.string().min(1).default('*/10 * * * *'),
    /** A session with more summary rows than this is compacted into one. */
    HEARTH_COMPACT_MIN_SUMMARIES: z.coerce.number().int().min(2).default(8),
    /** Longest compacted summary, in characters. */
    HEARTH_COMPACT_MAX_CHARS: z.coerce.number().int().min(200).default(6_000),
    /** Sessions compacted per tick, so one tick stays a small transaction. */
    HEARTH_COMPACT_SESSIONS_PER_TICK: z.coerce.number().int().min(1).default(50),
  }),
  process.env,
);

/**
 * Memory compaction: long sessions accumulate one summary row per fold (shared/agent/memory); every tick
 * this merges the summaries of sessions with more than HEARTH_COMPACT_MIN_SUMMARIES rows into a single
 * bounded summary (newest lines kept), in one transaction with the deletion of the rows it replaces.
 */
export default defineFunction({
  name: 'memory-compactor',
  trigger: cron({ schedule: config.HEARTH_COMPACT_SCHEDULE, catchUp: 'latest' }),
  handler: async ({ scheduledAt }, ctx) => {
    await heartbeat('memory-compactor', ctx);
    const { sql } = ctx;
    const sessions = await sql.query<{ session_id: string; agent: string }>(
      `SELECT session_id, agent FROM agent_session_summaries WHERE created_at <= $1
       GROUP BY session_id, agent HAVING count(*) > $2 ORDER BY min(created_at) LIMIT $3`,
      [scheduledAt, config.HEARTH_COMPACT_MIN_SUMMARIES, config.HEARTH_COMPACT_SESSIONS_PER_TICK],
    );
    let removed = 0;
    for (const s of sessions.rows) {
      const rows = await sql.query<SummaryRow & { id: string }>(
        `SELECT id, summary, turn_count FROM agent_session_summaries
         WHERE session_id = $1 AND agent = $2 AND created_at <= $3 ORDER BY created_at, id`,
        [s.session_id, s.agent, scheduledAt],
      );
      const merged = mergeSummaries(rows.rows, config.HEARTH_COMPACT_MAX_CHARS);
      await sql.query('DELETE FROM agent_session_summaries WHERE id = ANY($1::UUID[])', [rows.rows.map((r) => r.id)]);
      await saveSessionSummary(sql, {
        sessionId: s.session_id,
        agent: s.agent,
        summary: merged.summary,
        turnCount: merged.turnCount,
      });
      removed += rows.rows.length;
    }
    if (sessions.rows.length > 0) {
      ctx.emit('agent.memory.compacted', {
        at: scheduledAt.toISOString(),
        sessions: sessions.rows.length,
        summariesMerged: removed,
      });
      ctx.log.info('session memory compacted', { sessions: sessions.rows.length, summariesMerged: removed });
    }
    return { sessions: sessions.rows.length, summariesMerged: removed };
  },
});
