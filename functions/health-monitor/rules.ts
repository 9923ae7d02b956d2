/** The health monitor's alert rules. */
export interface HealthRules {
  /** An agent silent for longer than this while work waits for it (or a cron agent silent) is stopped. */
  maxHeartbeatAgeMs: number;
  /** More records than this waiting for one agent raises a lag alert. */
  maxLag: number;
  /** Cron agents run rarely (a daily report): they count as stopped only after this much silence. */
  maxCronSilenceMs: number;
}

/** What the monitor knows about one agent at a tick. */
export interface AgentHealth {
  agent: string;
  kind: string;
  lastSeen: Date;
  /** Records waiting across the agent's topics; null when Kafka could not say. */
  lag: number | null;
}

/** An alert a rule produced. */
export interface HealthAlert {
  rule: 'agent-stopped' | 'consumer-lag';
  subject: string;
  severity: 'critical' | 'warning';
  detail: Record<string, unknown>;
}

/**
 * Applies the rules to one agent. A Kafka agent that is idle (nothing waiting) is not stopped however
 * old its heartbeat; one that is silent while records wait is. A cron agent is stopped after maxCronSilenceMs.
 * @example evaluateHealth({ agent: 'supervisor', kind: 'kafka', lastSeen, lag: 12 }, rules, now)
 */
export function evaluateHealth(agent: AgentHealth, rules: HealthRules, now: Date): HealthAlert[] {
  const alerts: HealthAlert[] = [];
  const ageMs = now.getTime() - agent.lastSeen.getTime();
  const stopped =
    agent.kind === 'kafka'
      ? ageMs > rules.maxHeartbeatAgeMs && (agent.lag === null || agent.lag > 0)
      : ageMs > Math.max(rules.maxHeartbeatAgeMs, rules.maxCronSilenceMs);
  if (stopped) {
    alerts.push({
      rule: 'agent-stopped',
      subject: agent.agent,
      severity: 'critical',
      detail: {
        lastSeen: agent.lastSeen.toISOString(),
        heartbeatAgeMs: ageMs,
        lag: agent.lag,
        maxHeartbeatAgeMs: rules.maxHeartbeatAgeMs,
      },
    });
  }
  if (agent.lag !== null && agent.lag > rules.maxLag) {
    alerts.push({
      rule: 'consumer-lag',
      subject: agent.agent,
      severity: 'warning',
      detail: { lag: agent.lag, maxLag: rules.maxLag },
    });
  }
  return alerts;
}
