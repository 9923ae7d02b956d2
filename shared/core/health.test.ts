import { describe, expect, it } from 'vitest';
import { DependencyGate } from './health.ts';
import { jsonLogger } from './logger.ts';

const log = jsonLogger({ level: 'silent' });

describe('DependencyGate', () => {
  it('marks a dependency down, probes it with backoff, and releases waiters once the probe answers', async () => {
    let healthy = false;
    let probes = 0;
    const changes: string[] = [];
    const gate = new DependencyGate({
      log,
      initialDelayMs: 5,
      maxDelayMs: 20,
      probes: {
        sql: () => {
          probes += 1;
          return healthy ? Promise.resolve() : Promise.reject(new Error('still down'));
        },
      },
      onChange: (dependency, up) => changes.push(`${dependency}:${up ? 'up' : 'down'}`),
    });
    gate.markDown('sql', new Error('ECONNREFUSED'));
    gate.markDown('sql', new Error('again'));
    expect(gate.isUp('sql')).toBe(false);
    expect(gate.downs()).toMatchObject([{ dependency: 'sql', error: 'again' }]);
    let released = false;
    const waiting = gate.whenUp('sql').then(() => (released = true));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(released).toBe(false);
    expect(probes).toBeGreaterThan(1);
    healthy = true;
    await waiting;
    expect(gate.isUp('sql')).toBe(true);
    expect(changes).toEqual(['sql:down', 'sql:up']);
    gate.close();
  });

  it('lets a waiter go when its signal aborts (a drain)', async () => {
    const gate = new DependencyGate({ log, probes: { kv: () => Promise.reject(new Error('down')) } });
    gate.markDown('kv', 'down');
    const controller = new AbortController();
    const waiting = gate.whenUp('kv', controller.signal);
    controller.abort();
    await waiting;
    expect(gate.isUp('kv')).toBe(false);
    gate.close();
  });
});
