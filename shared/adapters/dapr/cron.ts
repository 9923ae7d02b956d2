/**
 * Cron ticks from Dapr's `bindings.cron` input binding (components-contrib bindings/cron, robfig/cron v3
 * with an optional seconds field): the binding POSTs an empty body at each tick and carries no tick time,
 * only `readTimeUTC` (when it fired) in metadata.
 */
import { lastTickBetween, parseCron, toNcrontab } from '../../core/index.ts';
import type { AnyFunction, CronTrigger, Envelope } from '../../core/index.ts';

/** How far back the tick a POST stands for is searched; Dapr POSTs within milliseconds of the tick. */
const LOOKBACK_MS = 24 * 3_600_000;

/**
 * The envelope of one cron binding POST: the tick is the newest scheduled time <= now (the binding fires
 * at the tick and POSTs at once), so the ledger key `cron@<scheduledAt>` is the one the local scheduler
 * uses and a retried or duplicated POST for the same tick dedupes. Falls back to now truncated to the
 * second when no tick lies within a day (a hand-made POST).
 * @example cronTickEnvelope(fn, new Date('2025-01-01T03:00:00.020Z')).source // { kind: 'cron', scheduledAt: 03:00:00.000Z }
 */
export function cronTickEnvelope(fn: AnyFunction, now: Date): Envelope {
  if (fn.trigger.kind !== 'cron')
    throw new TypeError(`cronTickEnvelope(): function "${fn.name}" is not cron-triggered`);
  const trigger = fn.trigger as CronTrigger<unknown>;
  const tick = lastTickBetween(trigger.schedule, new Date(now.getTime() - LOOKBACK_MS), now, trigger.timezone);
  const scheduledAt = tick ?? new Date(Math.floor(now.getTime() / 1000) * 1000);
  return { body: null, key: null, headers: {}, source: { kind: 'cron', scheduledAt }, attempt: 1 };
}

/**
 * The `schedule` of a function's `bindings.cron` component: 6 fields (seconds first), evaluated in the
 * trigger's time zone through robfig/cron's `CRON_TZ=` prefix (the binding otherwise uses the sidecar's
 * local zone). Restricting both day fields keeps cron's "either matches" rule, which robfig shares.
 * @example daprCronSchedule(cron({ schedule: '*\/5 * * * *', timezone: 'Europe/Paris' })) // "CRON_TZ=Europe/Paris 0 *\/5 * * * *"
 */
export function daprCronSchedule(trigger: CronTrigger<unknown>): string {
  const parsed = parseCron(trigger.schedule);
  const fields = parsed.dayOr ? (parsed.fieldCount === 6 ? parsed.source : `0 ${parsed.source}`) : toNcrontab(parsed);
  return `CRON_TZ=${trigger.timezone} ${fields}`;
}
