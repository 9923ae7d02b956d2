import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnyFunction, InvokeDeps, Logger } from '../../core/index.ts';
import { BodyTooLargeError, readBody, sendJson } from '../http/body.ts';
import { readCloudEvent } from '../knative/index.ts';
import { bulkRequest } from './bulk.ts';
import { bulkEntryEvent, daprEventToEnvelope } from './envelope.ts';
import { invokeOnce } from './invoke-once.ts';
import { CRON_BODY_LIMIT, DEFAULT_BULK_COUNT } from './limits.ts';
import type { DaprBulkSubscribe, DaprStatus } from './protocol.ts';
import { metadataOf } from './request.ts';

/**
 * Answers one pub/sub delivery (a CloudEvent or a bulk of them) with Dapr's status(es).
 * @example await deliverEvent(fn, req, res, deps, log, options.bulkSubscribe)
 */
export async function deliverEvent(
  fn: AnyFunction,
  req: IncomingMessage,
  res: ServerResponse,
  deps: InvokeDeps,
  log: Logger,
  bulkSubscribe: DaprBulkSubscribe | undefined,
): Promise<void> {
  const single = fn.trigger.kind === 'kafka' ? Math.ceil((fn.trigger.maxBytes * 4) / 3) + 65_536 : CRON_BODY_LIMIT;
  const limit = bulkSubscribe?.enabled ? single * (bulkSubscribe.maxMessagesCount ?? DEFAULT_BULK_COUNT) : single;
  let body: Buffer;
  try {
    body = await readBody(req, limit);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    log.error('Dapr event dropped to the dead-letter topic: request body too large', { limit: error.limit });
    sendJson(res, 200, { status: 'DROP' satisfies DaprStatus });
    return;
  }
  const bulk = bulkRequest(req, body);
  if (bulk) {
    const statuses: { entryId: string; status: DaprStatus }[] = [];
    // In order: Dapr hands a partition's records in offset order and per-key order must hold.
    for (const entry of bulk.entries) {
      const status = await invokeOnce(
        fn,
        () => daprEventToEnvelope(fn, bulkEntryEvent(entry, bulk.topic ?? ''), entry.metadata ?? {}),
        deps,
        log,
      );
      statuses.push({ entryId: entry.entryId, status });
    }
    sendJson(res, 200, { statuses });
    return;
  }
  const status = await invokeOnce(
    fn,
    () => daprEventToEnvelope(fn, readCloudEvent(req.headers, body), metadataOf(req)),
    deps,
    log,
  );
  sendJson(res, 200, { status });
}
