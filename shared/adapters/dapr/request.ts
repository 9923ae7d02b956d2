import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http/body.ts';

/**
 * Dapr sends the record's metadata (coordinates, key, Kafka headers) as request headers.
 * @example daprEventToEnvelope(fn, event, metadataOf(req))
 */
export function metadataOf(req: IncomingMessage): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') metadata[name] = value;
  return metadata;
}

/**
 * Answers 405 with the allowed methods; returns true so a route can `return methodNotAllowed(...)`.
 * @example if (req.method !== 'GET') return methodNotAllowed(res, 'GET')
 */
export function methodNotAllowed(res: ServerResponse, allow: string): true {
  res.setHeader('allow', allow);
  sendJson(res, 405, { error: `method not allowed; use ${allow}` });
  return true;
}

/**
 * Decodes a path segment, keeping it as sent when it is not valid percent-encoding.
 * @example decode('my%2Dfn') // 'my-fn'
 */
export function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
