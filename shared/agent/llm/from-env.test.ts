import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import type { Logger } from '../../core/ports.ts';
import { CascadeModel } from './cascade.ts';
import { chatModelFromEnv, llmEnv, priceTableFromEnv } from './from-env.ts';
import { OfflineDeterministicModel } from './offline-model.ts';

function memoryLog() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const log: Logger = {
    debug: (message, fields) => void lines.push({ level: 'debug', message, fields }),
    info: (message, fields) => void lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => void lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => void lines.push({ level: 'error', message, fields }),
    child: () => log,
  };
  return { log, lines };
}

describe('chatModelFromEnv', () => {
  it('falls back to the offline model with a clear WARN when no provider is configured', () => {
    const { log, lines } = memoryLog();
    const model = chatModelFromEnv({ HEARTH_LLM_BASE_URL: '' }, { log });
    expect(model).toBeInstanceOf(OfflineDeterministicModel);
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'no LLM provider configured (HEARTH_LLM_BASE_URL unset): using the offline deterministic model',
        fields: undefined,
      },
    ]);
  });

  it('uses the offline model quietly when asked to', () => {
    const { log, lines } = memoryLog();
    expect(chatModelFromEnv({ HEARTH_LLM_PROVIDER: 'offline' }, { log })).toBeInstanceOf(OfflineDeterministicModel);
    expect(lines.map((l) => l.level)).toEqual(['info']);
  });

  it('builds a cascade over both providers in order, without logging keys', () => {
    const { log, lines } = memoryLog();
    const model = chatModelFromEnv(
      {
        HEARTH_LLM_BASE_URL: 'https://api.openai.com/v1',
        HEARTH_LLM_API_KEY: 'sk-secret',
        HEARTH_LLM_MODELS: 'gpt-4o, gpt-4o-mini',
        HEARTH_LLM_FALLBACK_PROVIDER: 'azure-openai',
        HEARTH_LLM_FALLBACK_BASE_URL: 'https://res.openai.azure.com',
        HEARTH_LLM_FALLBACK_API_KEY: 'az-secret',
        HEARTH_LLM_FALLBACK_MODELS: 'gpt4o-deploy',
      },
      { log },
    );
    expect(model).toBeInstanceOf(CascadeModel);
    expect((model as CascadeModel).states().map((s) => `${s.provider}/${s.model}`)).toEqual([
      'openai/gpt-4o',
      'openai/gpt-4o-mini',
      'azure-openai/gpt4o-deploy',
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/secret/);
  });
});

describe('llmEnv', () => {
  const base = { HEARTH_LLM_BASE_URL: 'http://localhost:11434/v1', HEARTH_LLM_MODELS: 'llama3' };

  it('applies defaults', () => {
    expect(llmEnv(base)).toMatchObject({
      HEARTH_LLM_PROVIDER: 'openai',
      HEARTH_LLM_MODELS: ['llama3'],
      HEARTH_LLM_TIMEOUT_MS: 60_000,
      HEARTH_LLM_MAX_ATTEMPTS: 3,
      HEARTH_LLM_BREAKER_THRESHOLD: 5,
      HEARTH_LLM_BREAKER_COOLDOWN_MS: 30_000,
      HEARTH_LLM_AZURE_API_VERSION: '2024-10-21',
    });
  });

  it.each([
    [{ ...base, HEARTH_LLM_BASE_URL: 'localhost:8080' }, 'HEARTH_LLM_BASE_URL', /must be an http\(s\) URL/],
    [{ ...base, HEARTH_LLM_MODELS: ' , ' }, 'HEARTH_LLM_MODELS', /at least one model/],
    [
      { HEARTH_LLM_BASE_URL: base.HEARTH_LLM_BASE_URL },
      'HEARTH_LLM_MODELS',
      /required when HEARTH_LLM_BASE_URL is set/,
    ],
    [{ HEARTH_LLM_MODELS: 'gpt-4o' }, 'HEARTH_LLM_BASE_URL', /required when HEARTH_LLM_MODELS is set/],
    [{ ...base, HEARTH_LLM_PROVIDER: 'azure-openai' }, 'HEARTH_LLM_API_KEY', /required for Azure OpenAI/],
    [{ ...base, HEARTH_LLM_PROVIDER: 'bedrock' }, 'HEARTH_LLM_PROVIDER', /invalid/],
    [{ ...base, HEARTH_LLM_TIMEOUT_MS: 'soon' }, 'HEARTH_LLM_TIMEOUT_MS', /got "soon"/],
    [{ ...base, HEARTH_LLM_MAX_ATTEMPTS: '0' }, 'HEARTH_LLM_MAX_ATTEMPTS', /invalid/],
    [
      { ...base, HEARTH_LLM_FALLBACK_MODELS: 'x' },
      'HEARTH_LLM_FALLBACK_BASE_URL',
      /required when HEARTH_LLM_FALLBACK_MODELS/,
    ],
    [
      { HEARTH_LLM_FALLBACK_BASE_URL: 'http://x', HEARTH_LLM_FALLBACK_MODELS: 'x' },
      'HEARTH_LLM_BASE_URL',
      /required when HEARTH_LLM_FALLBACK_BASE_URL/,
    ],
  ])('rejects %j naming %s', (env, variable, problem) => {
    let caught: unknown;
    try {
      llmEnv(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toMatch(problem);
  });
});

describe('priceTableFromEnv', () => {
  it('reads HEARTH_LLM_PRICES or returns an empty table', () => {
    expect(priceTableFromEnv({})).toEqual({});
    expect(priceTableFromEnv({ HEARTH_LLM_PRICES: '{"m":{"input":1,"output":2}}' })).toEqual({
      m: { input: 1, output: 2 },
    });
    expect(() => priceTableFromEnv({ HEARTH_LLM_PRICES: 'x' })).toThrow(/HEARTH_LLM_PRICES is not valid JSON/);
  });
});
