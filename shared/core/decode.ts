import type { Envelope } from './envelope.ts';
import { BadInputError } from './errors.ts';
import { parseWith } from './schema.ts';
import type { Trigger } from './triggers.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns an envelope into the handler's validated event, or throws a {@link BadInputError}
 * (oversize, unparseable, schema-invalid) that sends it to the dead-letter topic at once.
 * @example const order = decodeEvent(fn.trigger, envelope)
 */
export function decodeEvent<T>(trigger: Trigger<T>, envelope: Envelope): T {
  if (trigger.kind === 'cron') {
    if (envelope.source.kind !== 'cron')
      throw new BadInputError('schema-invalid', 'a cron function only takes cron ticks');
    return { scheduledAt: envelope.source.scheduledAt } as T;
  }
  let value = envelope.data;
  if (trigger.kind === 'kafka' && trigger.format === 'bytes') {
    const bytes = bytesOf(envelope);
    if (bytes.byteLength > trigger.maxBytes) {
      throw new BadInputError('oversize', `event is ${bytes.byteLength} bytes, the limit is ${trigger.maxBytes}`);
    }
    return parseWith(trigger.schema, bytes);
  }
  const text = trigger.kind === 'kafka' && trigger.format === 'text';
  if (value === undefined) {
    const body = envelope.body;
    if (text && (body === null || body.byteLength === 0)) return parseWith(trigger.schema, '');
    if (body === null || body.byteLength === 0) throw new BadInputError('unparseable', 'empty event body');
    if (body.byteLength > trigger.maxBytes) {
      throw new BadInputError('oversize', `event is ${body.byteLength} bytes, the limit is ${trigger.maxBytes}`);
    }
    value = text ? decodeText(body) : parseJson(body);
  } else if (text && typeof value !== 'string') {
    // Structured-mode CloudEvents arrive decoded; a text function still gets text.
    value = JSON.stringify(value);
  }
  return parseWith(trigger.schema, value);
}

function bytesOf(envelope: Envelope): Buffer {
  if (envelope.data === undefined) return Buffer.from(envelope.body ?? new Uint8Array());
  return Buffer.from(typeof envelope.data === 'string' ? envelope.data : JSON.stringify(envelope.data));
}

function decodeText(body: Uint8Array): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new BadInputError('unparseable', 'event body is not valid UTF-8');
  }
}

function parseJson(body: Uint8Array): unknown {
  const text = decodeText(body);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BadInputError('unparseable', `event body is not JSON: ${(error as Error).message}`);
  }
}
