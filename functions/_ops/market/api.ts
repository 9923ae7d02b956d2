/** What `hearth market` needs from the simulation, loaded lazily so the CLI does not import it otherwise. */
export { MARKET_TOPICS } from './messages.ts';
export { DEFAULT_MARKET_PARAMS } from './params.ts';
export type { MarketParams } from './params.ts';
export { marketReport } from './report.ts';
export type { MarketReport } from './report.ts';
export { seedMarket } from './seed.ts';
