/**
 * A ChatModel over the OpenAI-compatible Chat Completions HTTP API: OpenAI, local servers (vLLM, Ollama,
 * llama.cpp, LM Studio) and Azure OpenAI. One request per call; retries, breakers and fallbacks live in
 * retry.ts and cascade.ts so this file only speaks HTTP and classifies failures.
 */
import { ProviderError } from './errors.ts';
import type { ProviderErrorCode } from './errors.ts';
import { MalformedCompletionError, parseCompletion, toWireRequest } from './openai-wire.ts';
import type { MaxTokensField } from './openai-wire.ts';
import { parseRetryAfter } from './retry-after.ts';
import type { ChatModel, ChatRequest, ChatResponse } from './types.ts';

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

interface CommonOptions {
  apiKey?: string;
  /** Per-request timeout, combined with the caller's signal. Default {@link DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Provider label reported on responses and errors; defaults to "openai" or "azure-openai". */
  provider?: string;
  maxTokensField?: MaxTokensField;
  /** Extra headers (e.g. OpenAI-Organization). */
  headers?: Record<string, string>;
  /** Injectable transport; defaults to the global fetch. */
  fetch?: typeof fetch;
  now?: () => number;
}

export interface OpenAIModelOptions extends CommonOptions {
  /** Model id sent in the body, e.g. "gpt-4o". */
  model: string;
  /** API root up to and including the version, e.g. "https://api.openai.com/v1". */
  baseUrl: string;
}

export interface AzureOpenAIModelOptions extends CommonOptions {
  /** Deployment name; it is also the model name Hearth reports. */
  deployment: string;
  /** Resource endpoint, e.g. "https://my-resource.openai.azure.com". */
  endpoint: string;
  apiKey: string;
  apiVersion?: string;
}

interface Target {
  model: string;
  provider: string;
  url: string;
  headers: Record<string, string>;
  sendModel: boolean;
}

/** One model behind an OpenAI-compatible endpoint. Build it with {@link openAIChatModel} or {@link azureOpenAIChatModel}. */
export class OpenAICompatibleModel implements ChatModel {
  readonly name: string;
  readonly provider: string;
  readonly #target: Target;
  readonly #options: CommonOptions;

  constructor(target: Target, options: CommonOptions) {
    this.name = target.model;
    this.provider = target.provider;
    this.#target = target;
    this.#options = options;
  }

  async complete(request: ChatRequest): Promise<ChatResponse> {
    const { model, provider, url, headers, sendModel } = this.#target;
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const body = toWireRequest(request, {
      model: sendModel ? model : undefined,
      maxTokensField: this.#options.maxTokensField,
    });
    const fail = (
      code: ProviderErrorCode,
      detail: string,
      extra: Partial<ConstructorParameters<typeof ProviderError>[1]> = {},
    ): ProviderError =>
      new ProviderError(`${provider} model "${model}" ${detail}`, { code, model, provider, retryable: true, ...extra });
    let response: Response;
    let text: string;
    try {
      response = await (this.#options.fetch ?? fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify(body),
        signal,
      });
      text = await response.text();
    } catch (error) {
      // The caller's own abort is not a provider failure: no retry, no fallback.
      if (request.signal?.aborted) throw request.signal.reason;
      if (timeout.aborted) throw fail('provider_timeout', `did not answer within ${timeoutMs} ms`, { cause: error });
      throw fail('provider_network', `is unreachable (${networkDetail(error)})`, { cause: error });
    }
    if (!response.ok) throw httpError(response, text, { model, provider }, this.#options.now?.() ?? Date.now());
    try {
      return parseCompletion(JSON.parse(text), request, { model, provider });
    } catch (error) {
      const problem = error instanceof MalformedCompletionError ? error.message : 'body is not JSON';
      throw fail('provider_bad_response', `sent a bad response (HTTP ${response.status}: ${problem})`, {
        status: response.status,
        cause: error,
      });
    }
  }
}

/**
 * A model behind an OpenAI-style API: POST `{baseUrl}/chat/completions` with `Authorization: Bearer`.
 * @example const model = openAIChatModel({ baseUrl: 'https://api.openai.com/v1', apiKey, model: 'gpt-4o-mini' })
 */
export function openAIChatModel(options: OpenAIModelOptions): OpenAICompatibleModel {
  const headers: Record<string, string> = { ...options.headers };
  if (options.apiKey) headers['authorization'] = `Bearer ${options.apiKey}`;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return new OpenAICompatibleModel(
    { model: options.model, provider: options.provider ?? 'openai', url, headers, sendModel: true },
    options,
  );
}

/**
 * An Azure OpenAI deployment: POST `{endpoint}/openai/deployments/{deployment}/chat/completions?api-version=...` with `api-key`.
 * @example const model = azureOpenAIChatModel({ endpoint: 'https://res.openai.azure.com', deployment: 'gpt-4o', apiKey })
 */
export function azureOpenAIChatModel(options: AzureOpenAIModelOptions): OpenAICompatibleModel {
  const version = encodeURIComponent(options.apiVersion ?? DEFAULT_AZURE_API_VERSION);
  const root = options.endpoint.replace(/\/+$/, '');
  const url = `${root}/openai/deployments/${encodeURIComponent(options.deployment)}/chat/completions?api-version=${version}`;
  const headers = { ...options.headers, 'api-key': options.apiKey };
  return new OpenAICompatibleModel(
    { model: options.deployment, provider: options.provider ?? 'azure-openai', url, headers, sendModel: false },
    options,
  );
}

/** Statuses worth retrying: timeouts, conflicts, rate limits and server-side trouble. */
const RETRYABLE_STATUS = new Set([408, 409, 425, 429]);

/**
 * Classifies a non-2xx answer. The message carries the status and the provider's short error code, never
 * the provider's free-text message, which may quote the prompt.
 */
function httpError(
  response: Response,
  text: string,
  who: { model: string; provider: string },
  now: number,
): ProviderError {
  const status = response.status;
  const retryable = RETRYABLE_STATUS.has(status) || status >= 500;
  const code: ProviderErrorCode =
    status === 429
      ? 'provider_rate_limited'
      : retryable
        ? 'provider_unavailable'
        : status === 401 || status === 403
          ? 'provider_auth'
          : 'provider_rejected';
  const hint = providerErrorCode(text);
  return new ProviderError(`${who.provider} model "${who.model}" answered HTTP ${status}${hint ? ` (${hint})` : ''}`, {
    code,
    status,
    retryable,
    retryAfterMs: parseRetryAfter(response.headers, now),
    ...who,
  });
}

/** The identifier-like `error.code` or `error.type` of an OpenAI error body, if any. */
function providerErrorCode(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    const error = typeof parsed === 'object' && parsed !== null ? (parsed as { error?: unknown }).error : undefined;
    if (typeof error !== 'object' || error === null) return undefined;
    const { code, type } = error as { code?: unknown; type?: unknown };
    const value = typeof code === 'string' ? code : typeof type === 'string' ? type : undefined;
    return value !== undefined && /^[\w.-]{1,64}$/.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function networkDetail(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown error';
}
