import { z } from 'zod';
import {
  cron,
  deadLetterBody,
  defineFunction,
  kafka,
  readDeadLetter,
  replayMessage,
  type AnyFunction,
} from '../../shared/core/index.ts';
import type { HandlerContext } from '../../shared/core/index.ts';
import { raiseAlert } from '../_ops/alerts.ts';
import { heartbeat } from '../_ops/heartbeat.ts';
import type { DeadLetterAgentConfig } from './config.ts';
import { errorFingerprint, normalizeMessage } from './fingerprint.ts';
import { decideRequeue } from './policy.ts';
import { jsonbOrNull, printable, textOrNull } from './storable.ts';

/** A first-sight alert stays raised "forever": one per error kind. */
const NOVEL_WINDOW_MS = 100 * 365 * 86_400_000;
/** Re-queues published per pass, so one pass stays a small transaction. */
const REQUEUE_BATCH = 100;

/**
 * The dead-letter agent and its re-queue pass: `<name>` consumes the dead-letter topics and files each
 * dead letter for review (reason, error, source coordinates, body), counts error kinds and alerts on a
 * new one, and schedules eligible ones for re-queue; `<name>-requeue` (cron) publishes the due ones back
 * to their source topic through the outbox, exactly once with the row that marks them re-queued.
 * @example const [agent, requeue] = createDeadLetterAgent('dead-letter-agent', deadLetterAgentConfig(process.env))
 */
export function createDeadLetterAgent(name: string, config: DeadLetterAgentConfig): [AnyFunction, AnyFunction] {
  const agent = defineFunction({
    name,
    // Bytes, not text: a dead letter may hold anything (NUL, bytes that are not UTF-8) and is filed as is.
    trigger: kafka({ topics: config.topics, format: 'bytes', schema: z.instanceof(Buffer) }),
    retries: { attempts: 5, initialDelayMs: 200 },
    handler: async (body, ctx) => {
      await heartbeat(name, ctx);
      return fileDeadLetter(body, ctx, config);
    },
  });
  const requeue = defineFunction({
    name: `${name}-requeue`,
    trigger: cron({ schedule: config.requeueSchedule, catchUp: 'latest' }),
    handler: async ({ scheduledAt }, ctx) => {
      await heartbeat(`${name}-requeue`, ctx);
      return requeueDue(scheduledAt, ctx);
    },
  });
  return [agent, requeue];
}

async function fileDeadLetter(
  value: Buffer,
  ctx: HandlerContext,
  config: DeadLetterAgentConfig,
): Promise<{ status: string }> {
  const { meta, sql, log } = ctx;
  const info = readDeadLetter({ ...meta.headers });
  const source = meta.source;
  if (source.kind !== 'kafka') throw new TypeError('the dead-letter agent only takes Kafka records');
  // A record without dead-letter headers is still kept for review, under what little is known.
  // Header values come from the failed record and may hold anything; text columns take them printable.
  const fnName = printable(info?.function ?? '(unknown)');
  const errorClass = printable(info?.errorClass ?? 'Unknown');
  const message = printable(info?.errorMessage ?? 'record has no hearth-dlq-* headers');
  const body = deadLetterBody(meta.headers, value);
  const headersJson = JSON.stringify(meta.headers);
  const normalized = normalizeMessage(message);
  const fingerprint = errorFingerprint(fnName, errorClass, normalized);

  const kind = await sql.query<{ occurrences: string }>(
    `INSERT INTO hearth_error_kinds (fingerprint, function_name, error_class, normalized_message, sample_message, occurrences)
     VALUES ($1, $2, $3, $4, $5, 1)
     ON CONFLICT (fingerprint) DO UPDATE SET occurrences = hearth_error_kinds.occurrences + 1, last_seen = now()
     RETURNING occurrences`,
    [fingerprint, fnName, errorClass, normalized, message.slice(0, 2_000)],
  );
  if (Number(kind.rows[0]?.occurrences) === 1) {
    await raiseAlert(
      ctx,
      {
        rule: 'novel-error-kind',
        subject: fingerprint,
        severity: 'warning',
        detail: { function: fnName, errorClass, normalizedMessage: normalized, reason: info?.reason ?? 'unknown' },
      },
      NOVEL_WINDOW_MS,
      new Date(),
    );
  }

  let status = 'review';
  let requeueAt: Date | null = null;
  if (info) {
    const counted = await sql.query<{ requeues: number }>(
      'SELECT requeues FROM hearth_dead_letter_requeues WHERE function_name = $1 AND event_id = $2',
      [fnName, printable(info.eventId)],
    );
    const decision = decideRequeue(info, Number(counted.rows[0]?.requeues ?? 0), config.policy, new Date());
    if (decision.action === 'schedule') {
      status = 'scheduled';
      requeueAt = decision.at;
    } else {
      status = decision.action;
      log.info('dead letter held', { function: info.function, eventId: info.eventId, why: decision.why });
    }
  }
  await sql.query(
    `INSERT INTO hearth_dead_letters (id, dlq_topic, dlq_partition, dlq_offset, function_name, event_id, reason, error_class,
       error_message, fingerprint, attempts, source_topic, source_partition, source_offset, event_key, body, headers,
       body_bytes, headers_json, status, requeue_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
    [
      meta.id,
      source.topic,
      source.partition,
      source.offset,
      fnName,
      printable(info?.eventId ?? meta.id),
      info?.reason ?? 'unknown',
      errorClass,
      message,
      fingerprint,
      info?.attempts ?? 0,
      info?.sourceTopic ?? null,
      Number.isInteger(info?.sourcePartition) ? info?.sourcePartition : null,
      info?.sourceOffset ?? null,
      meta.key === null ? null : printable(meta.key),
      textOrNull(body),
      jsonbOrNull(headersJson),
      body,
      headersJson,
      status,
      requeueAt,
    ],
  );
  return { status };
}

type DueRow = {
  id: string;
  function_name: string;
  event_id: string;
  event_key: string | null;
  body: string | null;
  headers: Record<string, string> | null;
  headers_json: string | null;
};

async function requeueDue(at: Date, ctx: HandlerContext): Promise<{ requeued: number }> {
  const { sql, log } = ctx;
  const due = await sql.query<DueRow>(
    `SELECT id, function_name, event_id, event_key, body, headers, headers_json FROM hearth_dead_letters
     WHERE status = 'scheduled' AND requeue_at <= $1 ORDER BY requeue_at, id LIMIT $2`,
    [at, REQUEUE_BATCH],
  );
  let requeued = 0;
  for (const row of due.rows) {
    // Only a text body can go back through the outbox; bytes that are not text stay for review.
    const headers = row.headers_json ? (JSON.parse(row.headers_json) as Record<string, string>) : (row.headers ?? {});
    const message = row.body === null ? undefined : replayMessage(headers, row.event_key, row.body);
    let payload: unknown;
    try {
      payload = message ? (JSON.parse(message.value) as unknown) : undefined;
    } catch {
      payload = undefined;
    }
    if (!message || payload === undefined) {
      await sql.query(`UPDATE hearth_dead_letters SET status = 'review' WHERE id = $1`, [row.id]);
      continue;
    }
    // The replay's headers (original ce_id among them) override emit's own, so the source function
    // sees the event under its original id.
    ctx.emit(message.topic, payload, { key: message.key, headers: message.headers });
    await sql.query(`UPDATE hearth_dead_letters SET status = 'requeued', requeued_at = now() WHERE id = $1`, [row.id]);
    await sql.query(
      `INSERT INTO hearth_dead_letter_requeues (function_name, event_id, requeues, last_requeued_at) VALUES ($1, $2, 1, now())
       ON CONFLICT (function_name, event_id) DO UPDATE
         SET requeues = hearth_dead_letter_requeues.requeues + 1, last_requeued_at = now()`,
      [row.function_name, row.event_id],
    );
    requeued += 1;
  }
  if (requeued > 0) log.info('dead letters re-queued', { requeued });
  return { requeued };
}
