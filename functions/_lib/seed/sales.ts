/**
 * The sample sales data set: 6 products sold in 4 regions over the 12 months of 2024. Numbers come from a
 * fixed formula (no randomness), so every seeded database holds the same data.
 */

export const PRODUCTS = [
  { id: 'p-laptop', name: 'Laptop Pro 14', category: 'hardware', price: 1_299 },
  { id: 'p-monitor', name: 'Monitor 27', category: 'hardware', price: 349 },
  { id: 'p-dock', name: 'USB-C Dock', category: 'accessories', price: 189 },
  { id: 'p-headset', name: 'Headset NC', category: 'accessories', price: 159 },
  { id: 'p-office', name: 'Office Suite', category: 'software', price: 99 },
  { id: 'p-backup', name: 'Cloud Backup', category: 'software', price: 59 },
] as const;

export const REGIONS = ['North', 'South', 'East', 'West'] as const;

export interface SaleRow {
  month: string;
  region: string;
  productId: string;
  units: number;
  revenue: number;
}

/**
 * Every (month, region, product) row of the data set.
 * @example sampleSales().length // 288
 */
export function sampleSales(): SaleRow[] {
  const rows: SaleRow[] = [];
  for (let m = 1; m <= 12; m += 1) {
    for (const [r, region] of REGIONS.entries()) {
      for (const [p, product] of PRODUCTS.entries()) {
        // A seasonal bump in March and November, a per-region scale, and a per-product base volume.
        const season = m === 3 || m === 11 ? 1.4 : 1;
        const units = Math.round((20 + ((m * 7 + r * 11 + p * 5) % 17)) * (1 + r * 0.15) * season * (p < 2 ? 1 : 2));
        rows.push({
          month: `2024-${String(m).padStart(2, '0')}-01`,
          region,
          productId: product.id,
          units,
          revenue: units * product.price,
        });
      }
    }
  }
  return rows;
}
