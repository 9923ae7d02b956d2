/**
 * Reads one CloudEvent from an HTTP request in either content mode of the CloudEvents HTTP binding, as
 * Knative sources deliver them: binary (attributes in `ce-*` headers, body = data) or structured
 * (`application/cloudevents+json`, attributes and `data`/`data_base64` in one JSON object).
 */
import type { IncomingHttpHeaders } from 'node:http';

/** A received CloudEvent: its context attributes (extensions included) and its data as bytes. */
export interface ReceivedCloudEvent {
  mode: 'binary' | 'structured';
  specversion: string;
  id: string;
  source: string;
  type: string;
  /** Every attribute (required, optional and extensions), lowercase names, string values. */
  attributes: Record<string, string>;
  /** The event data as bytes (UTF-8 JSON for JSON data), or null when the event has none. */
  data: Uint8Array | null;
}

/** The request is not a CloudEvent this receiver accepts; answered with HTTP 400. */
export class InvalidCloudEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCloudEventError';
  }
}

const REQUIRED = ['id', 'source', 'type'] as const;
/** Attribute names are lowercase letters and digits (CloudEvents 1.0, "Attribute Naming Convention"). */
const ATTRIBUTE_NAME = /^[a-z0-9]{1,64}$/;

/**
 * Parses a CloudEvent from the request's headers and body; throws {@link InvalidCloudEventError} naming
 * the missing or malformed attribute.
 * @example const event = readCloudEvent(req.headers, await readBody(req, limit))
 */
export function readCloudEvent(headers: IncomingHttpHeaders, body: Buffer): ReceivedCloudEvent {
  const contentType = headerValue(headers, 'content-type') ?? '';
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (media === 'application/cloudevents-batch+json') {
    throw new InvalidCloudEventError('batched CloudEvents (application/cloudevents-batch+json) are not supported; send one event per request');
  }
  if (media === 'application/cloudevents+json') return structured(body);
  return binary(headers, body, contentType);
}

function binary(headers: IncomingHttpHeaders, body: Buffer, contentType: string): ReceivedCloudEvent {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('ce-') || value === undefined) continue;
    const attribute = name.slice(3);
    // Header values are percent-encoded by the HTTP binding (section 3.1.3.2).
    attributes[attribute] = decodeHeader(Array.isArray(value) ? value.join(',') : value, name);
  }
  if (attributes['specversion'] === undefined) {
    throw new InvalidCloudEventError(
      'not a CloudEvent: the ce-specversion header is missing (binary mode needs ce-specversion, ce-id, ce-source and ce-type; structured mode needs content-type application/cloudevents+json)',
    );
  }
  if (contentType) attributes['datacontenttype'] = contentType;
  return finish('binary', attributes, body.byteLength > 0 ? new Uint8Array(body) : null);
}

function structured(body: Buffer): ReceivedCloudEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new InvalidCloudEventError(`structured CloudEvent is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidCloudEventError('structured CloudEvent must be a JSON object');
  }
  const attributes: Record<string, string> = {};
  let data: Uint8Array | null = null;
  const event = parsed as Record<string, unknown>;
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data' || name === 'data_base64') continue;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new InvalidCloudEventError(`CloudEvent attribute "${name}" must be a string, number or boolean`);
    }
    attributes[name] = String(value);
  }
  if ('data' in event && 'data_base64' in event) {
    throw new InvalidCloudEventError('structured CloudEvent has both "data" and "data_base64"; at most one is allowed');
  }
  if (typeof event['data_base64'] === 'string') {
    data = new Uint8Array(Buffer.from(event['data_base64'], 'base64'));
  } else if (event['data_base64'] !== undefined && event['data_base64'] !== null) {
    throw new InvalidCloudEventError('structured CloudEvent "data_base64" must be a base64 string');
  } else if (event['data'] !== undefined && event['data'] !== null) {
    data = encodeData(event['data'], attributes['datacontenttype']);
  }
  return finish('structured', attributes, data);
}

/** JSON data is re-serialized so the core parses and size-checks one form; text data is taken as is. */
function encodeData(value: unknown, contentType: string | undefined): Uint8Array {
  if (typeof value === 'string' && contentType !== undefined && !isJsonMedia(contentType)) {
    return new Uint8Array(Buffer.from(value, 'utf8'));
  }
  return new Uint8Array(Buffer.from(JSON.stringify(value), 'utf8'));
}

function finish(mode: ReceivedCloudEvent['mode'], attributes: Record<string, string>, data: Uint8Array | null): ReceivedCloudEvent {
  const specversion = attributes['specversion'];
  if (specversion !== '1.0') {
    throw new InvalidCloudEventError(`unsupported CloudEvents specversion "${specversion ?? ''}"; only "1.0" is accepted`);
  }
  for (const name of REQUIRED) {
    if (!attributes[name]) {
      const where = mode === 'binary' ? `header ce-${name}` : `attribute "${name}"`;
      throw new InvalidCloudEventError(`CloudEvent is missing the required ${where} (a non-empty string)`);
    }
  }
  for (const name of Object.keys(attributes)) {
    if (name !== 'datacontenttype' && !ATTRIBUTE_NAME.test(name)) {
      throw new InvalidCloudEventError(`CloudEvent attribute name "${name}" is invalid: use lowercase a-z and 0-9 only`);
    }
  }
  return {
    mode,
    specversion,
    id: attributes['id'] as string,
    source: attributes['source'] as string,
    type: attributes['type'] as string,
    attributes,
    data,
  };
}

/**
 * True for JSON media types (application/json, text/json, anything +json).
 * @example isJsonMedia('application/json; charset=utf-8') // true
 */
export function isJsonMedia(contentType: string): boolean {
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json' || media === 'text/json' || media.endsWith('+json');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function decodeHeader(value: string, name: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    throw new InvalidCloudEventError(`header ${name} has an invalid percent-encoding`);
  }
}
