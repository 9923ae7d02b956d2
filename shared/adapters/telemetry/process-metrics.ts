import { readdir } from 'node:fs/promises';
import { constants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import type { MetricsRegistry } from './metrics.ts';

/** V8's GC kinds, by the `detail.kind` flag of a `gc` performance entry. */
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * The Node process metrics Prometheus users expect, under the names prom-client's default metrics use
 * (so existing dashboards work): CPU, resident memory, heap, open file descriptors, event-loop lag
 * (per scrape window) and GC pauses by kind. Returns a stop function.
 * @example const stop = registerProcessMetrics(registry); ...; stop()
 */
export function registerProcessMetrics(registry: MetricsRegistry): () => void {
  const startedAt = Math.round((Date.now() - performance.now()) / 1000);
  registry.gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch').set({}, startedAt);
  const [major = '0', minor = '0', patch = '0'] = process.versions.node.split('.');
  registry.gauge('nodejs_version_info', 'Node.js version').set({ version: process.version, major, minor, patch }, 1);

  let cpu = process.cpuUsage();
  const cpuUser = registry.counter('process_cpu_user_seconds_total', 'User CPU time spent in seconds');
  const cpuSystem = registry.counter('process_cpu_system_seconds_total', 'System CPU time spent in seconds');
  const cpuTotal = registry.counter('process_cpu_seconds_total', 'User and system CPU time spent in seconds');
  cpuUser.inc({}, cpu.user / 1e6);
  cpuSystem.inc({}, cpu.system / 1e6);
  cpuTotal.inc({}, (cpu.user + cpu.system) / 1e6);
  cpuTotal.collect = () => {
    const delta = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    cpuUser.inc({}, delta.user / 1e6);
    cpuSystem.inc({}, delta.system / 1e6);
    cpuTotal.inc({}, (delta.user + delta.system) / 1e6);
  };

  const rss = registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes');
  const heapTotal = registry.gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes');
  const heapUsed = registry.gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes');
  const external = registry.gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes');
  rss.collect = () => {
    const memory = process.memoryUsage();
    rss.set({}, memory.rss);
    heapTotal.set({}, memory.heapTotal);
    heapUsed.set({}, memory.heapUsed);
    external.set({}, memory.external);
  };

  const fds = registry.gauge('process_open_fds', 'Number of open file descriptors');
  fds.collect = async () => {
    if (process.platform === 'linux') fds.set({}, (await readdir('/proc/self/fd')).length);
  };
  const resources = registry.gauge('nodejs_active_resources_total', 'Active resources keeping the event loop alive');
  resources.collect = () => resources.set({}, process.getActiveResourcesInfo().length);

  // Event-loop delay over the window since the previous scrape, then reset (10 ms sampling).
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const lag = registry.gauge('nodejs_eventloop_lag_seconds', 'Mean event-loop delay since the last scrape');
  const lagP50 = registry.gauge('nodejs_eventloop_lag_p50_seconds', 'Median event-loop delay since the last scrape');
  const lagP99 = registry.gauge(
    'nodejs_eventloop_lag_p99_seconds',
    '99th percentile event-loop delay since the last scrape',
  );
  const lagMax = registry.gauge('nodejs_eventloop_lag_max_seconds', 'Largest event-loop delay since the last scrape');
  lag.collect = () => {
    const seconds = (ns: number): number => (Number.isFinite(ns) ? ns / 1e9 : 0);
    lag.set({}, seconds(loop.mean));
    lagP50.set({}, seconds(loop.percentile(50)));
    lagP99.set({}, seconds(loop.percentile(99)));
    lagMax.set({}, seconds(loop.max));
    loop.reset();
  };

  const gc = registry.histogram(
    'nodejs_gc_duration_seconds',
    'Garbage collection pauses by kind',
    [0.001, 0.01, 0.1, 1, 2, 5],
  );
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
      gc.observe({ kind: GC_KINDS[entry.detail?.kind ?? -1] ?? 'unknown' }, entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });

  return () => {
    observer.disconnect();
    loop.disable();
  };
}
