/**
 * Shared setup of the agent integration suites: a PostgreSQL schema with the agent migrations applied,
 * the Upstash REST server over the real Redis, and unique ids. KV keys written through `kv` are
 * remembered so cleanup deletes exactly them.
 */
import { randomUUID } from 'node:crypto';
import type { KvStore } from '../../shared/core/ports.ts';
import { UpstashKvStore } from '../../shared/adapters/kv/index.ts';
import { migrate, type PgSqlStore } from '../../shared/adapters/sql/index.ts';
import { agentMigrations } from '../../shared/agent/migrations.ts';
import { openAIChatModel } from '../../shared/agent/llm/openai-model.ts';
import type { ChatMessage, ChatModel } from '../../shared/agent/llm/types.ts';
import type { RecordedRequest, ScriptedCompletion, ScriptedProvider } from '../support/scripted-provider.ts';
import { testSqlStore } from '../support/pg.ts';
import { startUpstashRestServer } from '../support/upstash-rest-server.ts';

export interface AgentHarness {
  sql: PgSqlStore;
  kv: KvStore;
  /** A fresh unique id with a readable prefix. */
  id(prefix: string): string;
  close(): Promise<void>;
}

/**
 * @example const h = await agentHarness('agent_runner'); afterAll(() => h.close())
 */
export async function agentHarness(prefix: string): Promise<AgentHarness> {
  const { store: sql, cleanup } = await testSqlStore(prefix);
  await migrate(sql, { sources: [agentMigrations] });
  const rest = await startUpstashRestServer();
  const real = new UpstashKvStore({ url: rest.url, token: rest.token });
  const written = new Set<string>();
  const kv = trackKeys(real, written);
  return {
    sql,
    kv,
    id: (p) => `${p}-${randomUUID().slice(0, 8)}`,
    close: async () => {
      const keys = [...written];
      for (let i = 0; i < keys.length; i += 100) await real.del(...keys.slice(i, i + 100));
      await rest.close();
      await cleanup();
    },
  };
}

/** The real store, remembering every key a write touches (for cleanup only; behaviour is unchanged). */
function trackKeys(kv: KvStore, written: Set<string>): KvStore {
  const writes = new Set(['set', 'incrBy', 'listPush', 'hashSet', 'expire']);
  return new Proxy(kv, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (writes.has(String(prop)) && typeof args[0] === 'string') written.add(args[0]);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** A scripted model's answer with usage, in the scripted provider's wire shape. */
export function answer(content: string, tokens = { prompt: 50, completion: 10 }): ScriptedCompletion {
  return {
    content,
    usage: {
      prompt_tokens: tokens.prompt,
      completion_tokens: tokens.completion,
      total_tokens: tokens.prompt + tokens.completion,
    },
  };
}

/** A scripted answer that calls tools. */
export function callTools(
  calls: { name: string; args: Record<string, unknown> | string }[],
  tokens = { prompt: 50, completion: 10 },
  content: string | null = null,
): ScriptedCompletion {
  return {
    content,
    toolCalls: calls.map((c) => ({ name: c.name, arguments: c.args })),
    usage: {
      prompt_tokens: tokens.prompt,
      completion_tokens: tokens.completion,
      total_tokens: tokens.prompt + tokens.completion,
    },
  };
}

/**
 * An OpenAI-compatible ChatModel on the scripted provider, under a unique model name.
 * @example const { model, name } = scriptedModel(llm, 'one-step')
 */
export function scriptedModel(llm: ScriptedProvider, prefix: string): { model: ChatModel; name: string } {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  return { model: openAIChatModel({ model: name, baseUrl: llm.url, timeoutMs: 10_000 }), name };
}

/** The messages a recorded request sent. */
export function sentMessages(request: RecordedRequest | undefined): ChatMessage[] {
  return (request?.body['messages'] ?? []) as ChatMessage[];
}
