import type { SqlTx } from '../../core/ports.ts';

/**
 * Runs a side-effecting tool at most once per idempotency key: a stored result is returned instead
 * of running again. Two concurrent first runs may both execute (the tool itself receives the key to
 * dedupe its own effect); only the first result is stored.
 * @example const out = await runOnceByKey(sql, 'task-1:2:0', 'notify', () => notify(args))
 */
export async function runOnceByKey(
  sql: SqlTx,
  key: string,
  tool: string,
  run: () => Promise<unknown>,
): Promise<{ value: unknown; replayed: boolean }> {
  const stored = await sql.query<{ result: unknown }>(
    'SELECT result FROM agent_tool_effects WHERE idempotency_key = $1',
    [key],
  );
  if (stored.rows[0]) return { value: unwrap(stored.rows[0].result), replayed: true };
  const value = await run();
  await sql.query(
    `INSERT INTO agent_tool_effects (idempotency_key, tool, result) VALUES ($1, $2, $3)
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [key, tool, JSON.stringify({ value: value ?? null })],
  );
  return { value, replayed: false };
}

function unwrap(result: unknown): unknown {
  // Stored wrapped so `undefined`/scalars round-trip through JSONB.
  return result && typeof result === 'object' && 'value' in result ? result.value : result;
}
