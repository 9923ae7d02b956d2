import { describe, expect, it } from 'vitest';
import { readServerEnv, redactUrl } from './env.ts';

describe('readServerEnv', () => {
  it('applies defaults', () => {
    expect(readServerEnv({ UPSTASH_REDIS_REST_TOKEN: 'tok' })).toEqual({
      redisUrl: 'redis://localhost:6379',
      token: 'tok',
      port: 8079,
      host: '127.0.0.1',
    });
  });

  it('reads every variable', () => {
    const env = { UPSTASH_REDIS_REST_TOKEN: 'tok', REDIS_URL: 'redis://r:6380', PORT: '9000', HOST: '0.0.0.0' };
    expect(readServerEnv(env)).toEqual({ redisUrl: 'redis://r:6380', token: 'tok', port: 9000, host: '0.0.0.0' });
  });

  it('names the variable that is wrong', () => {
    expect(() => readServerEnv({})).toThrow(/UPSTASH_REDIS_REST_TOKEN is required/);
    expect(() => readServerEnv({ UPSTASH_REDIS_REST_TOKEN: 'a b' })).toThrow(
      /UPSTASH_REDIS_REST_TOKEN must not contain/,
    );
    expect(() => readServerEnv({ UPSTASH_REDIS_REST_TOKEN: 't', PORT: 'http' })).toThrow(/PORT must be an integer/);
    expect(() => readServerEnv({ UPSTASH_REDIS_REST_TOKEN: 't', REDIS_URL: 'http://x' })).toThrow(/REDIS_URL must be/);
    expect(() => readServerEnv({ UPSTASH_REDIS_REST_TOKEN: 't', HOST: 'a b' })).toThrow(/HOST must be/);
  });
});

describe('redactUrl', () => {
  it('hides passwords only', () => {
    expect(redactUrl('redis://user:secret@host:6379/0')).toBe('redis://user:***@host:6379/0');
    expect(redactUrl('redis://host:6379')).toBe('redis://host:6379');
  });
});
