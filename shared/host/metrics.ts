import type { InvokeHook, Outcome } from '../core/index.ts';
import { MetricsRegistry, type Counter, type Gauge, type Histogram } from '../adapters/telemetry/metrics.ts';
import { createAgentMetrics, type AgentMetrics } from '../adapters/telemetry/agent-metrics.ts';
import { registerProcessMetrics } from '../adapters/telemetry/process-metrics.ts';

/** The runtime's own metrics; names and labels are documented in observability/METRICS.md. */
export interface HostMetrics {
  registry: MetricsRegistry;
  /** hearth_invocations_total{function, outcome}: outcome = done | duplicate | retry | dead_letter */
  invocations: Counter;
  /** hearth_invocation_duration_seconds{function} */
  duration: Histogram;
  /** hearth_dead_letters_total{function, reason} */
  deadLetters: Counter;
  /** hearth_cron_tick_delay_seconds{function}: scheduled time to start */
  cronDelay: Histogram;
  /** hearth_consumer_lag{function, topic, partition} (refreshed at scrape) */
  consumerLag: Gauge;
  /** hearth_outbox_pending (refreshed at scrape) */
  outboxPending: Gauge;
  /** hearth_retries_total{function}: attempts that failed and will be retried */
  retries: Counter;
  /** hearth_dead_letter_depth{function, topic}: dead letters not yet replayed (refreshed at scrape) */
  deadLetterDepth: Gauge;
  /** hearth_function_up{function, trigger}: 1 per function this replica serves */
  functionUp: Gauge;
  /** hearth_dependency_up{dependency}: 0 while sql, kv or kafka is down (work that needs it is paused) */
  dependencyUp: Gauge;
  /** hearth_outbox_dead (refreshed at scrape): outbox rows parked after repeated publish failures */
  outboxDead: Gauge;
  /** hearth_durable_executions{status} (refreshed at scrape): running, parked */
  durableExecutions: Gauge;
  /** The agent layer's metrics (tasks, steps, tokens, tool calls). */
  agent: AgentMetrics;
  /** Stops the Node process metrics' event-loop monitor and GC observer. */
  stopProcessMetrics: () => void;
}

/**
 * Creates the host's registry and metrics.
 * @example const metrics = createHostMetrics(); hooks.push(metricsHook(metrics))
 */
export function createHostMetrics(registry = new MetricsRegistry()): HostMetrics {
  return {
    registry,
    invocations: registry.counter('hearth_invocations_total', 'Function invocation attempts by outcome'),
    duration: registry.histogram(
      'hearth_invocation_duration_seconds',
      'Duration of one invocation attempt',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    ),
    deadLetters: registry.counter('hearth_dead_letters_total', 'Events sent to a dead-letter topic by reason'),
    cronDelay: registry.histogram(
      'hearth_cron_tick_delay_seconds',
      'Delay between a cron tick and its start',
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60],
    ),
    consumerLag: registry.gauge('hearth_consumer_lag', 'Records not yet processed by a function, per partition'),
    outboxPending: registry.gauge('hearth_outbox_pending', 'Emitted events waiting in the outbox'),
    retries: registry.counter('hearth_retries_total', 'Failed attempts that will be retried, by function'),
    deadLetterDepth: registry.gauge('hearth_dead_letter_depth', 'Dead letters not yet replayed, per dead-letter topic'),
    functionUp: registry.gauge('hearth_function_up', 'Functions served by this replica (1 each)'),
    dependencyUp: registry.gauge(
      'hearth_dependency_up',
      'Whether a dependency answers (0 while work that needs it is paused)',
    ),
    outboxDead: registry.gauge('hearth_outbox_dead', 'Outbox rows parked after repeated publish failures'),
    durableExecutions: registry.gauge('hearth_durable_executions', 'Durable executions by status (running, parked)'),
    agent: createAgentMetrics(registry),
    stopProcessMetrics: registerProcessMetrics(registry),
  };
}

/**
 * An invoke hook that counts attempts by outcome and times them.
 * @example deps.hooks = [metricsHook(metrics)]
 */
export function metricsHook(metrics: HostMetrics): InvokeHook {
  return async (info, next) => {
    const started = performance.now();
    const outcome = await next();
    const fn = info.fn.name;
    metrics.duration.observe({ function: fn }, (performance.now() - started) / 1000);
    metrics.invocations.inc({ function: fn, outcome: outcomeLabel(outcome) });
    if (outcome.status === 'retry' && !outcome.paused) metrics.retries.inc({ function: fn });
    if (outcome.status === 'dead-letter') metrics.deadLetters.inc({ function: fn, reason: outcome.reason });
    return outcome;
  };
}

/** The `outcome` label of hearth_invocations_total (and of the dev UI's invocation stream). */
export function outcomeLabel(outcome: Outcome): string {
  switch (outcome.status) {
    case 'done':
      if (outcome.duplicate) return 'duplicate';
      if (outcome.cancelled) return 'cancelled';
      return outcome.parked ? 'parked' : 'done';
    case 'retry':
      return outcome.paused ? 'paused' : 'retry';
    case 'dead-letter':
      return 'dead_letter';
  }
}
