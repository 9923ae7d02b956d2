import { describe, expect, it } from 'vitest';
import { checkReadOnlySelect } from './sql-query.ts';

const views = ['orders_v', 'customers_v'];

describe('checkReadOnlySelect', () => {
  it('accepts a SELECT over allowed views, with joins', () => {
    expect(checkReadOnlySelect('SELECT id FROM orders_v', views)).toBeNull();
    expect(
      checkReadOnlySelect('select o.id from orders_v o join customers_v c on c.id = o.customer_id', views),
    ).toBeNull();
  });

  it.each([
    ['DELETE FROM orders_v', 'only a single SELECT'],
    ['SELECT 1; DROP TABLE x', 'semicolons'],
    ['SELECT * FROM orders_v -- hi', 'comments'],
    ['SELECT * FROM agent_checkpoints', 'relation "agent_checkpoints" is not allowed'],
    ["SELECT pg_read_file('/etc/passwd') FROM orders_v", 'system functions'],
    ['SELECT * INTO copy FROM orders_v', 'forbidden keyword'],
    ['SELECT 1', 'must select FROM'],
  ])('rejects %s', (statement, reason) => {
    expect(checkReadOnlySelect(statement, views)).toContain(reason);
  });
});
