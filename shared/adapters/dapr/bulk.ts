import type { IncomingMessage } from 'node:http';
import type { BulkEntry } from './envelope.ts';

/**
 * A bulk delivery is plain JSON (not application/cloudevents+json) with an `entries` array.
 * @example const bulk = bulkRequest(req, body); if (bulk) for (const entry of bulk.entries) ...
 */
export function bulkRequest(req: IncomingMessage, body: Buffer): { entries: BulkEntry[]; topic?: string } | undefined {
  const media = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (media !== 'application/json') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { entries?: unknown }).entries))
    return undefined;
  const value = parsed as { entries: unknown[]; topic?: unknown };
  const entries = value.entries.filter(
    (e): e is BulkEntry => typeof e === 'object' && e !== null && typeof (e as BulkEntry).entryId === 'string',
  );
  return { entries, ...(typeof value.topic === 'string' ? { topic: value.topic } : {}) };
}
