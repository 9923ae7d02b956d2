export { planCatchUp } from './catch-up.ts';
export type { CatchUpPlan } from './catch-up.ts';
export { runClaimedTick } from './run-tick.ts';
export type { ClaimedTick } from './run-tick.ts';
export { CronScheduler } from './scheduler.ts';
export type { CronSchedulerOptions, CronTickInfo } from './types.ts';
export { TickStore } from './tick-store.ts';
