import { hostname } from 'node:os';
import type { HandlerContext } from '../../shared/core/index.ts';

/** Minimum time between two heartbeat writes of one agent (per topic) from one process. */
const intervalMs = Number(process.env['HEARTH_HEARTBEAT_INTERVAL_MS'] ?? 5_000);
const replica = process.env['HEARTH_REPLICA_ID'] ?? `${hostname()}-${process.pid}`;
const lastWritten = new Map<string, number>();

/**
 * Records that `agent` is alive and working (at most once per HEARTH_HEARTBEAT_INTERVAL_MS per process
 * and topic), for the health monitor. Written through `ctx.database`, outside the event transaction: a
 * heartbeat is a fact about the process, not an effect of the event, and must not turn hot events into
 * transaction conflicts. Call it first in a handler; it never throws.
 * @example handler: async (event, ctx) => { await heartbeat('supervisor', ctx); ... }
 */
export async function heartbeat(agent: string, ctx: Pick<HandlerContext, 'meta' | 'database' | 'log'>): Promise<void> {
  const source = ctx.meta.source;
  const topic = source.kind === 'kafka' ? source.topic : '';
  const throttleKey = `${agent}\u0000${topic}`;
  const now = Date.now();
  if (now - (lastWritten.get(throttleKey) ?? 0) < intervalMs) return;
  lastWritten.set(throttleKey, now);
  try {
    await ctx.database.query(
      `INSERT INTO hearth_agent_heartbeats (agent, topic, kind, replica, last_seen)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (agent, topic) DO UPDATE SET kind = excluded.kind, replica = excluded.replica, last_seen = excluded.last_seen`,
      [agent, topic, source.kind, replica],
    );
  } catch (error) {
    // A missed heartbeat must never fail the event; the monitor sees the next one.
    lastWritten.delete(throttleKey);
    ctx.log.warn('heartbeat write failed', { agent, error });
  }
}
