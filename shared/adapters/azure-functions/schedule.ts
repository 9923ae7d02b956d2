import { CronParseError, toNcrontab, type AnyFunction } from '../../core/index.ts';

/**
 * The NCRONTAB schedule of a cron function's timer trigger. Fails naming the function when the
 * schedule cannot be expressed (both day fields restricted) or when the function runs in another time
 * zone than the Functions host evaluates timers in (WEBSITE_TIME_ZONE).
 * @example timerSchedule(fn, 'UTC') // "0 0 3 * * *" for cron({ schedule: '0 3 * * *' })
 */
export function timerSchedule(fn: AnyFunction, hostTimeZone: string): string {
  if (fn.trigger.kind !== 'cron') throw new TypeError(`function "${fn.name}" has no cron trigger`);
  const wanted = canonicalZone(fn.trigger.timezone);
  const host = canonicalZone(hostTimeZone);
  if (wanted !== host) {
    throw new TypeError(
      `function "${fn.name}": its schedule runs in time zone "${fn.trigger.timezone}" but the Functions host evaluates timers in "${hostTimeZone}"; set the app setting WEBSITE_TIME_ZONE to "${fn.trigger.timezone}" (and pass it as timeZone), or deploy this function to another platform`,
    );
  }
  try {
    return toNcrontab(fn.trigger.schedule);
  } catch (error) {
    if (error instanceof CronParseError) {
      throw new TypeError(`function "${fn.name}": cannot run as an Azure Functions timer: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** UTC aliases (Etc/UTC, Etc/GMT, GMT, ...) compare equal; other zones by their IANA name. */
function canonicalZone(zone: string): string {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new TypeError(
      `time zone "${zone}" is not an IANA name (WEBSITE_TIME_ZONE on Linux takes IANA names, e.g. "Europe/Paris")`,
    );
  }
  return /^(Etc\/)?(UTC|GMT|UCT|Universal|Zulu|Greenwich)([+-]0)?$/i.test(resolved) ? 'UTC' : resolved;
}
