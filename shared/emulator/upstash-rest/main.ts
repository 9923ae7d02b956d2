/**
 * Entry point: `node shared/emulator/upstash-rest/main.ts` serves the Upstash REST API on PORT
 * (default 8079) on HOST (default 127.0.0.1) over REDIS_URL, requiring UPSTASH_REDIS_REST_TOKEN. One JSON log line per event.
 */
import type { AddressInfo } from 'node:net';
import { readServerEnv, redactUrl } from './env.ts';
import type { RestServerEnv } from './env.ts';
import { createUpstashRestServer } from './server.ts';

function log(level: 'info' | 'error', message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, service: 'upstash-rest', message, ...fields });
  (level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
}

function loadConfig(): RestServerEnv {
  try {
    return readServerEnv(process.env);
  } catch (error) {
    log('error', error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

const config = loadConfig();

const server = createUpstashRestServer({
  redisUrl: config.redisUrl,
  token: config.token,
  onError: (error) => log('error', 'request or Redis connection failed', { error: error.message }),
});

server.on('error', (error) => {
  log('error', 'server failed', { error: error.message });
  process.exit(1);
});

server.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  log('info', 'upstash-rest listening', { host: config.host, port, redisUrl: redactUrl(config.redisUrl) });
});

// Stop accepting, let in-flight requests finish, then the server's close closes Redis and the
// process exits on its own; a stuck client is cut after a grace period.
function shutdown(signal: string): void {
  log('info', 'shutting down', { signal });
  server.close();
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), 5000).unref();
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
