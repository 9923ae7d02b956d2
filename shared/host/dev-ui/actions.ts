import type { AnyFunction, DurableStore, OutgoingMessage, SqlTx } from '../../core/index.ts';
import { listDeadLetters, replayDeadLetters, type KafkaTransport } from '../../adapters/kafka/index.ts';
import { replayMessage } from '../../core/dead-letter.ts';

/** A request the UI made that cannot be carried out as asked (answered 400 or 404 with the message). */
export class DevUiRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'DevUiRequestError';
    this.status = status;
  }
}

type Send = (messages: OutgoingMessage[]) => Promise<void>;

/**
 * Validates a test event against a Kafka function's schema and publishes it to the function's topic.
 * @example await sendTestEvent(fn, { data: { taskId: 't1' }, key: 't1' }, send) // { topic: 'agents.tasks' }
 */
export async function sendTestEvent(
  fn: AnyFunction,
  input: { data: unknown; key?: string | null },
  send: Send,
): Promise<{ topic: string }> {
  const t = fn.trigger;
  if (t.kind !== 'kafka') throw new DevUiRequestError(400, `${fn.name} is not triggered by Kafka events`);
  if (t.format === 'json') {
    const parsed = t.schema.safeParse(input.data);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');
      throw new DevUiRequestError(400, `the event does not match ${fn.name}'s schema: ${issues}`);
    }
  }
  const value = typeof input.data === 'string' && t.format !== 'json' ? input.data : JSON.stringify(input.data);
  await send([{ topic: t.topic, key: input.key ?? null, value, headers: { 'hearth-sent-by': 'dev-ui' } }]);
  return { topic: t.topic };
}

/**
 * Answers an open wait: publishes an event on the wait's topic carrying its match fields, over `data`.
 * @example await answerWait(sql, send, { function: 'writer-agent', key: 't1/s2', stepId: 'approval' }, { approve: true })
 */
export async function answerWait(
  sql: SqlTx,
  send: Send,
  ref: { function: string; key: string; stepId: string },
  data: unknown,
): Promise<{ topic: string; event: Record<string, unknown> }> {
  const { rows } = await sql.query<{ topic: string; match_key: string }>(
    'SELECT topic, match_key FROM hearth_waits WHERE function_name = $1 AND execution_key = $2 AND step_id = $3',
    [ref.function, ref.key, ref.stepId],
  );
  const wait = rows[0];
  if (!wait) throw new DevUiRequestError(404, `no open wait "${ref.stepId}" on ${ref.function} ${ref.key}`);
  if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data)))
    throw new DevUiRequestError(400, 'the answer must be a JSON object');
  const event: Record<string, unknown> = structuredClone((data as Record<string, unknown> | undefined) ?? {});
  for (const [path, value] of JSON.parse(wait.match_key) as [string, unknown][]) setPath(event, path, value);
  await send([{ topic: wait.topic, key: null, value: JSON.stringify(event), headers: { 'hearth-sent-by': 'dev-ui' } }]);
  return { topic: wait.topic, event };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    node = (node[part] = typeof next === 'object' && next !== null ? next : {}) as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

/**
 * Cancels every unfinished execution of a group (the cancel key). Returns how many were asked to stop.
 * @example await cancelGroup(store, 'task-1') // 3
 */
export function cancelGroup(store: DurableStore, group: string): Promise<number> {
  if (!group) throw new DevUiRequestError(400, 'give the group (cancel key) to cancel');
  return store.requestCancel(undefined, group);
}

/**
 * Replays one dead letter of a function's dead-letter topic, found by partition and offset, under its
 * original event id; with `value` the edited body replaces the original one (a fixed copy).
 * @example await replayOne(transport, send, fn, { partition: 0, offset: '12', value: '{"amount":5}' })
 */
export async function replayOne(
  transport: KafkaTransport,
  send: Send,
  fn: AnyFunction,
  at: { partition: number; offset: string; value?: string },
): Promise<{ topic: string }> {
  const letters = await listDeadLetters(transport, fn.deadLetterTopic);
  const letter = letters.find((l) => l.partition === at.partition && l.offset === at.offset);
  if (!letter) throw new DevUiRequestError(404, `no dead letter at ${fn.deadLetterTopic}/${at.partition}/${at.offset}`);
  const message = replayMessage(letter.headers, letter.key, at.value ?? letter.value);
  if (!message)
    throw new DevUiRequestError(
      400,
      'this dead letter cannot be replayed: it has no source topic, or its body is not text',
    );
  await send([message]);
  return { topic: message.topic };
}

/**
 * Replays the dead letters not replayed before, optionally only those with one reason.
 * @example await replayAll(transport, fn, 'retries-exhausted') // 4
 */
export function replayAll(transport: KafkaTransport, fn: AnyFunction, reason?: string): Promise<number> {
  return replayDeadLetters(transport, fn.deadLetterTopic, reason ? { filter: (r) => r.info?.reason === reason } : {});
}
