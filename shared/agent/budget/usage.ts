import type { KvStore, SqlStore } from '../../core/ports.ts';

/** One model call's token usage, as recorded in the ledger. */
export interface UsageEntry {
  agent: string;
  sessionId: string;
  taskId: string;
  step: number;
  model: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
}

/** Current totals that caps are checked against. */
export interface UsageTotals {
  session: number;
  agentDay: number;
}

const DAY_MS = 86_400_000;
/** Session counters live a week in KV; after that the SQL ledger answers (and re-warms KV). */
const SESSION_TTL_MS = 7 * DAY_MS;

/**
 * Token accounting per agent per UTC day, per session and per task. SQL (`agent_token_ledger`) is the
 * source of truth; KV counters are the fast path, rebuilt from SQL whenever a key is missing (KV lost,
 * expired, or a new replica), so losing Redis loses no accounting.
 */
export class UsageLedger {
  readonly #sql: SqlStore;
  readonly #kv: KvStore;
  readonly #now: () => Date;

  constructor(sql: SqlStore, kv: KvStore, now: () => Date = () => new Date()) {
    this.#sql = sql;
    this.#kv = kv;
    this.#now = now;
  }

  /**
   * Current session and agent-day totals (KV, rebuilt from SQL when missing).
   * @example const { session, agentDay } = await ledger.totals('support', 'session-1')
   */
  async totals(agent: string, sessionId: string): Promise<UsageTotals> {
    const day = this.#day();
    const [session, agentDay] = await Promise.all([
      this.#read(sessionKey(sessionId), SESSION_TTL_MS, () => this.#sumSession(sessionId)),
      this.#read(agentDayKey(agent, day), 2 * DAY_MS, () => this.#sumAgentDay(agent, day)),
    ]);
    return { session, agentDay };
  }

  /**
   * Writes the ledger row of a task's step (once: a replayed step finds its row and records nothing),
   * then bumps (or rebuilds) the KV counters.
   * @example await ledger.record({ agent, sessionId, taskId, step: 1, model: 'gpt-4o-mini', promptTokens: 100, completionTokens: 20, totalTokens: 120, costUsd: 0.0001 })
   */
  async record(entry: UsageEntry): Promise<void> {
    const day = this.#day();
    // Runs of one task never overlap (a durable execution holds a lease), so "if absent" is enough.
    const { rowCount } = await this.#sql.query(
      `INSERT INTO agent_token_ledger (agent, session_id, task_id, step, usage_day, model, prompt_tokens, completion_tokens, total_tokens, cost_usd)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
        WHERE NOT EXISTS (SELECT 1 FROM agent_token_ledger WHERE task_id = $3 AND step = $4)`,
      [
        entry.agent,
        entry.sessionId,
        entry.taskId,
        entry.step,
        day,
        entry.model,
        entry.promptTokens,
        entry.completionTokens,
        entry.totalTokens,
        entry.costUsd,
      ],
    );
    if (rowCount === 0) return;
    await Promise.all([
      this.#bump(sessionKey(entry.sessionId), entry.totalTokens, SESSION_TTL_MS, () =>
        this.#sumSession(entry.sessionId),
      ),
      this.#bump(agentDayKey(entry.agent, day), entry.totalTokens, 2 * DAY_MS, () =>
        this.#sumAgentDay(entry.agent, day),
      ),
    ]);
  }

  /**
   * Tokens a task has spent so far (from SQL; used after a resume).
   * @example await ledger.taskTotal('task-1')
   */
  async taskTotal(taskId: string): Promise<number> {
    const r = await this.#sql.query<{ total: string | number }>(
      'SELECT COALESCE(SUM(total_tokens), 0) AS total FROM agent_token_ledger WHERE task_id = $1',
      [taskId],
    );
    return Number(r.rows[0]?.total ?? 0);
  }

  /** The KV keys of an agent/session, e.g. for tests that simulate a lost Redis. */
  keys(agent: string, sessionId: string): string[] {
    return [sessionKey(sessionId), agentDayKey(agent, this.#day())];
  }

  async #read(key: string, ttlMs: number, rebuild: () => Promise<number>): Promise<number> {
    const cached = await this.#kv.get<number>(key);
    if (cached !== null) return Number(cached);
    const total = await rebuild();
    // ifNotExists: a concurrent record() that already re-created the key wins (it rebuilt from SQL too).
    await this.#kv.set(key, total, { ttlMs, ifNotExists: true });
    return total;
  }

  async #bump(key: string, by: number, ttlMs: number, rebuild: () => Promise<number>): Promise<void> {
    // A missing key must be rebuilt from SQL (which already holds this entry), never started at `by`.
    const exists = (await this.#kv.get(key)) !== null;
    if (exists) await this.#kv.incrBy(key, by, { ttlMs });
    else await this.#kv.set(key, await rebuild(), { ttlMs });
  }

  async #sumSession(sessionId: string): Promise<number> {
    const r = await this.#sql.query<{ total: string | number }>(
      'SELECT COALESCE(SUM(total_tokens), 0) AS total FROM agent_token_ledger WHERE session_id = $1',
      [sessionId],
    );
    return Number(r.rows[0]?.total ?? 0);
  }

  async #sumAgentDay(agent: string, day: string): Promise<number> {
    const r = await this.#sql.query<{ total: string | number }>(
      'SELECT COALESCE(SUM(total_tokens), 0) AS total FROM agent_token_ledger WHERE agent = $1 AND usage_day = $2',
      [agent, day],
    );
    return Number(r.rows[0]?.total ?? 0);
  }

  #day(): string {
    return this.#now().toISOString().slice(0, 10);
  }
}

function sessionKey(sessionId: string): string {
  return `agent:usage:session:${sessionId}`;
}

function agentDayKey(agent: string, day: string): string {
  return `agent:usage:agent:${agent}:${day}`;
}
