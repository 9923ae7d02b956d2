/**
 * Builds the process's ChatModel from environment variables, validated up front (a bad value throws a
 * ConfigError naming the variable). With no provider configured it falls back to the offline model and
 * says so in a WARN line, so a misconfigured deployment is visible rather than silently "working".
 *
 *   HEARTH_LLM_PROVIDER            openai (default) | azure-openai | offline
 *   HEARTH_LLM_BASE_URL            API root, e.g. https://api.openai.com/v1 (Azure: https://<res>.openai.azure.com)
 *   HEARTH_LLM_API_KEY             bearer key (Azure: api-key; required there)
 *   HEARTH_LLM_MODELS              cascade in preference order, e.g. gpt-4o,gpt-4o-mini (Azure: deployments)
 *   HEARTH_LLM_FALLBACK_PROVIDER / _BASE_URL / _API_KEY / _MODELS   optional second provider, tried after the first
 *   HEARTH_LLM_AZURE_API_VERSION   default 2024-10-21
 *   HEARTH_LLM_MAX_TOKENS_FIELD    max_tokens (default) | max_completion_tokens
 *   HEARTH_LLM_TIMEOUT_MS (60000) HEARTH_LLM_MAX_ATTEMPTS (3) HEARTH_LLM_RETRY_INITIAL_MS (500)
 *   HEARTH_LLM_RETRY_MAX_MS (8000) HEARTH_LLM_MAX_RETRY_AFTER_MS (20000)
 *   HEARTH_LLM_BREAKER_THRESHOLD (5) HEARTH_LLM_BREAKER_COOLDOWN_MS (30000)
 *   HEARTH_LLM_PRICES              {"model":{"input":usdPer1M,"output":usdPer1M}}
 */
import { z } from 'zod';
import { readEnv } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';
import type { Logger } from '../../core/ports.ts';
import { cascadeModel } from './cascade.ts';
import { OfflineDeterministicModel } from './offline-model.ts';
import {
  DEFAULT_AZURE_API_VERSION,
  DEFAULT_TIMEOUT_MS,
  azureOpenAIChatModel,
  openAIChatModel,
} from './openai-model.ts';
import { parsePriceTable } from './prices.ts';
import type { PriceTable } from './prices.ts';
import type { ChatModel } from './types.ts';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const modelList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean),
  )
  .refine((list) => list.length > 0, 'must list at least one model name');
const count = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const provider = z.enum(['openai', 'azure-openai', 'offline']).default('openai');

const LlmEnvSchema = z.object({
  HEARTH_LLM_PROVIDER: provider,
  HEARTH_LLM_BASE_URL: httpUrl.optional(),
  HEARTH_LLM_API_KEY: z.string().optional(),
  HEARTH_LLM_MODELS: modelList.optional(),
  HEARTH_LLM_FALLBACK_PROVIDER: z.enum(['openai', 'azure-openai']).default('openai'),
  HEARTH_LLM_FALLBACK_BASE_URL: httpUrl.optional(),
  HEARTH_LLM_FALLBACK_API_KEY: z.string().optional(),
  HEARTH_LLM_FALLBACK_MODELS: modelList.optional(),
  HEARTH_LLM_AZURE_API_VERSION: z.string().default(DEFAULT_AZURE_API_VERSION),
  HEARTH_LLM_MAX_TOKENS_FIELD: z.enum(['max_tokens', 'max_completion_tokens']).default('max_tokens'),
  HEARTH_LLM_TIMEOUT_MS: count(100, 600_000, DEFAULT_TIMEOUT_MS),
  HEARTH_LLM_MAX_ATTEMPTS: count(1, 10, 3),
  HEARTH_LLM_RETRY_INITIAL_MS: count(0, 60_000, 500),
  HEARTH_LLM_RETRY_MAX_MS: count(0, 600_000, 8_000),
  HEARTH_LLM_MAX_RETRY_AFTER_MS: count(0, 600_000, 20_000),
  HEARTH_LLM_BREAKER_THRESHOLD: count(1, 1_000, 5),
  HEARTH_LLM_BREAKER_COOLDOWN_MS: count(0, 3_600_000, 30_000),
});

/** The validated LLM settings. */
export type LlmEnv = z.output<typeof LlmEnvSchema>;

/**
 * Validates the HEARTH_LLM_* variables (empty values count as unset) and their combinations.
 * @example const cfg = llmEnv(process.env)
 */
export function llmEnv(env: Record<string, string | undefined>): LlmEnv {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('HEARTH_LLM_') && value !== undefined && value.trim() !== '') cleaned[key] = value.trim();
  }
  const cfg = readEnv(LlmEnvSchema, cleaned);
  requireGroup(cfg.HEARTH_LLM_BASE_URL, 'HEARTH_LLM', cfg.HEARTH_LLM_PROVIDER, env);
  requireGroup(cfg.HEARTH_LLM_FALLBACK_BASE_URL, 'HEARTH_LLM_FALLBACK', cfg.HEARTH_LLM_FALLBACK_PROVIDER, env);
  if (cfg.HEARTH_LLM_FALLBACK_BASE_URL && !cfg.HEARTH_LLM_BASE_URL) {
    throw new ConfigError('HEARTH_LLM_BASE_URL', 'is required when HEARTH_LLM_FALLBACK_BASE_URL is set');
  }
  return cfg;
}

/** With a base URL, models are required (and a key for Azure); without one, nothing else of the group may be set. */
function requireGroup(
  baseUrl: string | undefined,
  prefix: string,
  kind: string,
  env: Record<string, string | undefined>,
): void {
  const set = (name: string): boolean => (env[`${prefix}_${name}`] ?? '').trim() !== '';
  if (baseUrl) {
    if (kind === 'offline') throw new ConfigError(`${prefix}_PROVIDER`, `is "offline" but ${prefix}_BASE_URL is set`);
    if (!set('MODELS')) throw new ConfigError(`${prefix}_MODELS`, `is required when ${prefix}_BASE_URL is set`);
    if (kind === 'azure-openai' && !set('API_KEY')) {
      throw new ConfigError(`${prefix}_API_KEY`, `is required for Azure OpenAI`);
    }
    return;
  }
  const stray = ['MODELS', 'API_KEY'].find(set) ?? (kind !== 'openai' && kind !== 'offline' ? 'PROVIDER' : undefined);
  if (stray) throw new ConfigError(`${prefix}_BASE_URL`, `is required when ${prefix}_${stray} is set`);
}

/**
 * The ChatModel described by the environment: a retrying, circuit-broken cascade over the configured models,
 * or the offline deterministic model when none is configured.
 * @example const model = chatModelFromEnv(process.env, { log })
 */
export function chatModelFromEnv(
  env: Record<string, string | undefined>,
  options: { log: Logger; fetch?: typeof fetch },
): ChatModel {
  const cfg = llmEnv(env);
  const { log } = options;
  if (!cfg.HEARTH_LLM_BASE_URL) {
    if (cfg.HEARTH_LLM_PROVIDER === 'offline')
      log.info('LLM provider is "offline": using the offline deterministic model');
    else log.warn('no LLM provider configured (HEARTH_LLM_BASE_URL unset): using the offline deterministic model');
    return new OfflineDeterministicModel();
  }
  const common = {
    timeoutMs: cfg.HEARTH_LLM_TIMEOUT_MS,
    maxTokensField: cfg.HEARTH_LLM_MAX_TOKENS_FIELD,
    fetch: options.fetch,
  };
  const build = (kind: string, baseUrl: string, apiKey: string | undefined, models: readonly string[]): ChatModel[] =>
    models.map((model) =>
      kind === 'azure-openai'
        ? azureOpenAIChatModel({
            ...common,
            endpoint: baseUrl,
            deployment: model,
            apiKey: apiKey ?? '',
            apiVersion: cfg.HEARTH_LLM_AZURE_API_VERSION,
          })
        : openAIChatModel({ ...common, baseUrl, model, apiKey }),
    );
  const models = build(
    cfg.HEARTH_LLM_PROVIDER,
    cfg.HEARTH_LLM_BASE_URL,
    cfg.HEARTH_LLM_API_KEY,
    cfg.HEARTH_LLM_MODELS ?? [],
  );
  if (cfg.HEARTH_LLM_FALLBACK_BASE_URL) {
    models.push(
      ...build(
        cfg.HEARTH_LLM_FALLBACK_PROVIDER,
        cfg.HEARTH_LLM_FALLBACK_BASE_URL,
        cfg.HEARTH_LLM_FALLBACK_API_KEY,
        cfg.HEARTH_LLM_FALLBACK_MODELS ?? [],
      ),
    );
  }
  log.info('LLM models configured', {
    cascade: models.map((m) => `${m.provider ?? 'unknown'}/${m.name}`),
    endpoint: new URL(cfg.HEARTH_LLM_BASE_URL).host,
  });
  return cascadeModel(models, {
    log,
    policy: {
      attempts: cfg.HEARTH_LLM_MAX_ATTEMPTS,
      initialDelayMs: cfg.HEARTH_LLM_RETRY_INITIAL_MS,
      maxDelayMs: cfg.HEARTH_LLM_RETRY_MAX_MS,
    },
    maxRetryAfterMs: cfg.HEARTH_LLM_MAX_RETRY_AFTER_MS,
    breaker: { failureThreshold: cfg.HEARTH_LLM_BREAKER_THRESHOLD, coolDownMs: cfg.HEARTH_LLM_BREAKER_COOLDOWN_MS },
  });
}

/**
 * The price table from HEARTH_LLM_PRICES (empty when unset).
 * @example const prices = priceTableFromEnv(process.env)
 */
export function priceTableFromEnv(env: Record<string, string | undefined>): PriceTable {
  const raw = env['HEARTH_LLM_PRICES']?.trim();
  return raw ? parsePriceTable(raw, 'HEARTH_LLM_PRICES') : {};
}
