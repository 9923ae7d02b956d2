/** The Upstash-REST-compatible server over a real Redis, for local development and tests. */
export { createUpstashRestServer } from './server.ts';
export type { UpstashRestServerOptions } from './server.ts';
export { readServerEnv } from './env.ts';
export type { RestServerEnv } from './env.ts';
