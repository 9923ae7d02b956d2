import type { HandlerContext } from '../../shared/core/index.ts';

/** The topic every ops alert is published to. */
export const ALERTS_TOPIC = process.env['HEARTH_ALERTS_TOPIC'] ?? 'hearth.alerts';

/** One alert: which rule fired for which subject, with the facts that made it fire. */
export interface Alert {
  rule: string;
  subject: string;
  severity: 'warning' | 'critical' | 'info';
  detail: Record<string, unknown>;
}

/**
 * Raises an alert at most once per `windowMs` per (rule, subject): the alert row and the emitted event
 * commit in the handler's transaction, so a re-run of the same tick neither doubles nor loses it.
 * Returns true when this call raised it (false: already raised in this window).
 * @example await raiseAlert(ctx, { rule: 'heartbeat-stale', subject: 'supervisor', severity: 'critical', detail }, 900_000, at)
 */
export async function raiseAlert(
  ctx: Pick<HandlerContext, 'sql' | 'emit'>,
  alert: Alert,
  windowMs: number,
  at: Date,
): Promise<boolean> {
  const windowStart = new Date(Math.floor(at.getTime() / windowMs) * windowMs);
  const key = `${alert.rule}:${alert.subject}`;
  const inserted = await ctx.sql.query(
    `INSERT INTO hearth_alerts (alert_key, window_start, rule, subject, severity, detail)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (alert_key, window_start) DO NOTHING
     RETURNING alert_key`,
    [key, windowStart, alert.rule, alert.subject, alert.severity, JSON.stringify(alert.detail)],
  );
  if (inserted.rowCount === 0) return false;
  ctx.emit(
    ALERTS_TOPIC,
    { ...alert, key, windowStart: windowStart.toISOString(), raisedAt: at.toISOString() },
    { key },
  );
  return true;
}
