import type { KvStore, SqlStore } from '../../core/ports.ts';
import { dependencyOf, ensureError } from '../../core/errors.ts';
import type { ToolCall } from '../llm/types.ts';
import type { ToolCallRecord } from '../types/task.ts';
import { recordToolCall, type ToolCallStatus } from './audit.ts';
import { takeRateToken } from './rate-limit.ts';
import type { ToolRegistry } from './registry.ts';
import type { RegisteredTool } from './types.ts';

/** Where a tool call happens: which agent, task, step and call. */
export interface ToolCallSite {
  agent: string;
  allowedTools: readonly string[];
  taskId: string;
  sessionId: string;
  step: number;
  callIndex: number;
  signal?: AbortSignal;
}

export interface ToolInvokeDeps {
  registry: ToolRegistry;
  sql: SqlStore;
  kv: KvStore;
}

/** The text handed back to the model as the tool message, and the record kept in the result. */
export interface ToolCallOutcome {
  content: string;
  status: ToolCallStatus;
  record: ToolCallRecord;
}

class ToolTimeoutError extends Error {
  constructor(tool: string, ms: number) {
    super(`tool "${tool}" timed out after ${ms} ms`);
    this.name = 'ToolTimeoutError';
  }
}

/**
 * Runs one tool call the model asked for: parse JSON arguments, validate, check the allow-list and
 * rate limit, run with a timeout, audit. Side-effecting tools get an idempotency key that is the same
 * whenever this call is run again (`<taskId>:<step>:<call>`). Every failure of the tool becomes
 * tool-result text the model can read and react to; only a dependency outage propagates (the run pauses).
 * @example const outcome = await invokeToolCall(deps, call, { agent, allowedTools, taskId, sessionId, step: 1, callIndex: 0 })
 */
export async function invokeToolCall(
  deps: ToolInvokeDeps,
  call: ToolCall,
  site: ToolCallSite,
): Promise<ToolCallOutcome> {
  const started = performance.now();
  const name = call.function.name;
  const finish = (status: ToolCallStatus, content: string, error?: string): Promise<ToolCallOutcome> =>
    audited(deps, call, site, started, status, content, error);

  const tool = deps.registry.get(name);
  if (!site.allowedTools.includes(name)) {
    return finish('refused', `refused: agent "${site.agent}" is not allowed to call tool "${name}"`, 'not_allowed');
  }
  if (!tool) return finish('refused', `refused: unknown tool "${name}"`, 'unknown_tool');

  let args: unknown;
  try {
    args = call.function.arguments.trim() === '' ? {} : JSON.parse(call.function.arguments);
  } catch (error) {
    return finish(
      'invalid',
      `invalid arguments: (root): not valid JSON (${ensureError(error).message})`,
      'invalid_arguments',
    );
  }
  const checked = tool.validate(args);
  if (!checked.ok) return finish('invalid', `invalid arguments: ${checked.message}`, 'invalid_arguments');

  if (tool.rateLimit) {
    const decision = await takeRateToken(deps.kv, site.agent, name, tool.rateLimit);
    if (!decision.allowed) {
      return finish(
        'refused',
        `refused: rate limit of ${tool.rateLimit.limit} calls per ${tool.rateLimit.windowMs / 1000}s exceeded for tool "${name}"; retry after ${decision.retryAfterSeconds} seconds`,
        `rate_limited: retry after ${decision.retryAfterSeconds}s`,
      );
    }
  }

  try {
    const value = await runWithTimeout(tool, checked.value, deps, site);
    return finish('ok', typeof value === 'string' ? value : JSON.stringify(value ?? null));
  } catch (error) {
    if (dependencyOf(error)) throw error;
    const message = ensureError(error).message;
    return finish('error', `error: ${message}`, message);
  }
}

/**
 * The outcome of a call refused before it ran (not approved by a person, for example), audited like
 * any other call.
 * @example await refusedToolCall({ sql }, call, site, 'refused: not approved')
 */
export function refusedToolCall(
  deps: Pick<ToolInvokeDeps, 'sql'>,
  call: ToolCall,
  site: ToolCallSite,
  content: string,
): Promise<ToolCallOutcome> {
  return audited(deps, call, site, performance.now(), 'refused', content, 'not_approved');
}

async function audited(
  deps: Pick<ToolInvokeDeps, 'sql'>,
  call: ToolCall,
  site: ToolCallSite,
  started: number,
  status: ToolCallStatus,
  content: string,
  error?: string,
): Promise<ToolCallOutcome> {
  const name = call.function.name;
  const durationMs = Math.round(performance.now() - started);
  try {
    await recordToolCall(deps.sql, {
      agent: site.agent,
      tool: name,
      taskId: site.taskId,
      sessionId: site.sessionId,
      step: site.step,
      callIndex: site.callIndex,
      status,
      error,
      durationMs,
    });
  } catch {
    // An audit write failure must not turn a successful effect into a failed step: the step's journal
    // row holds the outcome.
  }
  const record: ToolCallRecord =
    status === 'ok' ? { name, ok: true, durationMs } : { name, ok: false, error: error ?? content, durationMs };
  return { content, status, record };
}

async function runWithTimeout(
  tool: RegisteredTool,
  args: unknown,
  deps: ToolInvokeDeps,
  site: ToolCallSite,
): Promise<unknown> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(site.signal?.reason);
  site.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ToolTimeoutError(tool.name, tool.timeoutMs);
      controller.abort(error);
      reject(error);
    }, tool.timeoutMs);
  });
  const idempotencyKey = tool.sideEffects ? `${site.taskId}:${site.step}:${site.callIndex}` : undefined;
  const ctx = {
    agent: site.agent,
    taskId: site.taskId,
    sessionId: site.sessionId,
    step: site.step,
    idempotencyKey,
    signal: controller.signal,
    sql: deps.sql,
    kv: deps.kv,
  };
  const work = tool.execute(args, ctx);
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    site.signal?.removeEventListener('abort', onAbort);
  }
}
