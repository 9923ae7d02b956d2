/**
 * The LLM client against a real local HTTP server speaking the OpenAI Chat Completions API
 * (test/support/scripted-provider.ts): wire format, retries, circuit breaking, fallbacks, Azure routing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../shared/core/backoff.ts';
import type { Logger } from '../../shared/core/ports.ts';
import {
  AllModelsFailedError,
  azureOpenAIChatModel,
  cascadeModel,
  chatModelFromEnv,
  estimateMessagesTokens,
  openAIChatModel,
  ProviderError,
  withRetry,
} from '../../shared/agent/llm/index.ts';
import type { ChatRequest, ToolSpec } from '../../shared/agent/llm/index.ts';
import { startScriptedProvider } from '../support/scripted-provider.ts';
import type { ScriptedProvider } from '../support/scripted-provider.ts';

const API_KEY = `sk-test-${randomUUID()}`;
const SECRET_PROMPT = `confidential prompt ${randomUUID()}`;
const tools: ToolSpec[] = [
  {
    type: 'function',
    function: {
      name: 'kb_search',
      description: 'Search the knowledge base',
      parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    },
  },
];
const request: ChatRequest = { messages: [{ role: 'user', content: SECRET_PROMPT }], tools, maxTokens: 256 };
const quietLog: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quietLog };
const fastRetries = { policy: { attempts: 2, initialDelayMs: 10, maxDelayMs: 20 } };

/** A unique model name per test, so scripts never leak between cases. */
const name = (base: string): string => `${base}-${randomUUID().slice(0, 8)}`;

let llm: ScriptedProvider;
beforeAll(async () => {
  llm = await startScriptedProvider({ apiKey: API_KEY });
});
afterAll(async () => {
  await llm.close();
});

describe('OpenAI-compatible model over HTTP', () => {
  it('sends messages, tools and max_tokens with a bearer key, and parses tool calls and usage', async () => {
    const model = name('gpt-4o');
    llm.script(model, [
      {
        toolCalls: [{ id: 'call_a', name: 'kb_search', arguments: { query: 'refunds' } }],
        usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
      },
    ]);
    const response = await openAIChatModel({ baseUrl: llm.url, apiKey: API_KEY, model }).complete({
      ...request,
      temperature: 0,
    });

    expect(response).toEqual({
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'kb_search', arguments: '{"query":"refunds"}' } },
        ],
      },
      finishReason: 'tool_calls',
      usage: { promptTokens: 42, completionTokens: 7, totalTokens: 49, estimated: false },
      model,
      provider: 'openai',
    });
    const [sent] = llm.requestsFor(model);
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(sent?.headers['authorization']).toBe(`Bearer ${API_KEY}`);
    expect(sent?.body).toEqual({ model, messages: request.messages, tools, max_tokens: 256, temperature: 0 });
  });

  it('estimates usage when the response has none', async () => {
    const model = name('local-llama');
    llm.script(model, [{ content: 'twelve chars' }]);
    const response = await openAIChatModel({ baseUrl: llm.url, apiKey: API_KEY, model }).complete(request);
    expect(response.message.content).toBe('twelve chars');
    expect(response.finishReason).toBe('stop');
    expect(response.usage).toEqual({
      promptTokens: estimateMessagesTokens(request.messages, tools),
      completionTokens: 3,
      totalTokens: estimateMessagesTokens(request.messages, tools) + 3,
      estimated: true,
    });
  });

  it('talks to Azure OpenAI through the deployments path with an api-key header', async () => {
    const deployment = name('gpt4o-deploy');
    llm.script(deployment, [{ content: 'from azure', usage: { prompt_tokens: 5, completion_tokens: 2 } }]);
    const model = azureOpenAIChatModel({
      endpoint: llm.endpoint,
      deployment,
      apiKey: API_KEY,
      apiVersion: '2024-10-21',
    });
    const response = await model.complete(request);
    expect(response).toMatchObject({ model: deployment, provider: 'azure-openai', message: { content: 'from azure' } });
    expect(response.usage).toEqual({ promptTokens: 5, completionTokens: 2, totalTokens: 7, estimated: false });
    const [sent] = llm.requestsFor(deployment);
    expect(sent?.api).toBe('azure');
    expect(sent?.path).toBe(`/openai/deployments/${deployment}/chat/completions`);
    expect(sent?.query).toEqual({ 'api-version': '2024-10-21' });
    expect(sent?.headers['api-key']).toBe(API_KEY);
    expect(sent?.headers['authorization']).toBeUndefined();
    expect(sent?.body).toEqual({ messages: request.messages, tools, max_tokens: 256 });
  });

  it('classifies a 401 as non-retryable, without prompt text in the message', async () => {
    const model = name('gpt-4o');
    const error = await openAIChatModel({ baseUrl: llm.url, apiKey: 'wrong', model })
      .complete(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 401, retryable: false, code: 'provider_auth' });
    expect((error as Error).message).toBe(`openai model "${model}" answered HTTP 401 (invalid_api_key)`);
    expect((error as Error).message).not.toContain(SECRET_PROMPT);
  });

  it('reports a timeout and a dropped connection as retryable', async () => {
    const model = name('slow');
    llm.script(model, [{ content: 'late', delayMs: 2_000 }, { drop: true }]);
    const client = openAIChatModel({ baseUrl: llm.url, apiKey: API_KEY, model, timeoutMs: 200 });
    await expect(client.complete(request)).rejects.toMatchObject({ code: 'provider_timeout', retryable: true });
    await expect(client.complete(request)).rejects.toMatchObject({ code: 'provider_network', retryable: true });
  });
});

describe('retries, circuit breaker and fallback cascade over HTTP', () => {
  it('retries a 429 after the Retry-After delay', async () => {
    const model = name('gpt-4o');
    llm.script(model, [{ status: 429, headers: { 'retry-after': '1' } }, { content: 'ok after wait' }]);
    const waits: number[] = [];
    const client = withRetry(openAIChatModel({ baseUrl: llm.url, apiKey: API_KEY, model }), {
      sleep: (ms, signal) => {
        waits.push(ms);
        return sleep(ms, signal);
      },
    });
    const response = await client.complete(request);
    expect(response.message.content).toBe('ok after wait');
    expect(llm.requestsFor(model)).toHaveLength(2);
    expect(waits).toEqual([1_000]);
  });

  it('opens the circuit of a failing primary, answers from the fallback, and skips the primary while open', async () => {
    const primary = name('gpt-4o');
    const fallback = name('gpt-4o-mini');
    llm.script(primary, [], { then: { status: 503 } });
    llm.script(fallback, [], { then: { content: 'from fallback', usage: { prompt_tokens: 3, completion_tokens: 2 } } });
    const clock = { now: 0 };
    const cascade = cascadeModel(
      [
        openAIChatModel({ baseUrl: llm.url, apiKey: API_KEY, model: primary }),
        openAIChatModel({ baseUrl: llm.url, apiKey: API_KEY, model: fallback }),
      ],
      { ...fastRetries, breaker: { failureThreshold: 2, coolDownMs: 30_000, now: () => clock.now }, log: quietLog },
    );

    const first = await cascade.complete(request);
    expect(first).toMatchObject({ model: fallback, message: { content: 'from fallback' } });
    expect(llm.requestsFor(primary)).toHaveLength(2);
    expect(cascade.states().map((s) => s.circuit)).toEqual(['open', 'closed']);

    const second = await cascade.complete(request);
    expect(second.model).toBe(fallback);
    expect(llm.requestsFor(primary)).toHaveLength(2);

    // After the cool-down one probe reaches the recovered primary and closes its circuit.
    llm.script(primary, [{ content: 'primary is back' }]);
    clock.now = 30_000;
    const third = await cascade.complete(request);
    expect(third).toMatchObject({ model: primary, message: { content: 'primary is back' } });
    expect(llm.requestsFor(primary)).toHaveLength(3);
    expect(cascade.states().map((s) => s.circuit)).toEqual(['closed', 'closed']);
  });

  it('throws AllModelsFailedError listing every model and status when all are down', async () => {
    const primary = name('gpt-4o');
    const cheaper = name('gpt-4o-mini');
    const azure = name('azure-deploy');
    llm.script(primary, [], { then: { status: 503 } });
    llm.script(cheaper, [], { then: { status: 429, headers: { 'retry-after': '0' } } });
    llm.script(azure, [], { then: { status: 500 } });
    const cascade = cascadeModel(
      [
        openAIChatModel({ baseUrl: llm.url, apiKey: API_KEY, model: primary }),
        openAIChatModel({ baseUrl: llm.url, apiKey: API_KEY, model: cheaper }),
        azureOpenAIChatModel({ endpoint: llm.endpoint, deployment: azure, apiKey: API_KEY }),
      ],
      { ...fastRetries, log: quietLog },
    );
    const error = await cascade.complete(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AllModelsFailedError);
    const failed = error as AllModelsFailedError;
    expect(failed.code).toBe('all_models_failed');
    expect(failed.retryable).toBe(true);
    expect(failed.message).toBe(
      `all 3 models failed: openai/${primary}: HTTP 503 provider_unavailable after 2 attempts; ` +
        `openai/${cheaper}: HTTP 429 provider_rate_limited after 2 attempts; ` +
        `azure-openai/${azure}: HTTP 500 provider_unavailable after 2 attempts`,
    );
    expect(failed.message).not.toContain(SECRET_PROMPT);
    expect(llm.requestsFor(primary).length + llm.requestsFor(cheaper).length + llm.requestsFor(azure).length).toBe(6);
  });

  it('chatModelFromEnv wires a two-provider cascade that falls over to the Azure deployment', async () => {
    const primary = name('gpt-4o');
    const deployment = name('fallback-deploy');
    llm.script(primary, [], { then: { status: 502 } });
    llm.script(deployment, [{ content: 'azure answered' }]);
    const model = chatModelFromEnv(
      {
        HEARTH_LLM_BASE_URL: llm.url,
        HEARTH_LLM_API_KEY: API_KEY,
        HEARTH_LLM_MODELS: primary,
        HEARTH_LLM_MAX_ATTEMPTS: '2',
        HEARTH_LLM_RETRY_INITIAL_MS: '10',
        HEARTH_LLM_FALLBACK_PROVIDER: 'azure-openai',
        HEARTH_LLM_FALLBACK_BASE_URL: llm.endpoint,
        HEARTH_LLM_FALLBACK_API_KEY: API_KEY,
        HEARTH_LLM_FALLBACK_MODELS: deployment,
      },
      { log: quietLog },
    );
    const response = await model.complete(request);
    expect(response).toMatchObject({
      model: deployment,
      provider: 'azure-openai',
      message: { content: 'azure answered' },
    });
    expect(llm.requestsFor(primary)).toHaveLength(2);
    expect(llm.requestsFor(deployment)[0]?.api).toBe('azure');
  });
});
