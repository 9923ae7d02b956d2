import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from './metrics.ts';

describe('MetricsRegistry', () => {
  it('renders counters, gauges and histograms in Prometheus text format', async () => {
    const registry = new MetricsRegistry();
    const events = registry.counter('hearth_events_total', 'Events handled');
    events.inc({ function: 'a', outcome: 'done' });
    events.inc({ function: 'a', outcome: 'done' }, 2);
    const lag = registry.gauge('hearth_consumer_lag', 'Lag');
    lag.collect = () => lag.set({ partition: '0' }, 7);
    const duration = registry.histogram('hearth_duration_seconds', 'Duration', [0.1, 1]);
    duration.observe({ function: 'a' }, 0.05);
    duration.observe({ function: 'a' }, 0.5);

    const text = await registry.render();
    expect(text).toContain('# TYPE hearth_events_total counter\nhearth_events_total{function="a",outcome="done"} 3\n');
    expect(text).toContain('hearth_consumer_lag{partition="0"} 7\n');
    expect(text).toContain('hearth_duration_seconds_bucket{function="a",le="0.1"} 1\n');
    expect(text).toContain('hearth_duration_seconds_bucket{function="a",le="1"} 2\n');
    expect(text).toContain('hearth_duration_seconds_bucket{function="a",le="+Inf"} 2\n');
    expect(text).toContain('hearth_duration_seconds_count{function="a"} 2\n');
  });

  it('escapes label values and refuses a name reused with another type', () => {
    const registry = new MetricsRegistry();
    registry.counter('x_total', 'x').inc({ v: 'a"b\\c' });
    expect(() => registry.gauge('x_total', 'x')).toThrow(/already registered/);
  });

  it('a failing or slow collector never fails the scrape, and refreshes happen at most once per interval', async () => {
    const registry = new MetricsRegistry({ minRefreshMs: 60_000, budgetMs: 50 });
    const broken = registry.gauge('broken', 'fails');
    broken.collect = () => {
      throw new Error('broker down');
    };
    const slow = registry.gauge('slow', 'takes long');
    slow.collect = () => new Promise<void>((resolve) => setTimeout(() => resolve(slow.set({}, 1)), 300));
    let calls = 0;
    const counted = registry.gauge('counted', 'counts refreshes');
    counted.collect = () => counted.set({}, ++calls);

    const started = Date.now();
    const first = await registry.render();
    expect(Date.now() - started).toBeLessThan(250);
    expect(first).toContain('hearth_metrics_collect_failures_total{metric="broken"} 1\n');
    expect(first).toContain('counted 1\n');
    expect(first).not.toContain('slow 1');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const second = await registry.render();
    expect(second).toContain('slow 1\n');
    expect(second).toContain('counted 1\n');
    expect(calls).toBe(1);
  });
});
