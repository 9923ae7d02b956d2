import { z } from 'zod';
import { kafkaTransportFromEnv, type KafkaTransport } from '../../shared/adapters/kafka/index.ts';
import { readEnv } from '../../shared/core/config.ts';
import { cron, defineFunction, type Logger } from '../../shared/core/index.ts';
import { raiseAlert } from '../_ops/alerts.ts';
import { evaluateHealth, type AgentHealth } from './rules.ts';

const config = readEnv(
  z.object({
    HEARTH_HEALTH_SCHEDULE: z.string().min(1).default('* * * * *'),
    HEARTH_HEALTH_MAX_HEARTBEAT_AGE_MS: z.coerce.number().int().min(1).default(300_000),
    HEARTH_HEALTH_MAX_LAG: z.coerce.number().int().min(0).default(1_000),
    HEARTH_HEALTH_MAX_CRON_SILENCE_MS: z.coerce
      .number()
      .int()
      .min(1)
      .default(26 * 3_600_000),
    /** An alert for the same rule and agent is raised at most once per window. */
    HEARTH_HEALTH_ALERT_WINDOW_MS: z.coerce.number().int().min(1_000).default(900_000),
  }),
  process.env,
);
const rules = {
  maxHeartbeatAgeMs: config.HEARTH_HEALTH_MAX_HEARTBEAT_AGE_MS,
  maxLag: config.HEARTH_HEALTH_MAX_LAG,
  maxCronSilenceMs: config.HEARTH_HEALTH_MAX_CRON_SILENCE_MS,
};

// Handlers get SQL, KV and emit only; consumer lag needs a Kafka admin, created on first use.
let transport: KafkaTransport | undefined;

async function lagOf(groups: Map<string, string[]>, log: Logger): Promise<Map<string, number | null>> {
  const lags = new Map<string, number | null>();
  if (groups.size === 0) return lags;
  try {
    transport ??= kafkaTransportFromEnv(process.env, { log });
    const admin = await transport.admin();
    try {
      for (const [agent, topics] of groups) {
        const partitions = await admin.groupLag(`hearth.${agent}`, topics);
        lags.set(
          agent,
          partitions.reduce((n, p) => n + p.lag, 0),
        );
      }
    } finally {
      await admin.disconnect();
    }
  } catch (error) {
    // Without Kafka the heartbeat rule still runs; unknown lag counts as work waiting.
    log.warn('consumer lag unavailable', { error });
  }
  return lags;
}

/**
 * Health monitor: every tick, reads the agents' heartbeats (functions/_ops/heartbeat.ts) and their
 * consumer groups' lag, applies the alert rules (HEARTH_HEALTH_MAX_HEARTBEAT_AGE_MS, HEARTH_HEALTH_MAX_LAG)
 * and raises each alert at most once per HEARTH_HEALTH_ALERT_WINDOW_MS on the alerts topic.
 */
export default defineFunction({
  name: 'health-monitor',
  trigger: cron({ schedule: config.HEARTH_HEALTH_SCHEDULE, catchUp: 'latest' }),
  handler: async ({ scheduledAt }, ctx) => {
    const { rows } = await ctx.sql.query<{ agent: string; topic: string; kind: string; last_seen: Date }>(
      'SELECT agent, topic, kind, last_seen FROM hearth_agent_heartbeats ORDER BY agent, topic',
    );
    const agents = new Map<string, { kind: string; lastSeen: Date; topics: string[] }>();
    for (const r of rows) {
      const a = agents.get(r.agent) ?? { kind: r.kind, lastSeen: r.last_seen, topics: [] };
      if (r.last_seen > a.lastSeen) a.lastSeen = r.last_seen;
      if (r.topic) a.topics.push(r.topic);
      agents.set(r.agent, a);
    }
    const groups = new Map([...agents].filter(([, a]) => a.topics.length > 0).map(([name, a]) => [name, a.topics]));
    const lags = await lagOf(groups, ctx.log);
    let raised = 0;
    for (const [name, a] of agents) {
      const health: AgentHealth = {
        agent: name,
        kind: a.kind,
        lastSeen: a.lastSeen,
        lag: a.topics.length > 0 ? (lags.get(name) ?? null) : 0,
      };
      for (const alert of evaluateHealth(health, rules, scheduledAt)) {
        if (await raiseAlert(ctx, alert, config.HEARTH_HEALTH_ALERT_WINDOW_MS, scheduledAt)) raised += 1;
      }
    }
    if (raised > 0) ctx.log.warn('health alerts raised', { raised });
    return { agents: agents.size, raised };
  },
});
