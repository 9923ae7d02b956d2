import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/kafka.ts';
import { agentsEnv, type AgentsEnv } from './agents-harness.ts';

/** The stuck-task sweeper hands stalled tasks to the supervisor, which acts on them (real processes). */
describe('agents: stuck tasks reach the supervisor', () => {
  let env: AgentsEnv;
  beforeAll(async () => {
    env = await agentsEnv('agents_stuck');
  });
  afterAll(() => env.close());

  it('re-dispatches the attempt of a running task and re-submits a queued one', async () => {
    const { pool } = env;
    // A running task whose only attempt is dispatched with a far deadline: only the sweeper can notice it.
    await pool.query(
      `INSERT INTO agents_tasks (id, request, caller, status, updated_at) VALUES
         ('stuck-running', 'r', 'test-client', 'running', now() - INTERVAL '2 hours'),
         ('stuck-queued', 'q', 'test-client', 'queued', now() - INTERVAL '2 hours'),
         ('fresh-running', 'f', 'test-client', 'running', now())`,
    );
    await pool.query(
      `INSERT INTO agents_subtasks (task_id, id, agent, prompt, depends_on, position, status, attempt, deadline_at)
       VALUES ('stuck-running', 'research', 'research', 'p', '[]', 0, 'dispatched', 1, now() + INTERVAL '1 day'),
              ('fresh-running', 'research', 'research', 'p', '[]', 0, 'dispatched', 1, now() + INTERVAL '1 day')`,
    );
    await env.start(['stuck-task-sweeper', 'supervisor-stuck', 'supervisor-sweep'], {
      HEARTH_SWEEPER_SCHEDULE: '* * * * * *',
      HEARTH_SWEEPER_STUCK_AFTER_MS: '600000',
      AGENTS_RETRY_BASE_MS: '0',
    });
    const attemptOf = async (taskId: string): Promise<number> =>
      Number(
        (await pool.query<{ attempt: number }>('SELECT attempt FROM agents_subtasks WHERE task_id = $1', [taskId]))
          .rows[0]?.attempt,
      );
    await waitUntil(
      'the stuck attempt is dispatched again',
      async () => (await attemptOf('stuck-running')) >= 2,
      60_000,
    );
    await waitUntil(
      'the queued task is re-submitted',
      async () =>
        (
          await pool.query(
            "SELECT 1 FROM agents_task_steps WHERE task_id = 'stuck-queued' AND kind = 'stuck_resubmitted'",
          )
        ).rowCount === 1,
      60_000,
    );
    const failed = await pool.query<{ detail: { reason: string } }>(
      "SELECT detail FROM agents_task_steps WHERE task_id = 'stuck-running' AND kind = 'subtask_failed'",
    );
    expect(failed.rows[0]?.detail.reason).toMatch(/no progress/);
    // A task that is making progress is not touched.
    expect(await attemptOf('fresh-running')).toBe(1);
  });
});
