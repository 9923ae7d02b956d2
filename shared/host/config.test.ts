import { describe, expect, it } from 'vitest';
import { readHostConfig } from './config.ts';

describe('readHostConfig port', () => {
  it('listens on PORT (the container convention) when HEARTH_HTTP_PORT is unset', () => {
    expect(readHostConfig({ PORT: '9090' }).HEARTH_HTTP_PORT).toBe(9090);
  });
  it('prefers HEARTH_HTTP_PORT over PORT, and defaults to 8080', () => {
    expect(readHostConfig({ PORT: '9090', HEARTH_HTTP_PORT: '7070' }).HEARTH_HTTP_PORT).toBe(7070);
    expect(readHostConfig({}).HEARTH_HTTP_PORT).toBe(8080);
  });
  it('names PORT when PORT is not a port', () => {
    expect(() => readHostConfig({ PORT: 'eighty' })).toThrow(/^PORT must be a port number/);
  });
});
