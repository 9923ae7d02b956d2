/**
 * An Upstash-REST-compatible HTTP server over a real Redis, so `@upstash/redis` works locally
 * unchanged. HTTP handling only: parsing lives in request.ts, encoding in encoding.ts.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { authFailure } from './auth.ts';
import { encodeOutcome, encodeReply } from './encoding.ts';
import { createRedisExecutor } from './redis-executor.ts';
import type { RedisExecutor } from './redis-executor.ts';
import { commandFromPath, parseCommand, parseCommandList, parseJsonBody, RestRequestError } from './request.ts';

/** Options for {@link createUpstashRestServer}. */
export interface UpstashRestServerOptions {
  /** e.g. redis://localhost:6379 */
  redisUrl: string;
  /** The bearer token clients must present (UPSTASH_REDIS_REST_TOKEN). */
  token: string;
  /** Largest accepted request body in bytes; default 16 MiB. */
  maxBodyBytes?: number;
  /** Most commands in one /pipeline or /multi-exec request; default 1,000. */
  maxPipelineCommands?: number;
  /** Most blocking commands and transactions running at once, each on its own connection; default 32. */
  maxDedicatedConnections?: number;
  /** Told about failures that are not Redis error replies (Redis unreachable, bugs). */
  onError?: (error: Error) => void;
}

type Reply = { status: number; body: unknown };

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT']);
const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_PIPELINE = 1_000;

/**
 * Creates (but does not start) the server; closing it closes its Redis connections.
 * @example createUpstashRestServer({ redisUrl: 'redis://localhost:6379', token: 't' }).listen(8079)
 */
export function createUpstashRestServer(options: UpstashRestServerOptions): Server {
  if (typeof options.token !== 'string' || options.token === '') {
    throw new Error('createUpstashRestServer: token must be a non-empty string');
  }
  if (typeof options.redisUrl !== 'string' || !/^rediss?:\/\//.test(options.redisUrl)) {
    throw new Error(
      `createUpstashRestServer: redisUrl must start with redis:// or rediss://, got "${options.redisUrl}"`,
    );
  }
  const onError = options.onError ?? (() => {});
  const limits = {
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxPipeline: options.maxPipelineCommands ?? DEFAULT_MAX_PIPELINE,
  };
  const redis = createRedisExecutor(options.redisUrl, onError, options.maxDedicatedConnections ?? 32);

  const server = createServer((req, res) => {
    handle(req, options.token, limits, redis)
      .catch((error: unknown): Reply => {
        if (error instanceof RestRequestError) return { status: error.status, body: { error: error.message } };
        onError(error instanceof Error ? error : new Error(String(error)));
        // Not the command's fault (Redis answers those per command): Redis could not be reached. TRYAGAIN
        // is Redis' own code for "retry later", so clients can tell an outage from a bad command.
        return {
          status: 503,
          body: { error: 'TRYAGAIN the REST server cannot reach Redis right now; see its log' },
        };
      })
      .then((reply) => send(res, reply, req.method === 'HEAD'))
      .catch(onError);
  });
  server.on('close', () => {
    redis.close().catch(onError);
  });
  return server;
}

async function handle(
  req: IncomingMessage,
  token: string,
  limits: { maxBodyBytes: number; maxPipeline: number },
  redis: RedisExecutor,
): Promise<Reply> {
  const method = req.method ?? 'GET';
  if (!METHODS.has(method)) {
    throw new RestRequestError(405, `method ${method} is not allowed: use GET, HEAD, POST or PUT`);
  }
  // Server-side clients send no Origin; a web page does. A page must not drive a developer's Redis.
  if (req.headers.origin !== undefined || header(req, 'sec-fetch-site') === 'cross-site') {
    throw new RestRequestError(403, 'requests from web pages (an Origin header) are refused by this server');
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const denied = authFailure(req.headers.authorization, url.searchParams, token);
  if (denied !== null) throw new RestRequestError(401, denied);

  const format = header(req, 'upstash-response-format');
  if (format !== undefined && format.toLowerCase() !== 'json') {
    throw new RestRequestError(
      400,
      `Upstash-Response-Format "${format}" is not supported: this server answers only "json"`,
    );
  }
  const base64 = header(req, 'upstash-encoding')?.toLowerCase() === 'base64';
  const hasBody = method === 'POST' || method === 'PUT';
  const body = hasBody ? await readBody(req, limits.maxBodyBytes) : null;

  if (url.pathname === '/pipeline' || url.pathname === '/multi-exec' || url.pathname === '/') {
    if (body === null) {
      throw new RestRequestError(
        400,
        `${method} ${url.pathname} carries no command: POST a JSON array body, or use a path like /get/key`,
      );
    }
    const json = parseJsonBody(body);
    if (url.pathname === '/') return single(await redis.run(parseCommand(json)), base64);
    const commands = parseCommandList(json);
    if (commands.length > limits.maxPipeline) {
      throw new RestRequestError(
        400,
        `${url.pathname} carries ${commands.length} commands, over the ${limits.maxPipeline}-command limit: split it`,
      );
    }
    if (url.pathname === '/pipeline') {
      const outcomes = await redis.pipeline(commands);
      return { status: 200, body: outcomes.map((outcome) => encodeOutcome(outcome, base64)) };
    }
    const transaction = await redis.multiExec(commands);
    if ('error' in transaction) return { status: 400, body: { error: transaction.error } };
    return { status: 200, body: transaction.outcomes.map((outcome) => encodeOutcome(outcome, base64)) };
  }
  return single(await redis.run(commandFromPath(url.pathname, url.searchParams, body)), base64);
}

function single(outcome: Awaited<ReturnType<RedisExecutor['run']>>, base64: boolean): Reply {
  if ('error' in outcome) return { status: 400, body: { error: outcome.error } };
  return { status: 200, body: { result: encodeReply(outcome.reply, base64) } };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

// Reads the whole body; past the limit it keeps draining (so the 413 reaches the client) but stores nothing.
function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > maxBodyBytes) {
        reject(new RestRequestError(413, `request body is ${size} bytes, over the ${maxBodyBytes}-byte limit`));
      } else {
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply, headOnly: boolean): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(headOnly ? undefined : text);
}
