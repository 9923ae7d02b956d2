/**
 * A small Prometheus registry (text exposition format 0.0.4): counters, gauges and histograms with
 * labels. Dependency-free so every platform entry can expose /metrics.
 */

type Labels = Record<string, string>;

interface Series {
  labels: Labels;
  value: number;
}

interface HistogramSeries {
  labels: Labels;
  counts: number[];
  sum: number;
  count: number;
}

abstract class Metric {
  readonly name: string;
  readonly help: string;
  constructor(name: string, help: string) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new TypeError(`invalid metric name "${name}"`);
    this.name = name;
    this.help = help;
  }
  abstract render(): string;
}

/** A monotonically increasing count. */
export class Counter extends Metric {
  private readonly series = new Map<string, Series>();
  /** Brings a total the process keeps itself (CPU seconds) up to date at scrape time, with `inc`. */
  collect?: () => Promise<void> | void;
  /** @example tasks.inc({ agent: 'research', status: 'completed' }) */
  inc(labels: Labels = {}, by = 1): void {
    const s = entry(this.series, labels, () => ({ labels, value: 0 }));
    s.value += by;
  }
  override render(): string {
    return header(this, 'counter') + [...this.series.values()].map((s) => line(this.name, s.labels, s.value)).join('');
  }
}

/** A value that goes up and down; `collect` refreshes it at scrape time. */
export class Gauge extends Metric {
  private readonly series = new Map<string, Series>();
  collect?: () => Promise<void> | void;
  /** @example lag.set({ function: 'summarizer', partition: '0' }, 12) */
  set(labels: Labels, value: number): void {
    entry(this.series, labels, () => ({ labels, value: 0 })).value = value;
  }
  /** Drops all series (before a collect re-fills them). */
  reset(): void {
    this.series.clear();
  }
  override render(): string {
    return header(this, 'gauge') + [...this.series.values()].map((s) => line(this.name, s.labels, s.value)).join('');
  }
}

/** Observations in cumulative buckets. */
export class Histogram extends Metric {
  private readonly series = new Map<string, HistogramSeries>();
  readonly buckets: readonly number[];
  constructor(name: string, help: string, buckets: readonly number[]) {
    super(name, help);
    this.buckets = [...buckets].sort((a, b) => a - b);
  }
  /** @example duration.observe({ function: 'x' }, 0.042) */
  observe(labels: Labels, value: number): void {
    const s = entry(this.series, labels, () => ({ labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    this.buckets.forEach((bound, i) => {
      if (value <= bound) s.counts[i] = (s.counts[i] ?? 0) + 1;
    });
    s.sum += value;
    s.count += 1;
  }
  override render(): string {
    let out = header(this, 'histogram');
    for (const s of this.series.values()) {
      this.buckets.forEach((bound, i) => {
        out += line(`${this.name}_bucket`, { ...s.labels, le: String(bound) }, s.counts[i] ?? 0);
      });
      out += line(`${this.name}_bucket`, { ...s.labels, le: '+Inf' }, s.count);
      out += line(`${this.name}_sum`, s.labels, s.sum);
      out += line(`${this.name}_count`, s.labels, s.count);
    }
    return out;
  }
}

/** How scrapes refresh collected gauges. */
export interface RegistryOptions {
  /** A scrape within this long of the last refresh renders the cached values (default 1 s). */
  minRefreshMs?: number;
  /** A scrape waits at most this long for a refresh, then renders what it has (default 2 s). */
  budgetMs?: number;
}

/**
 * Holds metrics by name and renders them for a scrape. Collected gauges (consumer lag, outbox backlog)
 * are refreshed at most once per `minRefreshMs` however often scrapes come, each collector on its own:
 * one that fails is counted in `hearth_metrics_collect_failures_total{metric}` and a slow one is left
 * to finish in the background; neither fails the scrape.
 */
export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();
  private readonly minRefreshMs: number;
  private readonly budgetMs: number;
  private lastRefresh = 0;
  private refreshing: Promise<void> | undefined;
  private readonly failures: Counter;

  constructor(options: RegistryOptions = {}) {
    this.minRefreshMs = options.minRefreshMs ?? 1_000;
    this.budgetMs = options.budgetMs ?? 2_000;
    this.failures = this.counter(
      'hearth_metrics_collect_failures_total',
      'Refreshes of a collected metric that failed (the scrape still answers)',
    );
  }

  /** @example const c = registry.counter('hearth_events_total', 'Events handled') */
  counter(name: string, help: string): Counter {
    return this.add(name, () => new Counter(name, help), Counter);
  }
  gauge(name: string, help: string): Gauge {
    return this.add(name, () => new Gauge(name, help), Gauge);
  }
  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(name, () => new Histogram(name, help, buckets), Histogram);
  }
  /** Refreshes collected gauges (within the budget, at most once per minRefreshMs), then renders every metric. */
  async render(): Promise<string> {
    if (!this.refreshing && Date.now() - this.lastRefresh >= this.minRefreshMs) {
      this.lastRefresh = Date.now();
      this.refreshing = this.refresh().finally(() => (this.refreshing = undefined));
    }
    if (this.refreshing) await within(this.refreshing, this.budgetMs);
    return [...this.metrics.values()].map((m) => m.render()).join('');
  }
  private async refresh(): Promise<void> {
    const failures = this.failures;
    const gauges = [...this.metrics.values()].filter(
      (m): m is Gauge | Counter => (m instanceof Gauge || m instanceof Counter) && m.collect !== undefined,
    );
    await Promise.all(
      gauges.map(async (gauge) => {
        try {
          await gauge.collect?.();
        } catch {
          failures.inc({ metric: gauge.name });
        }
      }),
    );
  }
  private add<M extends Metric>(name: string, make: () => M, kind: abstract new (...args: never[]) => M): M {
    const existing = this.metrics.get(name);
    if (existing) {
      if (!(existing instanceof kind)) throw new TypeError(`metric "${name}" already registered as another type`);
      return existing;
    }
    const created = make();
    this.metrics.set(name, created);
    return created;
  }
}

function entry<S>(map: Map<string, S>, labels: Labels, make: () => S): S {
  const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
  let s = map.get(key);
  if (!s) {
    s = make();
    map.set(key, s);
  }
  return s;
}

function header(m: Metric, type: string): string {
  return `# HELP ${m.name} ${m.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${m.name} ${type}\n`;
}

function line(name: string, labels: Labels, value: number): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  const text = Number.isFinite(value) ? String(value) : value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
  return `${name}${parts.length ? `{${parts.join(',')}}` : ''} ${text}\n`;
}

function within(work: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
    void work.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
