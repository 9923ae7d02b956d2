import type { KvStore, SqlStore } from '../../core/ports.ts';
import type { ChatMessage } from '../llm/types.ts';
import { saveSessionSummary } from './summaries.ts';

/** A remembered conversation turn (user prompts and final answers only; tool chatter stays in the run). */
export type Turn = Extract<ChatMessage, { role: 'user' } | { role: 'assistant' }> & { content: string };

export interface SessionMemoryOptions {
  /** Turns kept in KV per session. Default 40. */
  maxTurns?: number;
  /** Idle time after which a session's turns expire from KV. Default 24 h. */
  ttlMs?: number;
}

/**
 * Recent turns per session in KV (bounded list with TTL). When the list is full, the oldest half is
 * folded into a summary row in SQL before KV trims it, so long sessions keep a searchable history.
 */
export class SessionMemory {
  readonly #kv: KvStore;
  readonly #sql: SqlStore;
  readonly #maxTurns: number;
  readonly #ttlMs: number;

  constructor(kv: KvStore, sql: SqlStore, options: SessionMemoryOptions = {}) {
    this.#kv = kv;
    this.#sql = sql;
    this.#maxTurns = options.maxTurns ?? 40;
    this.#ttlMs = options.ttlMs ?? 86_400_000;
  }

  /**
   * The session's recent turns, oldest first.
   * @example const turns = await memory.recent('session-1')
   */
  async recent(sessionId: string): Promise<Turn[]> {
    return this.#kv.listRange<Turn>(key(sessionId), 0, -1);
  }

  /**
   * Appends turns; folds the oldest half into a SQL summary first when they would be trimmed. With
   * `once`, turns that already end the session (a retried write) are not appended again.
   * @example await memory.append('session-1', 'support', [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }])
   */
  async append(
    sessionId: string,
    agent: string,
    turns: readonly Turn[],
    options: { once?: boolean } = {},
  ): Promise<void> {
    const existing = await this.recent(sessionId);
    if (options.once && endsWith(existing, turns)) return;
    if (existing.length + turns.length > this.#maxTurns) {
      const foldCount = Math.max(existing.length + turns.length - this.#maxTurns, Math.floor(this.#maxTurns / 2));
      const folded = existing.slice(0, foldCount);
      if (folded.length > 0) {
        const summary = folded.map((t) => `${t.role}: ${t.content.replace(/\s+/g, ' ').slice(0, 200)}`).join('\n');
        await saveSessionSummary(this.#sql, { sessionId, agent, summary, turnCount: folded.length });
        // Rewrite the list without the folded turns so they are not summarized twice.
        await this.#kv.del(key(sessionId));
        const remaining = existing.slice(foldCount);
        if (remaining.length > 0)
          await this.#kv.listPush(key(sessionId), remaining, { maxLength: this.#maxTurns, ttlMs: this.#ttlMs });
      }
    }
    await this.#kv.listPush(key(sessionId), turns, { maxLength: this.#maxTurns, ttlMs: this.#ttlMs });
  }

  /** @example await memory.clear('session-1') */
  async clear(sessionId: string): Promise<void> {
    await this.#kv.del(key(sessionId));
  }
}

function endsWith(existing: readonly Turn[], turns: readonly Turn[]): boolean {
  if (turns.length === 0 || existing.length < turns.length) return false;
  const tail = existing.slice(existing.length - turns.length);
  return tail.every((t, i) => t.role === turns[i]!.role && t.content === turns[i]!.content);
}

function key(sessionId: string): string {
  return `agent:mem:${sessionId}`;
}
