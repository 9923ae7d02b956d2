/**
 * The statements of the durable execution store. Each is one round trip, plain SQL that runs unchanged
 * on PostgreSQL and CockroachDB (data-modifying CTEs, ON CONFLICT, no SKIP LOCKED, no advisory locks).
 * Ownership is checked in the same statement that writes, so a replica that lost its lease cannot
 * journal or finish anything.
 */

/** Takes or creates the execution unless its event already completed or another live owner holds it. */
export const CLAIM = `
WITH prior AS (SELECT 1 FROM hearth_ledger WHERE function_name = $1 AND event_id = $3)
INSERT INTO hearth_executions (function_name, execution_key, event_id, status, envelope, owner, lease_until, cancel_key, attempt, runs)
SELECT $1, $2, $3, 'running', $4::JSONB, $5, now() + $6::INTERVAL, $7, $8, 1
 WHERE NOT EXISTS (SELECT 1 FROM prior)
ON CONFLICT (function_name, execution_key) DO UPDATE SET
  event_id = excluded.event_id, envelope = excluded.envelope, owner = excluded.owner,
  lease_until = excluded.lease_until, status = 'running', wake_at = NULL, attempt = excluded.attempt,
  cancel_key = COALESCE(excluded.cancel_key, hearth_executions.cancel_key),
  runs = hearth_executions.runs + 1, updated_at = now()
 WHERE hearth_executions.status <> 'cancelled'
   AND NOT (hearth_executions.status = 'done' AND hearth_executions.event_id = excluded.event_id)
   AND (hearth_executions.status <> 'running' OR hearth_executions.owner = excluded.owner
        OR hearth_executions.lease_until < now())
RETURNING runs, attempt, cancel_requested`;

/** Why a claim was refused: the event is done, the execution cancelled, or held (and for how long). */
export const CLAIM_REFUSAL = `
SELECT EXISTS (SELECT 1 FROM hearth_ledger WHERE function_name = $1 AND event_id = $3) AS done,
       e.status, e.event_id,
       GREATEST(0, CAST(EXTRACT(EPOCH FROM (e.lease_until - now())) * 1000 AS INT)) AS left_ms
  FROM (SELECT 1 AS one) AS o
  LEFT JOIN hearth_executions e ON e.function_name = $1 AND e.execution_key = $2`;

export const JOURNAL = `
SELECT step_id, kind, outcome, value, error FROM hearth_steps WHERE function_name = $1 AND execution_key = $2`;

export const JOURNAL_ENTRY = `
SELECT step_id, kind, outcome, value, error FROM hearth_steps
 WHERE function_name = $1 AND execution_key = $2 AND step_id = $3`;

/**
 * Journals a step if this owner still runs the execution and the step is not journaled yet; reports
 * whether it inserted, whether the owner still owns it, and a pending cancellation.
 */
export const RECORD = `
WITH ins AS (
  INSERT INTO hearth_steps (function_name, execution_key, step_id, kind, outcome, value, error, attempts, started_at)
  SELECT $1, $2, $3, $4, $5, $6::JSONB, $7::JSONB, $8, $9
   WHERE EXISTS (SELECT 1 FROM hearth_executions
                  WHERE function_name = $1 AND execution_key = $2 AND owner = $10 AND status = 'running')
  ON CONFLICT (function_name, execution_key, step_id) DO NOTHING
  RETURNING 1)
SELECT (SELECT count(*) FROM ins) AS inserted, e.cancel_requested,
       (e.owner IS NOT NULL AND e.owner = $10 AND e.status = 'running') AS owned
  FROM hearth_executions e WHERE e.function_name = $1 AND e.execution_key = $2`;

/**
 * The end of an execution: the event's ledger row, the outbox rows (if the ledger row is new), done.
 * Only the execution's owner (or nobody, once released) may write them: a replica whose lease another
 * took over gets `claimed = 0` and publishes nothing; the new owner finishes the execution.
 */
export function completeStatement(outboxTuples: string): string {
  const outbox = outboxTuples
    ? `, o AS (INSERT INTO hearth_outbox (id, topic, message_key, value, headers, seq)
          SELECT v.id, v.topic, v.k, v.val, v.h, v.seq FROM (VALUES ${outboxTuples}) AS v(id, topic, k, val, h, seq)
           WHERE EXISTS (SELECT 1 FROM l)
          ON CONFLICT (id) DO NOTHING RETURNING 1)`
    : '';
  return `
WITH own AS (SELECT 1 FROM hearth_executions
              WHERE function_name = $1 AND execution_key = $2 AND (owner = $5 OR owner IS NULL)),
     l AS (INSERT INTO hearth_ledger (function_name, event_id) SELECT $1, $3 WHERE EXISTS (SELECT 1 FROM own)
           ON CONFLICT (function_name, event_id) DO NOTHING RETURNING 1),
     e AS (UPDATE hearth_executions SET status = 'done', owner = NULL, lease_until = NULL, wake_at = NULL,
             waiting_for = NULL, result = $4::JSONB, error = NULL, updated_at = now()
            WHERE function_name = $1 AND execution_key = $2 AND (owner = $5 OR owner IS NULL) RETURNING 1),
     w AS (DELETE FROM hearth_waits WHERE function_name = $1 AND execution_key = $2 RETURNING 1)${outbox}
SELECT (SELECT count(*) FROM l) AS claimed`;
}

/**
 * Parks a running execution (releases the lease). For a wait already resolved while the execution was
 * still running, wake it at once.
 */
export const PARK = `
UPDATE hearth_executions SET status = 'parked', owner = NULL, lease_until = NULL, waiting_for = $4,
  wake_at = CASE WHEN $5::BOOLEAN AND EXISTS (
                   SELECT 1 FROM hearth_steps s
                    WHERE s.function_name = $1 AND s.execution_key = $2 AND s.step_id = $4)
                 THEN now() ELSE $6::TIMESTAMPTZ END,
  attempt = COALESCE($7::INT, attempt), error = $8, updated_at = now()
 WHERE function_name = $1 AND execution_key = $2 AND owner = $3 AND status = 'running'`;

export const FINISH = `
WITH e AS (UPDATE hearth_executions SET status = $4, error = $5, owner = NULL, lease_until = NULL, wake_at = NULL,
             waiting_for = NULL, updated_at = now()
            WHERE function_name = $1 AND execution_key = $2 AND (owner = $3 OR owner IS NULL) RETURNING 1),
     w AS (DELETE FROM hearth_waits WHERE function_name = $1 AND execution_key = $2 RETURNING 1)
SELECT (SELECT count(*) FROM e) AS finished`;

export const REOPEN = `
UPDATE hearth_executions SET status = 'parked', wake_at = $3, updated_at = now()
 WHERE function_name = $1 AND execution_key = $2 AND status = 'failed'`;

export const RENEW = `
UPDATE hearth_executions SET lease_until = now() + $2::INTERVAL WHERE owner = $1 AND status = 'running'`;

/** Claims executions that are due: a timer passed, an event arrived, or their runner's lease expired. */
export const DUE = `
UPDATE hearth_executions SET status = 'running', owner = $1, lease_until = now() + $2::INTERVAL, updated_at = now()
 WHERE (function_name, execution_key) IN (
         SELECT function_name, execution_key FROM hearth_executions
          WHERE function_name = ANY($3::TEXT[])
            AND ((status = 'parked' AND wake_at <= now()) OR (status = 'running' AND lease_until < now()))
          ORDER BY wake_at LIMIT $4)
   AND ((status = 'parked' AND wake_at <= now()) OR (status = 'running' AND lease_until < now()))
RETURNING function_name, execution_key, event_id, envelope, attempt`;

export const REGISTER_WAIT = `
INSERT INTO hearth_waits (function_name, execution_key, step_id, topic, match_key, match_fields, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (function_name, execution_key, step_id) DO UPDATE SET topic = hearth_waits.topic
RETURNING expires_at`;

export const WAIT_FIELDS = `
SELECT DISTINCT match_fields FROM hearth_waits WHERE topic = $1 AND function_name = ANY($2::TEXT[])`;

/** Resolves matching waits: journals the event as the wait's result and wakes the execution. */
export const RESOLVE_WAITS = `
WITH w AS (DELETE FROM hearth_waits
            WHERE topic = $1 AND function_name = ANY($2::TEXT[]) AND match_key = ANY($3::TEXT[])
              AND created_at <= $5::TIMESTAMPTZ + INTERVAL '2 seconds'
           RETURNING function_name, execution_key, step_id),
     s AS (INSERT INTO hearth_steps (function_name, execution_key, step_id, kind, outcome, value, attempts, started_at)
           SELECT function_name, execution_key, step_id, 'wait', 'ok', $4::JSONB, 1, now() FROM w
           ON CONFLICT (function_name, execution_key, step_id) DO NOTHING
           RETURNING function_name, execution_key)
UPDATE hearth_executions e SET wake_at = now(), updated_at = now()
  FROM s WHERE e.function_name = s.function_name AND e.execution_key = s.execution_key
   AND e.status IN ('parked', 'running')
RETURNING e.function_name, e.execution_key`;

/** Asks every unfinished execution of a cancel key to stop; parked ones are cancelled right away. */
export const REQUEST_CANCEL = `
WITH c AS (UPDATE hearth_executions SET cancel_requested = true,
             status = CASE WHEN status = 'parked' THEN 'cancelled' ELSE status END,
             wake_at = CASE WHEN status = 'parked' THEN NULL ELSE wake_at END, updated_at = now()
            WHERE cancel_key = $1 AND status IN ('running', 'parked')
           RETURNING function_name, execution_key, status),
     w AS (DELETE FROM hearth_waits WHERE (function_name, execution_key) IN (
             SELECT function_name, execution_key FROM c WHERE status = 'cancelled') RETURNING 1)
SELECT count(*) AS n FROM c`;
