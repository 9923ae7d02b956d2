import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpRoute } from '../../shared/adapters/http/types.ts';

/**
 * Serves one HttpRoute on a random loopback port (404 when it declines, 500 when it throws), as the
 * host would mount it.
 * @example const { url, server } = await serveRoute(knativeReceiver(functions, deps))
 */
export async function serveRoute(route: HttpRoute): Promise<{ server: Server; port: number; url: string }> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://route');
    route(req, res, url).then(
      (handled) => {
        if (!handled) res.writeHead(404).end();
      },
      (error: unknown) => {
        res.writeHead(500).end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, port, url: `http://127.0.0.1:${port}` };
}
