export { dayMatches, nextWall } from './calendar.ts';
export { lastTickBetween, nextTick, ticksBetween } from './next.ts';
export type { CronInput } from './next.ts';
export { toNcrontab } from './ncrontab.ts';
export { CronParseError, parseCron } from './parse.ts';
export type { CronSchedule } from './parse.ts';
export { assertTimeZone, nextTransition, offsetAt, previousTransition } from './zone.ts';
export type { Transition } from './zone.ts';
