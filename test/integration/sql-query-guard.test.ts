import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlQueryTool } from '../../shared/agent/tools/builtin/sql-query.ts';
import type { ToolContext } from '../../shared/agent/tools/types.ts';
import type { PgSqlStore } from '../../shared/adapters/sql/index.ts';
import { agentHarness, type AgentHarness } from './agent-harness.ts';
import { testSqlStore } from '../support/pg.ts';

/**
 * The sql_query tool against the bypasses a review found in its old pattern guard: each is refused by
 * the database (a role granted SELECT on the allowed view only) or bounded (statement timeout, row and
 * byte caps, cancellation), and nothing it sets survives on the pooled connection.
 */
let h: AgentHarness;
let single: { store: PgSqlStore; cleanup: () => Promise<void> };

async function seed(sql: PgSqlStore): Promise<void> {
  await sql.query('CREATE TABLE agents_tasks (request TEXT, answer TEXT)');
  await sql.query("INSERT INTO agents_tasks VALUES ('secret request', 'secret answer')");
  await sql.query('CREATE TABLE sales_t (region TEXT, product TEXT, revenue INT)');
  await sql.query("INSERT INTO sales_t SELECT 'r' || (i % 4), 'p' || i, i * 10 FROM generate_series(1, 20) AS s(i)");
  await sql.query('CREATE VIEW sales_v AS SELECT region, product, revenue FROM sales_t');
}

const tool = (options: { statementTimeoutMs?: number; maxBytes?: number } = {}) =>
  sqlQueryTool({
    allowedViews: ['sales_v'],
    role: 'hearth_test_reader',
    maxRows: 5,
    statementTimeoutMs: 1_500,
    ...options,
  });

async function query(
  statement: string,
  options: { sql?: PgSqlStore; signal?: AbortSignal; statementTimeoutMs?: number; maxBytes?: number } = {},
) {
  const ctx: ToolContext = {
    agent: 'analyst',
    taskId: 't',
    sessionId: 's',
    step: 1,
    idempotencyKey: undefined,
    signal: options.signal ?? new AbortController().signal,
    sql: options.sql ?? h.sql,
    kv: h.kv,
  };
  return (await tool(options).execute({ sql: statement }, ctx)) as {
    rows: Record<string, unknown>[];
    truncated: boolean;
  };
}

beforeAll(async () => {
  h = await agentHarness('sql_guard');
  await seed(h.sql);
  single = await testSqlStore('sql_guard_one', { pool: { max: 1 } });
  await seed(single.store);
});
afterAll(async () => {
  await single?.cleanup();
  await h?.close();
});

describe('sql_query, enforced by the database', () => {
  it('answers a SELECT over the allowed view, capped at maxRows', async () => {
    const result = await query('SELECT region, revenue FROM sales_v ORDER BY revenue');
    expect(result.rows).toEqual([10, 20, 30, 40, 50].map((revenue, i) => ({ region: `r${(i + 1) % 4}`, revenue })));
    expect(result.truncated).toBe(true);
  });

  it.each([
    ['a comma join', 'SELECT t.request, t.answer FROM sales_v, agents_tasks t'],
    ['JOIN(...)', 'SELECT * FROM sales_v JOIN(agents_tasks CROSS JOIN sales_v s) ON true'],
    ['UNION ALL TABLE', 'SELECT region, product FROM sales_v UNION ALL TABLE agents_tasks'],
    ['query_to_xml', "SELECT query_to_xml('select * from '||'agents_tasks', true, true, '') FROM sales_v"],
  ])('refuses reading a table through %s', async (_name, statement) => {
    await expect(query(statement)).rejects.toThrow(/permission denied for table agents_tasks/);
  });

  it('refuses a system function spelled with a Unicode escape', async () => {
    await expect(query(`SELECT U&"\\0070g_read_file"('/etc/passwd') FROM sales_v`)).rejects.toThrow(
      /permission denied for function pg_read_file/,
    );
  });

  it('bounds pg_sleep and generate_series by the statement timeout', async () => {
    for (const statement of [
      `SELECT U&"\\0070g_sleep"(1e6) FROM sales_v`,
      'SELECT g FROM sales_v, generate_series(1, 1e11) AS g',
    ]) {
      const started = Date.now();
      await expect(query(statement)).rejects.toThrow(/canceling statement due to statement timeout/);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  });

  it('bounds the bytes of an answer: a 20 MB value never leaves the database', async () => {
    const result = await query("SELECT repeat('x', 20000000) AS big FROM sales_v LIMIT 2", {
      statementTimeoutMs: 20_000,
      maxBytes: 4_096,
    });
    expect(result).toEqual({ rows: [], truncated: true });
    const some = await query('SELECT product FROM sales_v ORDER BY revenue', { maxBytes: 60 });
    expect(JSON.stringify(some.rows).length).toBeLessThanOrEqual(60);
    expect(some.rows.length).toBeGreaterThan(0);
    expect(some.truncated).toBe(true);
  });

  it('cancels the running statement when the tool is aborted', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('tool timed out')), 300);
    const started = Date.now();
    await expect(
      query(`SELECT U&"\\0070g_sleep"(30) FROM sales_v`, { signal: abort.signal, statementTimeoutMs: 60_000 }),
    ).rejects.toThrow(/canceling statement due to user request/);
    expect(Date.now() - started).toBeLessThan(5_000);
    const { rows } = await h.sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%0070g_sleep\"(30)%' AND state = 'active' AND pid <> pg_backend_pid()",
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('leaves nothing on the pooled connection: set_config(..., false) is rolled back', async () => {
    const before = await single.store.query<{ statement_timeout: string }>('SHOW statement_timeout');
    const result = await query("SELECT set_config('statement_timeout', '0', false) AS s FROM sales_v", {
      sql: single.store,
    });
    expect(result.rows[0]).toEqual({ s: '0' });
    const after = await single.store.query<{ statement_timeout: string; role: string }>(
      'SELECT current_setting($1) AS statement_timeout, current_user AS role',
      ['statement_timeout'],
    );
    expect(after.rows[0]?.statement_timeout).toBe(before.rows[0]?.statement_timeout);
    expect(after.rows[0]?.role).not.toBe('hearth_test_reader');
  });

  it('cannot write, even through a function', async () => {
    await expect(query("SELECT set_config('x.y', 'z', false), nextval('s') FROM sales_v")).rejects.toThrow(
      /permission denied|does not exist|read-only/,
    );
  });
});
