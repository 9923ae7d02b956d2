/**
 * Milliseconds as an ISO-8601 duration, the format Knative's `delivery.backoffDelay` takes.
 * @example isoDuration(200) // "PT0.2S"; isoDuration(90_000) // "PT1M30S"
 */
export function isoDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new TypeError(`isoDuration(): ${ms} is not a non-negative number of milliseconds`);
  const totalMs = Math.round(ms);
  const hours = Math.floor(totalMs / 3_600_000);
  const minutes = Math.floor((totalMs % 3_600_000) / 60_000);
  const seconds = (totalMs % 60_000) / 1000;
  let out = 'PT';
  if (hours > 0) out += `${hours}H`;
  if (minutes > 0) out += `${minutes}M`;
  if (seconds > 0 || out === 'PT') out += `${seconds}S`;
  return out;
}
