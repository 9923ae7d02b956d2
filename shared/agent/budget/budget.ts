import type { KvStore, SqlStore } from '../../core/ports.ts';
import { READ, REBUILD, RELEASE, RESERVE, SETTLE } from './kv-scripts.ts';
import type { BudgetAmounts, BudgetOwner, BudgetScope } from './scopes.ts';
import { UsageLedger, type UsageEntry } from './usage.ts';

export interface BudgetOptions {
  /** How long a reservation holds when its call never settles (a crash). Default 10 minutes. */
  reservationTtlMs?: number;
  /** How long a KV counter lives before it is rebuilt from the SQL ledger. Default 10 minutes. */
  counterTtlMs?: number;
  now?: () => number;
}

/** A scope that had no room for a reservation, with its figures. */
export interface BudgetShortfall {
  scope: BudgetScope;
  /** Settled spending in the scope. */
  used: number;
  /** Held by other calls in flight. */
  reserved: number;
  /** What is left for this call: cap - used - reserved (may be negative). */
  left: number;
}

type ReserveReply = ['ok'] | ['missing', number] | ['refused', number, number, number];

/**
 * Caps that hold under concurrency. Before a model call, `reserve` holds its estimated spending against
 * every scope at once, in one atomic KV script that sees every other call's reservation; `settle` turns
 * the reservation into the actual usage (a ledger row) and `release` drops it when the call failed. The
 * SQL ledger, with the reservation rows written before the KV step, is the truth: a lost or expired KV
 * counter is rebuilt from it. So concurrent calls exceed a cap by at most what actual usage exceeds its
 * estimate, never by the number of calls.
 */
export class Budget {
  readonly #sql: SqlStore;
  readonly #kv: KvStore;
  readonly #ledger: UsageLedger;
  readonly #reservationTtlMs: number;
  readonly #counterTtlMs: number;
  readonly #now: () => number;

  constructor(sql: SqlStore, kv: KvStore, options: BudgetOptions = {}) {
    this.#sql = sql;
    this.#kv = kv;
    this.#ledger = new UsageLedger(sql);
    this.#reservationTtlMs = options.reservationTtlMs ?? 600_000;
    this.#counterTtlMs = options.counterTtlMs ?? 600_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Reserves `amounts` under every scope, or reports the first scope without room (nothing reserved).
   * Reserving again under the same id (a resumed call) replaces the earlier reservation.
   * @example const short = await budget.reserve('task-1:2', owner, scopes, { tokens: 1100, microUsd: 0 })
   */
  async reserve(
    id: string,
    owner: BudgetOwner,
    scopes: readonly BudgetScope[],
    amounts: BudgetAmounts,
  ): Promise<BudgetShortfall | null> {
    const now = this.#now();
    const expiresAt = now + this.#reservationTtlMs;
    // SQL first: a KV rebuild that runs while this call is in flight must find its reservation.
    await this.#sql.query(
      `INSERT INTO agent_budget_reservations (id, agent, session_id, usage_day, budget_group, tokens, micro_usd, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET tokens = excluded.tokens, micro_usd = excluded.micro_usd, expires_at = excluded.expires_at`,
      [
        id,
        owner.agent,
        owner.sessionId,
        owner.day,
        owner.group?.id ?? null,
        amounts.tokens,
        amounts.microUsd,
        new Date(expiresAt),
      ],
    );
    const keys = scopes.flatMap((s) => [s.key, `${s.key}:r`]);
    const args = [now, id, expiresAt, this.#reservationTtlMs, scopes.length];
    for (const s of scopes) args.push(s.cap, amounts[s.unit]);
    // Each missing counter is rebuilt once; a counter lost again meanwhile is rebuilt on the next pass.
    for (let pass = 0; pass <= 2 * scopes.length; pass += 1) {
      const reply = await this.#kv.runScript<ReserveReply>(RESERVE, keys, args);
      if (reply[0] === 'ok') return null;
      const scope = scopes[Number(reply[1]) - 1]!;
      if (reply[0] === 'missing') {
        await this.#rebuild(scope);
        continue;
      }
      await this.#sql.query('DELETE FROM agent_budget_reservations WHERE id = $1', [id]);
      const used = Number(reply[2]);
      const reserved = Number(reply[3]);
      return { scope, used, reserved, left: scope.cap - used - reserved };
    }
    throw new Error(`Budget.reserve: the KV counters of reservation "${id}" kept disappearing`);
  }

  /**
   * Records a call's actual usage in the ledger (once per task and step) and counts it in place of its
   * reservation. Safe to repeat: a replay records and counts nothing more.
   * @example await budget.settle('task-1:2', scopes, entry)
   */
  async settle(id: string, scopes: readonly BudgetScope[], entry: UsageEntry): Promise<void> {
    const inserted = await this.#sql.transaction(async (tx) => {
      await tx.query('DELETE FROM agent_budget_reservations WHERE id = $1', [id]);
      return this.#ledger.record(entry, tx);
    });
    const actual: BudgetAmounts = { tokens: entry.totalTokens, microUsd: Math.round(entry.costUsd * 1_000_000) };
    await this.#kv.runScript(
      SETTLE,
      scopes.flatMap((s) => [s.key, `${s.key}:r`]),
      [id, scopes.length, inserted ? 1 : 0, ...scopes.map((s) => actual[s.unit])],
    );
  }

  /**
   * Drops a reservation whose call failed or will not happen.
   * @example await budget.release('task-1:2', scopes)
   */
  async release(id: string, scopes: readonly BudgetScope[]): Promise<void> {
    await this.#sql.query('DELETE FROM agent_budget_reservations WHERE id = $1', [id]);
    await this.#kv.runScript(
      RELEASE,
      scopes.map((s) => `${s.key}:r`),
      [id],
    );
  }

  /**
   * A scope's settled spending and what calls in flight hold, from KV (rebuilt from SQL when missing).
   * @example const { used, reserved } = await budget.read(scope)
   */
  async read(scope: BudgetScope): Promise<{ used: number; reserved: number }> {
    const [used, reserved] = await this.#kv.runScript<[number, number]>(
      READ,
      [scope.key, `${scope.key}:r`],
      [this.#now()],
    );
    if (Number(used) >= 0) return { used: Number(used), reserved: Number(reserved) };
    await this.#rebuild(scope);
    return this.read(scope);
  }

  /** Re-creates a scope's KV counter and reservations from one consistent read of SQL. */
  async #rebuild(scope: BudgetScope): Promise<void> {
    const now = this.#now();
    await this.#sql.query('DELETE FROM agent_budget_reservations WHERE expires_at < $1', [new Date(now)]);
    const spent = scope.unit === 'tokens' ? 'total_tokens' : 'ROUND(cost_usd * 1000000)';
    const held = scope.unit === 'tokens' ? 'tokens' : 'micro_usd';
    const at = `$${scope.where.params.length + 1}`;
    // One statement, so one snapshot: a call settling meanwhile is seen either as its reservation or as
    // its ledger row, never as neither.
    const { rows } = await this.#sql.query<{ id: string | null; amount: string | number; expires_at: Date | null }>(
      `SELECT NULL AS id, CAST(COALESCE(SUM(${spent}), 0) AS BIGINT) AS amount, CAST(NULL AS TIMESTAMPTZ) AS expires_at
         FROM agent_token_ledger WHERE ${scope.where.text}
       UNION ALL
       SELECT id, CAST(${held} AS BIGINT) AS amount, expires_at
         FROM agent_budget_reservations WHERE ${scope.where.text} AND expires_at > ${at}`,
      [...scope.where.params, new Date(now)],
    );
    const used = rows.find((r) => r.id === null)?.amount ?? 0;
    const inFlight = rows
      .filter((r) => r.id !== null)
      .flatMap((r) => [r.id!, `${Number(r.amount)}:${new Date(r.expires_at!).getTime()}`]);
    await this.#kv.runScript(
      REBUILD,
      [scope.key, `${scope.key}:r`],
      [Number(used), this.#counterTtlMs, this.#reservationTtlMs, ...inFlight],
    );
  }
}
