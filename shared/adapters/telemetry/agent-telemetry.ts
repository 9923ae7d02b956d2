/**
 * The agent layer's telemetry port on OpenTelemetry and the Prometheus registry: an `invoke_agent` span
 * per run, a `chat` span per model call and an `execute_tool` span per tool call, with the attributes of
 * the OpenTelemetry GenAI semantic conventions. No prompt, completion, tool argument or tool result
 * text is ever recorded, and the session id only as a hash.
 */
import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { AgentTelemetry } from '../../agent/telemetry/port.ts';
import { hashSessionId } from '../../agent/telemetry/session-hash.ts';
import type { AgentMetrics } from './agent-metrics.ts';
import { hearthTracer } from './tracer.ts';

/** Tool label for names the registry does not know: the model chose them, so they are unbounded. */
const UNKNOWN_TOOL = '_unknown';

/**
 * Builds the telemetry; the host installs it with `setAgentTelemetry`.
 * @example setAgentTelemetry(otelAgentTelemetry(metrics.agent))
 */
export function otelAgentTelemetry(metrics: AgentMetrics): AgentTelemetry {
  return {
    run: (attrs, fn) =>
      active(`invoke_agent ${attrs.agent}`, SpanKind.INTERNAL, async (span) => {
        span.setAttributes({
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.name': attrs.agent,
          'hearth.agent': attrs.agent,
          'hearth.task.id': attrs.taskId,
          'hearth.session.hash': hashSessionId(attrs.sessionId),
          'hearth.agent.max_steps': attrs.maxSteps,
          'hearth.agent.token_budget': attrs.tokenBudget,
        });
        const started = performance.now();
        const result = await fn();
        const agent = attrs.agent;
        metrics.tasks.inc({ agent, status: result.status });
        metrics.taskDuration.observe({ agent }, (performance.now() - started) / 1000);
        metrics.steps.observe({ agent }, result.stepsUsed);
        span.setAttributes({
          'hearth.agent.status': result.status,
          'hearth.agent.steps': result.stepsUsed,
          'hearth.agent.tokens': result.tokensUsed,
          'hearth.agent.tool_calls': result.toolCalls.length,
        });
        if (result.errorCode) {
          metrics.taskErrors.inc({ agent, code: result.errorCode });
          span.setAttribute('error.type', result.errorCode);
          span.setStatus({ code: SpanStatusCode.ERROR, message: result.errorCode });
        }
        return result;
      }),
    llmCall: (attrs, fn) =>
      active(`chat ${attrs.requestModel}`, SpanKind.CLIENT, async (span) => {
        span.setAttributes({
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': attrs.requestModel,
          'gen_ai.request.max_tokens': attrs.maxTokens,
          'gen_ai.agent.name': attrs.agent,
          'hearth.agent': attrs.agent,
          'hearth.task.id': attrs.taskId,
          'hearth.agent.step': attrs.step,
          'hearth.llm.tool_count': attrs.toolCount,
          ...(attrs.provider ? { 'gen_ai.provider.name': attrs.provider, 'gen_ai.system': attrs.provider } : {}),
        });
        const started = performance.now();
        const seconds = (): number => (performance.now() - started) / 1000;
        try {
          const response = await fn();
          const { model, usage } = response;
          span.setAttributes({
            'gen_ai.response.model': model,
            'gen_ai.provider.name': response.provider,
            'gen_ai.system': response.provider,
            'gen_ai.usage.input_tokens': usage.promptTokens,
            'gen_ai.usage.output_tokens': usage.completionTokens,
            'gen_ai.response.finish_reasons': [response.finishReason],
            'hearth.llm.usage_estimated': usage.estimated,
          });
          metrics.tokens.inc({ agent: attrs.agent, model, type: 'input' }, usage.promptTokens);
          metrics.tokens.inc({ agent: attrs.agent, model, type: 'output' }, usage.completionTokens);
          metrics.llmRequests.inc({ agent: attrs.agent, model, status: 'ok' });
          metrics.llmDuration.observe({ agent: attrs.agent, model }, seconds());
          return response;
        } catch (error) {
          metrics.llmRequests.inc({ agent: attrs.agent, model: attrs.requestModel, status: 'error' });
          metrics.llmDuration.observe({ agent: attrs.agent, model: attrs.requestModel }, seconds());
          failed(span, errorType(error));
          throw error;
        }
      }),
    toolCall: (attrs, fn) => {
      const tool = attrs.version === undefined ? UNKNOWN_TOOL : attrs.tool;
      return active(`execute_tool ${tool}`, SpanKind.INTERNAL, async (span) => {
        span.setAttributes({
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': tool,
          'gen_ai.tool.type': 'function',
          'gen_ai.tool.call.id': attrs.callId,
          'gen_ai.agent.name': attrs.agent,
          'hearth.agent': attrs.agent,
          'hearth.task.id': attrs.taskId,
          'hearth.agent.step': attrs.step,
          ...(attrs.version === undefined ? {} : { 'hearth.tool.version': attrs.version }),
        });
        const started = performance.now();
        const finish = (status: string): void => {
          metrics.toolCalls.inc({ agent: attrs.agent, tool, status });
          metrics.toolDuration.observe({ agent: attrs.agent, tool }, (performance.now() - started) / 1000);
          span.setAttribute('hearth.tool.status', status);
        };
        try {
          const outcome = await fn();
          finish(outcome.status);
          if (outcome.status !== 'ok') failed(span, `tool_${outcome.status}`);
          return outcome;
        } catch (error) {
          finish('error');
          failed(span, errorType(error));
          throw error;
        }
      });
    },
  };
}

function active<T>(name: string, kind: SpanKind, work: (span: Span) => Promise<T>): Promise<T> {
  return hearthTracer().startActiveSpan(name, { kind }, async (span) => {
    try {
      return await work(span);
    } finally {
      span.end();
    }
  });
}

/** Marks the span failed with a type only: error messages can quote model output. */
function failed(span: Span, type: string): void {
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : typeof error;
}
