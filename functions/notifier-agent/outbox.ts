import type { Notifier } from '../../shared/agent/index.ts';
import type { SqlTx, TransactionContext } from '../../shared/core/index.ts';
import type { WorkItem } from '../_lib/events.ts';
import { topics } from '../_lib/topics.ts';

/**
 * The notify tool's backend: records the notification in `agents_notifications`, once per idempotency
 * key (`<run id>:<step>:<call>`, whose run id is `<task>/<sub-task>`). Publishing happens later, in the
 * worker's journaled report transaction ({@link publishNotifications}), so a crash never loses or
 * doubles one.
 * @example notifyTool(sqlOutboxNotifier(ctx.database))
 */
export function sqlOutboxNotifier(sql: SqlTx): Notifier {
  return {
    async send(n, idempotencyKey) {
      const [taskId = '', subtaskId = ''] = idempotencyKey.split(':')[0]?.split('/') ?? [];
      await sql.query(
        `INSERT INTO agents_notifications (idempotency_key, task_id, subtask_id, recipient, subject, body)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING`,
        [idempotencyKey, taskId, subtaskId, n.recipient, n.subject, n.body],
      );
      return { id: idempotencyKey };
    },
  };
}

/**
 * Emits the sub-task's notifications not yet published to the notifications topic and marks them, in
 * the report transaction: exactly once even across attempts.
 * @example await publishNotifications(work, tx)
 */
export async function publishNotifications(work: WorkItem, ctx: TransactionContext): Promise<void> {
  const { rows } = await ctx.sql.query<{ idempotency_key: string; recipient: string; subject: string; body: string }>(
    `UPDATE agents_notifications SET published_at = now()
     WHERE task_id = $1 AND subtask_id = $2 AND published_at IS NULL
     RETURNING idempotency_key, recipient, subject, body`,
    [work.taskId, work.subtaskId],
  );
  for (const n of rows) {
    ctx.emit(
      topics.notifications,
      { id: n.idempotency_key, taskId: work.taskId, recipient: n.recipient, subject: n.subject, body: n.body },
      { key: work.taskId, headers: { 'hearth-idempotency-key': n.idempotency_key } },
    );
  }
}
