import type { SqlTx } from '../../core/index.ts';

// Read-only views of the durable tables for people: the dev UI and `hearth runs`.

/** What the dev UI lists of an execution. */
export interface ExecutionRow {
  function: string;
  key: string;
  eventId: string;
  status: string;
  attempt: number;
  runs: number;
  group: string | null;
  waitingFor: string | null;
  wakeAt: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

const COLUMNS = `function_name, execution_key, event_id, status, attempt, runs, cancel_key, waiting_for, wake_at,
  error, created_at, updated_at`;

type Raw = Record<string, unknown>;

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

function executionOf(r: Raw): ExecutionRow {
  return {
    function: String(r.function_name),
    key: String(r.execution_key),
    eventId: String(r.event_id),
    status: String(r.status),
    attempt: Number(r.attempt),
    runs: Number(r.runs),
    group: (r.cancel_key as string | null) ?? null,
    waitingFor: (r.waiting_for as string | null) ?? null,
    wakeAt: iso(r.wake_at),
    error: (r.error as string | null) ?? null,
    createdAt: iso(r.created_at) as string,
    updatedAt: iso(r.updated_at) as string,
  };
}

/**
 * The newest durable executions, optionally of one function, one status or one group (the cancel key,
 * e.g. a task id: every execution that one cancel stops).
 * @example await listExecutions(sql, { group: 'task-1', limit: 50 })
 */
export async function listExecutions(
  sql: SqlTx,
  filter: { function?: string; status?: string; group?: string; limit: number },
): Promise<ExecutionRow[]> {
  const { rows } = await sql.query<Raw>(
    `SELECT ${COLUMNS} FROM hearth_executions
      WHERE ($1::TEXT IS NULL OR function_name = $1) AND ($2::TEXT IS NULL OR status = $2)
        AND ($3::TEXT IS NULL OR cancel_key = $3)
      ORDER BY updated_at DESC LIMIT $4`,
    [filter.function ?? null, filter.status ?? null, filter.group ?? null, filter.limit],
  );
  return rows.map(executionOf);
}

/** A journaled step of an execution; values are cut to a preview. */
export interface StepRow {
  id: string;
  kind: string;
  outcome: string;
  attempts: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  preview: string | null;
}

/** An open wait of a parked execution. */
export interface WaitRow {
  stepId: string;
  topic: string;
  match: Record<string, unknown>;
  expiresAt: string | null;
}

const PREVIEW_CHARS = 2_000;

/**
 * One execution with its step journal (in the order the steps finished) and its open waits.
 * @example const detail = await executionDetail(sql, 'research-agent', 'task-1/s1')
 */
export async function executionDetail(
  sql: SqlTx,
  fn: string,
  key: string,
): Promise<{ execution: ExecutionRow; steps: StepRow[]; waits: WaitRow[] } | undefined> {
  const found = await sql.query<Raw>(
    `SELECT ${COLUMNS} FROM hearth_executions WHERE function_name = $1 AND execution_key = $2`,
    [fn, key],
  );
  const row = found.rows[0];
  if (!row) return undefined;
  const steps = await sql.query<Raw>(
    `SELECT step_id, kind, outcome, attempts, started_at, finished_at,
            left(COALESCE(value, error)::TEXT, ${PREVIEW_CHARS}) AS preview
       FROM hearth_steps WHERE function_name = $1 AND execution_key = $2 ORDER BY finished_at, started_at`,
    [fn, key],
  );
  const waits = await sql.query<Raw>(
    `SELECT step_id, topic, match_key, expires_at FROM hearth_waits
      WHERE function_name = $1 AND execution_key = $2 ORDER BY created_at`,
    [fn, key],
  );
  return {
    execution: executionOf(row),
    steps: steps.rows.map((s) => {
      const startedAt = iso(s.started_at) as string;
      const finishedAt = iso(s.finished_at) as string;
      return {
        id: String(s.step_id),
        kind: String(s.kind),
        outcome: String(s.outcome),
        attempts: Number(s.attempts),
        startedAt,
        finishedAt,
        durationMs: Date.parse(finishedAt) - Date.parse(startedAt),
        preview: (s.preview as string | null) ?? null,
      };
    }),
    waits: waits.rows.map((w) => ({
      stepId: String(w.step_id),
      topic: String(w.topic),
      match: Object.fromEntries(JSON.parse(String(w.match_key)) as [string, unknown][]),
      expiresAt: iso(w.expires_at),
    })),
  };
}

/**
 * The last ticks of a cron function: when each was due, and when it finished (null: not yet, or failed).
 * @example await cronTicks(sql, 'usage-digest', 5)
 */
export async function cronTicks(
  sql: SqlTx,
  fn: string,
  limit: number,
): Promise<{ scheduledAt: string; doneAt: string | null }[]> {
  const { rows } = await sql.query<Raw>(
    `SELECT scheduled_at, done_at FROM hearth_cron_ticks WHERE function_name = $1 ORDER BY scheduled_at DESC LIMIT $2`,
    [fn, limit],
  );
  return rows.map((r) => ({ scheduledAt: iso(r.scheduled_at) as string, doneAt: iso(r.done_at) }));
}
