import { describe, expect, it } from 'vitest';
import { evaluateHealth } from './rules.ts';

const rules = { maxHeartbeatAgeMs: 60_000, maxLag: 100, maxCronSilenceMs: 3_600_000 };
const now = new Date('2025-01-01T12:00:00Z');
const ago = (ms: number): Date => new Date(now.getTime() - ms);

describe('evaluateHealth', () => {
  it('an idle Kafka agent with an old heartbeat is not stopped', () => {
    expect(evaluateHealth({ agent: 'a', kind: 'kafka', lastSeen: ago(600_000), lag: 0 }, rules, now)).toEqual([]);
  });
  it('a silent Kafka agent with work waiting is stopped', () => {
    expect(evaluateHealth({ agent: 'a', kind: 'kafka', lastSeen: ago(600_000), lag: 3 }, rules, now)).toEqual([
      expect.objectContaining({ rule: 'agent-stopped', subject: 'a', severity: 'critical' }),
    ]);
  });
  it('high lag alerts even while the agent beats', () => {
    expect(evaluateHealth({ agent: 'a', kind: 'kafka', lastSeen: ago(1_000), lag: 101 }, rules, now)).toEqual([
      expect.objectContaining({ rule: 'consumer-lag', detail: { lag: 101, maxLag: 100 } }),
    ]);
  });
  it('a cron agent is stopped only after the cron silence bound', () => {
    expect(evaluateHealth({ agent: 'c', kind: 'cron', lastSeen: ago(600_000), lag: 0 }, rules, now)).toEqual([]);
    expect(evaluateHealth({ agent: 'c', kind: 'cron', lastSeen: ago(7_200_000), lag: 0 }, rules, now)).toHaveLength(1);
  });
});
