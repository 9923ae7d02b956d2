import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';
import { ProviderError } from './errors.ts';
import { attemptModel, retryDelayFor, withRetry } from './retry.ts';
import type { ChatModel, ChatRequest, ChatResponse } from './types.ts';

const request: ChatRequest = { messages: [{ role: 'user', content: 'hello' }] };
const policy = { attempts: 3, initialDelayMs: 100, maxDelayMs: 1_000 };

function answer(model: string): ChatResponse {
  return {
    message: { role: 'assistant', content: 'ok' },
    finishReason: 'stop',
    usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2, estimated: false },
    model,
    provider: 'test',
  };
}

function failure(status: number, retryAfterMs?: number): ProviderError {
  return new ProviderError(`test model "m" answered HTTP ${status}`, {
    code: status === 429 ? 'provider_rate_limited' : status >= 500 ? 'provider_unavailable' : 'provider_rejected',
    status,
    retryable: status === 429 || status >= 500,
    retryAfterMs,
    model: 'm',
    provider: 'test',
  });
}

/** A model that plays back a list of outcomes, one per call. */
function scripted(outcomes: (ProviderError | 'ok')[]): ChatModel & { calls: number } {
  const model = {
    name: 'm',
    provider: 'test',
    calls: 0,
    complete(): Promise<ChatResponse> {
      const next = outcomes[model.calls] ?? 'ok';
      model.calls += 1;
      return next === 'ok' ? Promise.resolve(answer('m')) : Promise.reject(next);
    },
  };
  return model;
}

function recordingSleep() {
  const delays: number[] = [];
  const sleep = (ms: number): Promise<void> => {
    delays.push(ms);
    return Promise.resolve();
  };
  return { delays, sleep };
}

describe('retryDelayFor', () => {
  it('backs off exponentially with jitter between base/2 and base', () => {
    const err = failure(503);
    expect(retryDelayFor(err, 1, policy, 20_000, () => 0)).toBe(50);
    expect(retryDelayFor(err, 1, policy, 20_000, () => 1)).toBe(100);
    expect(retryDelayFor(err, 2, policy, 20_000, () => 1)).toBe(200);
    expect(retryDelayFor(err, 2, { ...policy, attempts: 10, maxDelayMs: 150 }, 20_000, () => 1)).toBe(150);
  });

  it('honours Retry-After, and gives up when it exceeds the cap', () => {
    expect(retryDelayFor(failure(429, 1_000), 1, policy, 20_000)).toBe(1_000);
    expect(retryDelayFor(failure(429, 60_000), 1, policy, 20_000)).toBeUndefined();
  });

  it('does not retry non-retryable errors or past the last attempt', () => {
    expect(retryDelayFor(failure(400), 1, policy)).toBeUndefined();
    expect(retryDelayFor(failure(503), 3, policy)).toBeUndefined();
  });
});

describe('attemptModel', () => {
  it('retries retryable failures and returns the answer', async () => {
    const model = scripted([failure(429, 700), failure(503), 'ok']);
    const { delays, sleep } = recordingSleep();
    const outcome = await attemptModel(model, request, { policy, sleep, random: () => 1 });
    expect(outcome).toMatchObject({ ok: true, attempts: 3 });
    expect(delays).toEqual([700, 200]);
  });

  it('stops after the bounded number of attempts with the last error', async () => {
    const model = scripted([failure(503), failure(502), failure(500), 'ok']);
    const outcome = await attemptModel(model, request, { policy, sleep: recordingSleep().sleep });
    expect(outcome.ok).toBe(false);
    expect(outcome.attempts).toBe(3);
    expect('error' in outcome && outcome.error.status).toBe(500);
    expect(model.calls).toBe(3);
  });

  it('does not retry a refusal, and a refusal does not count against the breaker', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    const model = scripted([failure(400)]);
    const outcome = await attemptModel(model, request, { policy, breaker, sleep: recordingSleep().sleep });
    expect(outcome).toMatchObject({ ok: false, attempts: 1 });
    expect(breaker.state).toBe('closed');
  });

  it('stops retrying when the breaker opens and skips the model while it is open', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, coolDownMs: 60_000 });
    const model = scripted([failure(503), failure(503), failure(503)]);
    const first = await attemptModel(model, request, { policy, breaker, sleep: recordingSleep().sleep });
    expect(first).toMatchObject({ ok: false, attempts: 2 });
    expect('error' in first && first.error.status).toBe(503);
    const second = await attemptModel(model, request, { policy, breaker, sleep: recordingSleep().sleep });
    expect(second).toEqual({ ok: false, circuitOpen: true, attempts: 0 });
    expect(model.calls).toBe(2);
  });

  it("rethrows the caller's abort without retrying", async () => {
    const controller = new AbortController();
    const model: ChatModel = {
      name: 'm',
      complete: () => {
        controller.abort(new Error('caller gave up'));
        return Promise.reject(new Error('caller gave up'));
      },
    };
    await expect(attemptModel(model, { ...request, signal: controller.signal }, { policy })).rejects.toThrow(
      'caller gave up',
    );
  });
});

describe('withRetry', () => {
  it('throws the last ProviderError when attempts run out', async () => {
    const model = withRetry(scripted([failure(503), failure(503)]), {
      policy: { ...policy, attempts: 2 },
      sleep: recordingSleep().sleep,
    });
    await expect(model.complete(request)).rejects.toMatchObject({
      name: 'ProviderError',
      status: 503,
      retryable: true,
    });
  });
});
