import { afterEach, describe, expect, it } from 'vitest';
import { MetricsRegistry } from './metrics.ts';
import { registerProcessMetrics } from './process-metrics.ts';

/** The value of an unlabelled series (or the first series of `name` with these labels). */
function value(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || l.startsWith(`${name}{${labels}`));
  if (!line) throw new Error(`no series ${name}${labels} in:\n${text}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('registerProcessMetrics', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('exposes CPU, memory, descriptors, event-loop lag and GC pauses under prom-client names', async () => {
    const registry = new MetricsRegistry({ minRefreshMs: 0 });
    stop = registerProcessMetrics(registry);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the lag monitor's timer is running
    // Work for the CPU counter, garbage for the GC observer, then a 300 ms block of the event loop.
    let junk: number[][] = [];
    for (let i = 0; i < 200; i++) junk.push(Array.from({ length: 5_000 }, (_, j) => i * j));
    junk = [];
    const until = Date.now() + 300;
    while (Date.now() < until) void junk;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = await registry.render();

    expect(text).toContain('# TYPE process_cpu_seconds_total counter');
    expect(value(text, 'process_cpu_seconds_total')).toBeGreaterThan(0.05);
    expect(value(text, 'process_resident_memory_bytes')).toBeGreaterThan(process.memoryUsage().heapUsed / 2);
    expect(value(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(value(text, 'process_open_fds')).toBeGreaterThan(2);
    expect(value(text, 'process_start_time_seconds')).toBeCloseTo(Date.now() / 1000 - process.uptime(), -1);
    expect(value(text, 'nodejs_eventloop_lag_max_seconds')).toBeGreaterThan(0.25);
    expect(value(text, 'nodejs_gc_duration_seconds_count', 'kind="minor"')).toBeGreaterThan(0);
    expect(text).toMatch(new RegExp(`^nodejs_version_info\\{version="${process.version}",`, 'm'));

    // The lag window restarts at each scrape: with no block since, the largest delay is small.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(value(await registry.render(), 'nodejs_eventloop_lag_max_seconds')).toBeLessThan(0.25);
  });
});
