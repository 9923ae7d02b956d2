import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../../core/index.ts';
import { sendJson } from './body.ts';
import type { HttpRoute } from './types.ts';

/** A readiness check: resolves when the dependency answers, rejects with the reason otherwise. */
export type ReadinessCheck = () => Promise<void>;

export interface HostHttpOptions {
  port: number;
  host?: string;
  routes: readonly HttpRoute[];
  readiness: Record<string, ReadinessCheck>;
  renderMetrics: () => Promise<string>;
  log: Logger;
  /** False while draining: /ready answers 503 so load balancers stop sending traffic. */
  accepting: () => boolean;
  /** Dependencies known to be down (work that needs them is paused); /ready names them. */
  paused?: () => { dependency: string; since: string; error: string }[];
}

/**
 * The host's HTTP server: `/health` (liveness), `/ready` (every dependency reachable), `/metrics`
 * (Prometheus text), then the mounted routes in order; 404 otherwise. Handler errors become a plain
 * 500 without internals.
 * @example const server = await startHttpServer({ port: 8080, routes, readiness, renderMetrics, log, accepting })
 */
export async function startHttpServer(options: HostHttpOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    handle(req, res, url).catch((error: unknown) => {
      options.log.error('http request failed', { path: url.pathname, error });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method === 'GET' && url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
    if (req.method === 'GET' && url.pathname === '/ready') return ready(res);
    if (req.method === 'GET' && url.pathname === '/metrics') {
      const text = await options.renderMetrics();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(text);
      return;
    }
    for (const route of options.routes) if (await route(req, res, url)) return;
    sendJson(res, 404, { error: `no route for ${req.method ?? 'GET'} ${url.pathname}` });
  }
  async function ready(res: ServerResponse): Promise<void> {
    if (!options.accepting()) return sendJson(res, 503, { status: 'draining' });
    const checks = await Promise.all(
      Object.entries(options.readiness).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2_000);
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, `unreachable: ${(error as Error).message}`] as const;
        }
      }),
    );
    const paused = options.paused?.() ?? [];
    const ok = checks.every(([, state]) => state === 'ok') && paused.length === 0;
    const down = [
      ...new Set([
        ...checks.filter(([, state]) => state !== 'ok').map(([name]) => name),
        ...paused.map((p) => p.dependency),
      ]),
    ];
    sendJson(res, ok ? 200 : 503, {
      status: ok ? 'ready' : 'not ready',
      checks: Object.fromEntries(checks),
      ...(down.length > 0 ? { down } : {}),
      ...(paused.length > 0 ? { paused } : {}),
    });
  }
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
