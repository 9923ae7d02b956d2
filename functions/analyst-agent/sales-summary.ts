import { z } from 'zod';
import { defineTool } from '../../shared/agent/index.ts';

const DIMENSIONS = ['region', 'product', 'category', 'month'] as const;

/**
 * `sales_summary`: totals of the sample sales data grouped by region, product, category or month (the
 * first one the question mentions; region by default), in a READ ONLY transaction. A fixed query shape,
 * so even the offline model gets real numbers; with a real model the agent may use sql_query instead.
 * @example registry.register(salesSummaryTool())
 */
export function salesSummaryTool() {
  return defineTool({
    name: 'sales_summary',
    description: 'Sales summary of the sample data: total revenue and units by region, product, category or month.',
    input: z.object({ question: z.string().min(1).max(4_000) }),
    async run({ question }, ctx) {
      const text = question.toLowerCase();
      const by =
        DIMENSIONS.map((d) => ({ d, at: text.search(new RegExp(`\\b${d}`)) }))
          .filter((x) => x.at >= 0)
          .sort((a, b) => a.at - b.at)[0]?.d ?? 'region';
      const key = by === 'month' ? "to_char(month, 'YYYY-MM')" : by;
      const rows = await ctx.sql.transaction(async (tx) => {
        await tx.query('SET TRANSACTION READ ONLY');
        const r = await tx.query<{ name: string; revenue: string; units: string }>(
          `SELECT ${key} AS name, SUM(revenue) AS revenue, SUM(units) AS units FROM sales_v
           GROUP BY 1 ORDER BY ${by === 'month' ? '1' : 'SUM(revenue) DESC, 1'}`,
        );
        return r.rows;
      });
      if (rows.length === 0) return 'The sample sales data is empty: run `hearth seed`.';
      const total = rows.reduce((sum, r) => sum + Number(r.revenue), 0);
      const money = (n: number): string => Math.round(n).toLocaleString('en-US');
      const revenue = rows.map((r) => `${r.name} ${money(Number(r.revenue))}`).join('; ');
      const units = rows.map((r) => `${r.name} ${Number(r.units)}`).join('; ');
      return `Total revenue by ${by}: ${revenue} (all: ${money(total)}).\nUnits by ${by}: ${units}.`;
    },
  });
}
