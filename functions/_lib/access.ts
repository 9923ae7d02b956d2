import type { SqlTx } from '../../shared/core/index.ts';
import { callerOf, isAdmin } from './auth.ts';

/**
 * True when the task exists and the caller may see it: its submitter, or a token with the admin scope.
 * Callers get the same 404 for another caller's task as for an unknown one, so ids reveal nothing.
 * @example if (!(await canSeeTask(ctx.sql, id, ctx.meta.headers))) return noSuchTask(id)
 */
export async function canSeeTask(sql: SqlTx, taskId: string, headers: Readonly<Record<string, string>>) {
  const { rows } = await sql.query<{ caller: string }>('SELECT caller FROM agents_tasks WHERE id = $1', [taskId]);
  const owner = rows[0]?.caller;
  if (owner === undefined) return false;
  return isAdmin(headers) || owner === callerOf(headers);
}
