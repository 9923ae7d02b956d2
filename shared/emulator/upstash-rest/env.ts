/**
 * Reads the REST server's settings from the environment, failing early with an error that names
 * the variable and what is wrong with it.
 */

/** Settings for the REST server process. */
export interface RestServerEnv {
  redisUrl: string;
  token: string;
  port: number;
  /** The interface to listen on: 127.0.0.1 unless HOST says otherwise (0.0.0.0 in a container). */
  host: string;
}

/**
 * Validates REDIS_URL (default redis://localhost:6379), UPSTASH_REDIS_REST_TOKEN (required), PORT
 * (default 8079) and HOST (default 127.0.0.1: the emulator is not reachable from other machines).
 * @example readServerEnv({ UPSTASH_REDIS_REST_TOKEN: 'hearth-local-token' }).port // 8079
 */
export function readServerEnv(env: Readonly<Record<string, string | undefined>>): RestServerEnv {
  const token = env.UPSTASH_REDIS_REST_TOKEN ?? '';
  if (token.trim() === '') {
    throw new Error(
      'UPSTASH_REDIS_REST_TOKEN is required: set it to the bearer token clients must send (locally hearth-local-token)',
    );
  }
  if (/\s/.test(token)) throw new Error('UPSTASH_REDIS_REST_TOKEN must not contain whitespace or newlines');

  const redisUrl = env.REDIS_URL === undefined || env.REDIS_URL === '' ? 'redis://localhost:6379' : env.REDIS_URL;
  if (!/^rediss?:\/\/\S+$/.test(redisUrl)) {
    throw new Error(`REDIS_URL must be a redis:// or rediss:// URL, got "${redactUrl(redisUrl)}"`);
  }

  const portText = env.PORT === undefined || env.PORT === '' ? '8079' : env.PORT;
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535, got "${portText}"`);
  }
  const host = env.HOST === undefined || env.HOST === '' ? '127.0.0.1' : env.HOST;
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) throw new Error(`HOST must be an interface address or name, got "${host}"`);
  return { redisUrl, token, port, host };
}

/**
 * Hides the password in a connection URL so it can be logged.
 * @example redactUrl('redis://:secret@host:6379') // 'redis://:***@host:6379'
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}
