import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AnyFunction, DurableStore, Logger, OutgoingMessage, SqlTx } from '../../core/index.ts';
import type { KafkaTransport } from '../../adapters/kafka/index.ts';
import { listDeadLetters } from '../../adapters/kafka/index.ts';
import { readBody, sendJson } from '../../adapters/http/body.ts';
import type { HttpRoute } from '../../adapters/http/types.ts';
import { answerWait, cancelGroup, DevUiRequestError, replayAll, replayOne, sendTestEvent } from './actions.ts';
import { catalog, nextTicks } from './catalog.ts';
import type { InvocationFeed } from './feed.ts';
import { cronTicks, executionDetail, listExecutions } from '../../adapters/sql/executions-view.ts';

export const DEV_UI_PREFIX = '/_hearth/';

/** What the dev UI reads and acts on. */
export interface DevUiOptions {
  functions: readonly AnyFunction[];
  sql: SqlTx;
  store: DurableStore;
  transport: KafkaTransport;
  send: (messages: OutgoingMessage[]) => Promise<void>;
  feed: InvocationFeed;
  log: Logger;
  /**
   * Dev mode: no login, and the page receives this bearer token for the app's HTTP functions.
   * Outside dev mode `accessToken` guards every API call instead.
   */
  devToken?: string;
  /** Required bearer token of the API outside dev mode (HEARTH_DEV_UI_TOKEN). */
  accessToken?: string;
}

const STATIC: Record<string, { file: string; type: string }> = {
  '': { file: 'index.html', type: 'text/html; charset=utf-8' },
  'app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  'app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

const MAX_BODY = 1_048_576;

/**
 * The dev UI: static pages under /_hearth/ and their JSON API under /_hearth/api/. Writes accept only
 * `application/json` from the page's own origin, so another site open in the same browser cannot drive
 * them. Payloads of events are never listed; step values are shown as cut previews.
 * @example routes.push(devUiRoute({ functions, sql, store, transport, send, feed, log, devToken }))
 */
export function devUiRoute(options: DevUiOptions): HttpRoute {
  const assets = new Map<string, Buffer>();
  for (const [name, asset] of Object.entries(STATIC))
    assets.set(name, readFileSync(new URL(`./static/${asset.file}`, import.meta.url)));
  const byName = new Map(options.functions.map((f) => [f.name, f]));
  const fnOf = (name: string | undefined): AnyFunction => {
    const fn = name ? byName.get(name) : undefined;
    if (!fn) throw new DevUiRequestError(404, `no function named "${name ?? ''}" on this host`);
    return fn;
  };

  return async (req, res, url) => {
    if (url.pathname === '/_hearth') {
      res.writeHead(308, { location: DEV_UI_PREFIX }).end();
      return true;
    }
    if (!url.pathname.startsWith(DEV_UI_PREFIX)) return false;
    const path = url.pathname.slice(DEV_UI_PREFIX.length);
    const asset = STATIC[path];
    if (req.method === 'GET' && asset) {
      res.writeHead(200, {
        'content-type': asset.type,
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        'x-content-type-options': 'nosniff',
      });
      res.end(assets.get(path));
      return true;
    }
    if (!path.startsWith('api/')) return false;
    try {
      refuseForeign(req, url, options);
      await api(req, res, url, path.slice(4).split('/').map(decodeURIComponent));
    } catch (error) {
      if (error instanceof DevUiRequestError) sendJson(res, error.status, { error: error.message });
      else throw error;
    }
    return true;
  };

  async function api(req: IncomingMessage, res: ServerResponse, url: URL, parts: string[]): Promise<void> {
    const [area, a, b, c] = parts;
    const get = req.method === 'GET';
    const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? '100') || 100, 1), 500);
    if (get && area === 'session')
      return sendJson(res, 200, {
        dev: Boolean(options.devToken),
        ...(options.devToken ? { token: options.devToken } : {}),
      });
    if (get && area === 'functions' && !a) return sendJson(res, 200, { functions: catalog(options.functions) });
    if (area === 'functions' && a && b === 'events' && req.method === 'POST') {
      const input = (await jsonBody(req)) as { data?: unknown; key?: string | null };
      return sendJson(
        res,
        202,
        await sendTestEvent(fnOf(a), { data: input.data, key: input.key ?? null }, options.send),
      );
    }
    if (get && area === 'invocations' && a === 'stream') return stream(req, res);
    if (get && area === 'invocations') return sendJson(res, 200, { invocations: options.feed.recent(limit) });
    if (get && area === 'executions' && !a) {
      const q = url.searchParams;
      const filter = {
        limit,
        ...(q.get('function') ? { function: q.get('function') as string } : {}),
        ...(q.get('status') ? { status: q.get('status') as string } : {}),
        ...(q.get('group') ? { group: q.get('group') as string } : {}),
      };
      return sendJson(res, 200, { executions: await listExecutions(options.sql, filter) });
    }
    if (get && area === 'executions' && a && b !== undefined) {
      const detail = await executionDetail(options.sql, a, [b, c].filter((p) => p !== undefined).join('/'));
      if (!detail) throw new DevUiRequestError(404, `no execution ${a} ${b}`);
      return sendJson(res, 200, detail);
    }
    if (area === 'cancel' && req.method === 'POST') {
      const { group } = (await jsonBody(req)) as { group?: string };
      return sendJson(res, 200, { cancelled: await cancelGroup(options.store, String(group ?? '')) });
    }
    if (area === 'answer' && req.method === 'POST') {
      const body = (await jsonBody(req)) as { function?: string; key?: string; stepId?: string; data?: unknown };
      const ref = {
        function: String(body.function ?? ''),
        key: String(body.key ?? ''),
        stepId: String(body.stepId ?? ''),
      };
      return sendJson(res, 202, await answerWait(options.sql, options.send, ref, body.data));
    }
    if (get && area === 'dead-letters' && a) {
      const fn = fnOf(a);
      // The newest ones: a dev topic is small enough to read whole.
      const letters = (await listDeadLetters(options.transport, fn.deadLetterTopic)).slice(-limit).reverse();
      return sendJson(res, 200, { topic: fn.deadLetterTopic, letters });
    }
    if (area === 'dead-letters' && a && b === 'replay' && req.method === 'POST') {
      const fn = fnOf(a);
      const body = (await jsonBody(req)) as { partition?: number; offset?: string; value?: string; reason?: string };
      if (body.offset === undefined)
        return sendJson(res, 200, { replayed: await replayAll(options.transport, fn, body.reason || undefined) });
      const at = {
        partition: Number(body.partition),
        offset: String(body.offset),
        ...(typeof body.value === 'string' ? { value: body.value } : {}),
      };
      return sendJson(res, 202, { replayed: 1, ...(await replayOne(options.transport, options.send, fn, at)) });
    }
    if (get && area === 'cron') {
      const crons = options.functions.filter((f) => f.trigger.kind === 'cron');
      const rows = await Promise.all(
        crons.map(async (fn) => ({
          function: fn.name,
          schedule: fn.trigger.kind === 'cron' ? `${fn.trigger.schedule} (${fn.trigger.timezone})` : '',
          nextTicks: nextTicks(fn, 3),
          lastTicks: await cronTicks(options.sql, fn.name, 5),
        })),
      );
      return sendJson(res, 200, { cron: rows });
    }
    throw new DevUiRequestError(404, `no dev UI API ${req.method ?? 'GET'} /${parts.join('/')}`);
  }

  function stream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    const write = (record: unknown): void => void res.write(`event: invocation\ndata: ${JSON.stringify(record)}\n\n`);
    for (const record of options.feed.recent()) write(record);
    const stop = options.feed.subscribe(write);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      stop();
    });
  }
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req, MAX_BODY)).toString('utf8');
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new DevUiRequestError(400, 'the request body is not JSON');
  }
}

/**
 * Refuses API calls another site could make from the same browser: writes must be JSON (a cross-site
 * form cannot send that without a preflight this server never grants) and come from this origin. Outside
 * dev mode every call needs the access token (the event stream may pass it as `?token=`).
 */
function refuseForeign(req: IncomingMessage, url: URL, options: DevUiOptions): void {
  const origin = req.headers.origin;
  if (origin && originHost(origin) !== req.headers.host)
    throw new DevUiRequestError(403, 'the dev UI API answers its own pages only');
  if (req.method !== 'GET' && !String(req.headers['content-type'] ?? '').startsWith('application/json'))
    throw new DevUiRequestError(415, 'send application/json');
  if (options.devToken || !options.accessToken) return;
  const given = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? url.searchParams.get('token') ?? '';
  const want = Buffer.from(options.accessToken);
  const got = Buffer.from(given);
  if (got.length !== want.length || !timingSafeEqual(got, want))
    throw new DevUiRequestError(401, 'the dev UI needs its access token (HEARTH_DEV_UI_TOKEN)');
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
