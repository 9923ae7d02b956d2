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
    if (envelope.source.kind !== 'cron') throw new BadInputError('schema-invalid', 'a cron function only takes cron ticks');
    return { scheduledAt: envelope.source.scheduledAt } as T;
  }
  let value = envelope.data;
  if (value === undefined) {
    const body = envelope.body;
    if (body === null || body.byteLength === 0) throw new BadInputError('unparseable', 'empty event body');
    if (body.byteLength > trigger.maxBytes) {
      throw new BadInputError('oversize', `event is ${body.byteLength} bytes, the limit is ${trigger.maxBytes}`);
    }
    value = parseJson(body);
  }
  return parseWith(trigger.schema, value);
}

function parseJson(body: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new BadInputError('unparseable', 'event body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BadInputError('unparseable', `event body is not JSON: ${(error as Error).message}`);
  }
}
