import type { Counter, Histogram, MetricsRegistry } from './metrics.ts';

/** The agent layer's Prometheus metrics; names and labels are documented in observability/METRICS.md. */
export interface AgentMetrics {
  /** hearth_agent_tasks_total{agent, status}: status = completed | failed | cancelled */
  tasks: Counter;
  /** hearth_agent_task_errors_total{agent, code}: why runs stopped short (max_steps_reached, ...) */
  taskErrors: Counter;
  /** hearth_agent_task_duration_seconds{agent} */
  taskDuration: Histogram;
  /** hearth_agent_steps{agent}: steps used per finished task */
  steps: Histogram;
  /** hearth_llm_tokens_total{agent, model, type}: type = input | output */
  tokens: Counter;
  /** hearth_llm_requests_total{agent, model, status}: status = ok | error */
  llmRequests: Counter;
  /** hearth_llm_request_duration_seconds{agent, model} */
  llmDuration: Histogram;
  /** hearth_tool_calls_total{agent, tool, status}: status = ok | error | refused | invalid */
  toolCalls: Counter;
  /** hearth_tool_call_duration_seconds{agent, tool} */
  toolDuration: Histogram;
}

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * Registers the agent metrics on `registry` (idempotent: a second call returns the same metrics).
 * @example const agent = createAgentMetrics(registry); agent.tasks.inc({ agent: 'support', status: 'completed' })
 */
export function createAgentMetrics(registry: MetricsRegistry): AgentMetrics {
  return {
    tasks: registry.counter('hearth_agent_tasks_total', 'Agent tasks finished, by agent and status'),
    taskErrors: registry.counter('hearth_agent_task_errors_total', 'Agent tasks that stopped short, by error code'),
    taskDuration: registry.histogram('hearth_agent_task_duration_seconds', 'Wall time of one agent task run', SECONDS),
    steps: registry.histogram(
      'hearth_agent_steps',
      'Plan-act-observe steps used per agent task',
      [1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 25],
    ),
    tokens: registry.counter('hearth_llm_tokens_total', 'LLM tokens by agent, answering model and type (input|output)'),
    llmRequests: registry.counter('hearth_llm_requests_total', 'LLM chat calls by agent, model and status'),
    llmDuration: registry.histogram(
      'hearth_llm_request_duration_seconds',
      'Duration of one LLM chat call (retries and fallbacks included)',
      SECONDS,
    ),
    toolCalls: registry.counter('hearth_tool_calls_total', 'Tool calls by agent, tool and status'),
    toolDuration: registry.histogram(
      'hearth_tool_call_duration_seconds',
      'Duration of one tool call',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
  };
}
