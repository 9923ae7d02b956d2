import type { IncomingMessage, ServerResponse } from 'node:http';
import { deadLetterMessage, invoke } from '../../core/index.ts';
import type { AnyFunction, InvokeDeps, Logger, OutgoingMessage } from '../../core/index.ts';
import { BodyTooLargeError, readBody, sendJson } from '../http/body.ts';
import { cronTickEnvelope } from './cron.ts';
import { CRON_BODY_LIMIT } from './limits.ts';

/**
 * Runs one cron binding tick and answers the binding (200 done or dead-lettered, 500 retry).
 * @example await deliverTick(fn, req, res, deps, log, options.deadLetter, now())
 */
export async function deliverTick(
  fn: AnyFunction,
  req: IncomingMessage,
  res: ServerResponse,
  deps: InvokeDeps,
  log: Logger,
  deadLetter: ((message: OutgoingMessage) => Promise<void>) | undefined,
  now: Date,
): Promise<void> {
  try {
    await readBody(req, CRON_BODY_LIMIT);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
  }
  const envelope = cronTickEnvelope(fn, now);
  const outcome = await invoke(fn, envelope, deps);
  const scheduledAt = envelope.source.kind === 'cron' ? envelope.source.scheduledAt.toISOString() : '';
  switch (outcome.status) {
    case 'done':
      // The binding needs exactly 200: anything else counts as a failure for its resiliency policy.
      sendJson(res, 200, { status: 'done', duplicate: outcome.duplicate, scheduledAt });
      return;
    case 'retry':
      log.warn('cron tick failed; the binding resiliency policy retries it', {
        scheduledAt,
        error: outcome.failure.message,
      });
      sendJson(res, 500, { status: 'retry', scheduledAt, error: outcome.failure.message });
      return;
    case 'dead-letter': {
      log.error('cron tick dead-lettered', { scheduledAt, reason: outcome.reason, error: outcome.failure.message });
      if (deadLetter)
        await deadLetter(deadLetterMessage(fn, envelope, outcome.reason, outcome.failure, { attempts: 1 }));
      sendJson(res, 200, { status: 'dead-letter', reason: outcome.reason, scheduledAt });
      return;
    }
  }
}
