import type { SqlStore } from '../../shared/core/index.ts';
import { PRODUCTS, sampleSales } from '../_lib/seed/sales.ts';

/**
 * `hearth seed`: loads the sample sales data set (functions/_lib/seed/sales.ts). Idempotent.
 * @example await seed(sql) // "sales data: 6 products, 288 rows"
 */
export default async function seed(sql: SqlStore): Promise<string> {
  const rows = sampleSales();
  await sql.transaction(async (tx) => {
    for (const p of PRODUCTS) {
      await tx.query(
        `INSERT INTO sample_products (id, name, category, price) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, category = excluded.category, price = excluded.price`,
        [p.id, p.name, p.category, p.price],
      );
    }
    // One statement per 48 rows keeps round trips low without building a huge query.
    for (let i = 0; i < rows.length; i += 48) {
      const chunk = rows.slice(i, i + 48);
      const values = chunk.map(
        (_, j) => `($${j * 5 + 1}::date, $${j * 5 + 2}, $${j * 5 + 3}, $${j * 5 + 4}::int, $${j * 5 + 5}::numeric)`,
      );
      await tx.query(
        `INSERT INTO sample_sales (month, region, product_id, units, revenue) VALUES ${values.join(', ')}
         ON CONFLICT (month, region, product_id) DO UPDATE SET units = excluded.units, revenue = excluded.revenue`,
        chunk.flatMap((r) => [r.month, r.region, r.productId, r.units, r.revenue]),
      );
    }
  });
  return `sales data: ${PRODUCTS.length} products, ${rows.length} rows`;
}
