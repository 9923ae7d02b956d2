import { randomUUID } from 'node:crypto';
import { SessionMemory } from '../../shared/agent/memory/session-memory.ts';
import type { HandlerContext, SqlTx } from '../../shared/core/index.ts';
import { settings } from './settings.ts';

/**
 * The sessions' memory: recent turns in KV for AGENTS_SESSION_TTL_MS after the last use, older ones
 * folded into SQL summaries.
 * @example await sessionMemory(ctx).recent(sessionId)
 */
export function sessionMemory(ctx: Pick<HandlerContext, 'kv' | 'database'>): SessionMemory {
  return new SessionMemory(ctx.kv, ctx.database, { ttlMs: settings.AGENTS_SESSION_TTL_MS });
}

/**
 * Opens the caller's session `requested` (or a new one when absent) and marks it used. Returns its id,
 * or null when the id belongs to another caller: to them it does not exist.
 * @example const sessionId = await claimSession(sql, input.session_id, caller)
 */
export async function claimSession(sql: SqlTx, requested: string | undefined, caller: string): Promise<string | null> {
  const id = requested ?? randomUUID();
  const { rows } = await sql.query<{ caller: string }>(
    `INSERT INTO agents_sessions (id, caller) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET last_used_at = now() WHERE agents_sessions.caller = excluded.caller
     RETURNING caller`,
    [id, caller],
  );
  return rows[0]?.caller === caller ? id : null;
}
