/**
 * Pure request parsing for the Upstash REST protocol: JSON command bodies, pipelines and
 * path-style commands (`/set/foo/bar?EX=100`) become Redis argument lists.
 */
import type { RedisArg } from './encoding.ts';

/** A request the protocol rejects; `status` is the HTTP status to answer with. */
export class RestRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'RestRequestError';
    this.status = status;
  }
}

/**
 * Parses a request body as JSON, failing with a 400 that says why.
 * @example parseJsonBody(Buffer.from('["PING"]')) // ['PING']
 */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw new RestRequestError(400, 'request body is empty: expected a JSON array command');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new RestRequestError(400, `request body is not valid JSON: ${detail}`);
  }
}

/**
 * Validates one JSON command such as `["SET", "k", "v", "EX", 100]`; numbers and booleans become text.
 * @example parseCommand(['incrby', 'n', 2]) // ['incrby', 'n', '2']
 */
export function parseCommand(value: unknown, where = 'request body'): string[] {
  if (!Array.isArray(value)) {
    throw new RestRequestError(400, `${where} must be a JSON array like ["SET","key","value"], got ${describe(value)}`);
  }
  if (value.length === 0) throw new RestRequestError(400, `${where} is an empty array: expected a command name first`);
  if (typeof value[0] !== 'string' || value[0] === '') {
    throw new RestRequestError(400, `${where}: the command name must be a non-empty string, got ${describe(value[0])}`);
  }
  return value.map((arg: unknown, index) => {
    if (typeof arg === 'string') return arg;
    if (typeof arg === 'number' && Number.isFinite(arg)) return String(arg);
    if (typeof arg === 'boolean') return String(arg);
    throw new RestRequestError(
      400,
      `${where}: argument ${index} must be a string, number or boolean, got ${describe(arg)}`,
    );
  });
}

/**
 * Validates a pipeline or transaction body: a non-empty array of JSON commands.
 * @example parseCommandList([['SET', 'a', 1], ['GET', 'a']]) // [['SET','a','1'], ['GET','a']]
 */
export function parseCommandList(value: unknown): string[][] {
  if (!Array.isArray(value)) {
    throw new RestRequestError(
      400,
      `request body must be a JSON array of commands like [["SET","k","v"],["GET","k"]], got ${describe(value)}`,
    );
  }
  if (value.length === 0)
    throw new RestRequestError(400, 'request body is an empty array: expected at least one command');
  return value.map((command: unknown, index) => parseCommand(command, `command ${index + 1}`));
}

/**
 * Builds a command from a path-style request: path segments, then the body (raw bytes, so binary
 * values survive), then query parameters as `NAME value` pairs (`_token` is auth, not an argument).
 * @example commandFromPath('/set/foo', new URLSearchParams('EX=100'), Buffer.from('bar')) // ['set','foo',<bar>,'EX','100']
 */
export function commandFromPath(pathname: string, query: URLSearchParams, body: Buffer | null): RedisArg[] {
  const segments = pathname.slice(1).split('/');
  if (segments.length > 1 && segments.at(-1) === '') segments.pop(); // a trailing slash adds no argument
  const args: RedisArg[] = segments.map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw new RestRequestError(400, `path segment "${segment}" is not valid percent-encoding`);
    }
  });
  if (args[0] === '')
    throw new RestRequestError(400, 'missing command: use POST / with a JSON array or a path like /get/key');
  if (body !== null && body.length > 0) args.push(body);
  for (const [name, value] of query) {
    if (name === '_token') continue;
    args.push(name);
    if (value !== '') args.push(value);
  }
  return args;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
