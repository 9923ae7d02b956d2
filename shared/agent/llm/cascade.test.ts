import { describe, expect, it } from 'vitest';
import { cascadeModel } from './cascade.ts';
import { AllModelsFailedError, ProviderError } from './errors.ts';
import type { ChatModel, ChatRequest, ChatResponse } from './types.ts';

const SECRET = 'my secret prompt text 7f3a';
const request: ChatRequest = { messages: [{ role: 'user', content: SECRET }] };
const fast = { policy: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 }, sleep: () => Promise.resolve() };

function model(name: string, provider: string, status?: number): ChatModel & { calls: number } {
  const m = {
    name,
    provider,
    calls: 0,
    complete(): Promise<ChatResponse> {
      m.calls += 1;
      if (status === undefined) {
        return Promise.resolve({
          message: { role: 'assistant', content: `from ${name}` },
          finishReason: 'stop',
          usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2, estimated: false },
          model: name,
          provider,
        });
      }
      return Promise.reject(
        new ProviderError(`${provider} model "${name}" answered HTTP ${status}`, {
          code: status === 429 ? 'provider_rate_limited' : status >= 500 ? 'provider_unavailable' : 'provider_auth',
          status,
          retryable: status >= 429,
          model: name,
          provider,
        }),
      );
    },
  };
  return m;
}

describe('cascadeModel', () => {
  it('answers with the first healthy model', async () => {
    const primary = model('big', 'openai');
    const cheap = model('small', 'openai');
    const response = await cascadeModel([primary, cheap], fast).complete(request);
    expect(response.model).toBe('big');
    expect(cheap.calls).toBe(0);
  });

  it('falls back after the primary fails its retries, and skips it while its circuit is open', async () => {
    const primary = model('big', 'openai', 503);
    const cheap = model('small', 'azure-openai');
    const cascade = cascadeModel([primary, cheap], { ...fast, breaker: { failureThreshold: 2, coolDownMs: 60_000 } });
    expect((await cascade.complete(request)).model).toBe('small');
    expect(primary.calls).toBe(2);
    expect(cascade.states().map((s) => s.circuit)).toEqual(['open', 'closed']);
    expect((await cascade.complete(request)).model).toBe('small');
    expect(primary.calls).toBe(2);
  });

  it('moves on after a refusal (e.g. 401) without retrying it', async () => {
    const primary = model('big', 'openai', 401);
    const other = model('other', 'azure-openai');
    const response = await cascadeModel([primary, other], fast).complete(request);
    expect(response.provider).toBe('azure-openai');
    expect(primary.calls).toBe(1);
  });

  it('throws AllModelsFailedError naming each model and status, without prompt text', async () => {
    const cascade = cascadeModel(
      [model('big', 'openai', 503), model('small', 'openai', 429), model('az', 'azure-openai', 401)],
      fast,
    );
    const error = await cascade.complete(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AllModelsFailedError);
    const failed = error as AllModelsFailedError;
    expect(failed.code).toBe('all_models_failed');
    expect(failed.retryable).toBe(true);
    expect(failed.message).toBe(
      'all 3 models failed: openai/big: HTTP 503 provider_unavailable after 2 attempts; ' +
        'openai/small: HTTP 429 provider_rate_limited after 2 attempts; azure-openai/az: HTTP 401 provider_auth after 1 attempt',
    );
    expect(failed.message).not.toContain(SECRET);
    expect(failed.failures.map((f) => f.status)).toEqual([503, 429, 401]);
  });

  it('reports a skipped open circuit and the time until it may be probed', async () => {
    const now = { t: 0 };
    const cascade = cascadeModel([model('only', 'openai', 503)], {
      ...fast,
      policy: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
      breaker: { failureThreshold: 1, coolDownMs: 10_000, now: () => now.t },
    });
    await expect(cascade.complete(request)).rejects.toBeInstanceOf(AllModelsFailedError);
    now.t = 4_000;
    const error = (await cascade.complete(request).catch((e: unknown) => e)) as AllModelsFailedError;
    expect(error.message).toBe('all 1 models failed: openai/only: skipped, circuit open');
    expect(error.retryAfterMs).toBe(6_000);
  });

  it('is not retryable when every model refused outright', async () => {
    const error = (await cascadeModel([model('a', 'openai', 401)], fast)
      .complete(request)
      .catch((e: unknown) => e)) as AllModelsFailedError;
    expect(error.retryable).toBe(false);
  });

  it('needs at least one model', () => {
    expect(() => cascadeModel([])).toThrow(/at least one model/);
  });
});
