import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StuckTaskEvent } from '../../functions/stuck-task-sweeper/index.ts';
import type { UsageReport } from '../../functions/usage-report/report.ts';
import { migrate, PgSqlStore } from '../../shared/adapters/sql/index.ts';
import { agentMigrations } from '../../shared/agent/migrations.ts';
import { databaseUrlForSchema, startHostProcess, type HostProcess } from '../support/host-process.ts';
import {
  cleanupKafka,
  createTopics,
  produce,
  readAllRecords,
  testKafkaTransport,
  uniqueName,
  waitUntil,
} from '../support/kafka.ts';
import { createTestSchema, type TestSchema } from '../support/pg.ts';

const transport = testKafkaTransport();

/** The cron ops agents in real `hearth dev` processes: the stuck-task sweeper and the health monitor. */
describe('agents: cron ops agents', () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  const hosts: HostProcess[] = [];
  const topics: string[] = [];

  beforeAll(async () => {
    schema = await createTestSchema('opscron');
    pool = new pg.Pool({ ...schema.poolConfig });
  });
  afterAll(async () => {
    for (const h of hosts) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL');
    await pool.end();
    await schema.drop();
    await cleanupKafka(transport, topics, ['hearth.dead-letter-agent']);
  });

  function start(env: Record<string, string>): HostProcess {
    const host = startHostProcess(['dev'], {
      DATABASE_URL: databaseUrlForSchema(schema.name),
      HEARTH_HTTP_PORT: '0',
      ...env,
    });
    hosts.push(host);
    return host;
  }
  const doneTicks = async (fn: string): Promise<number> =>
    Number(
      (
        await pool.query<{ n: string }>(
          'SELECT count(*) AS n FROM hearth_cron_ticks WHERE function_name = $1 AND done_at IS NOT NULL',
          [fn],
        )
      ).rows[0]?.n ?? 0,
    );

  it('the sweeper hands a task with no progress past the deadline to the supervisor, once per stall', async () => {
    const table = `sweep_${uniqueName('t').replace(/-/g, '_')}`;
    const supervisorTopic = uniqueName('supervisor');
    topics.push(supervisorTopic, 'stuck-task-sweeper.dlq');
    await createTopics(transport, [supervisorTopic], 1);
    await pool.query(
      `CREATE TABLE ${table} (id TEXT PRIMARY KEY, status TEXT NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`,
    );
    await pool.query(
      `INSERT INTO ${table} VALUES ('stuck-1', 'running', now() - INTERVAL '1 hour'), ('fresh-1', 'running', now()),
         ('finished-1', 'completed', now() - INTERVAL '1 hour')`,
    );
    const host = start({
      HEARTH_FUNCTIONS: 'stuck-task-sweeper',
      HEARTH_SWEEPER_SCHEDULE: '* * * * * *',
      HEARTH_SWEEPER_TASKS_TABLE: table,
      HEARTH_SWEEPER_STUCK_AFTER_MS: '600000',
      HEARTH_SUPERVISOR_TOPIC: supervisorTopic,
    });
    await waitUntil(
      'the stuck task is handed over',
      async () => (await readAllRecords(transport, supervisorTopic)).length > 0,
      60_000,
    );
    // More ticks without progress within the deadline hand nothing over again.
    const seen = await doneTicks('stuck-task-sweeper');
    await waitUntil('three more sweeps', async () => (await doneTicks('stuck-task-sweeper')) >= seen + 3, 30_000);
    host.child.kill('SIGTERM');
    expect((await host.exited).code, host.output()).toBe(0);

    const handed = await readAllRecords(transport, supervisorTopic);
    expect(handed).toHaveLength(1);
    expect(handed[0]?.key).toBe('stuck-1');
    const event = JSON.parse(handed[0]?.value?.toString('utf8') ?? '{}') as StuckTaskEvent;
    expect(event).toMatchObject({ type: 'task.stuck', taskId: 'stuck-1', status: 'running', handoff: 1 });
    expect(event.stuckForMs).toBeGreaterThanOrEqual(600_000);
  });

  it('the health monitor raises one alert for an agent that stopped while work waits for it', async () => {
    const dlq = `${uniqueName('watched')}.dlq`;
    const alertsTopic = uniqueName('alerts');
    topics.push(dlq, alertsTopic, 'dead-letter-agent.dlq', 'health-monitor.dlq');
    await createTopics(transport, [dlq, alertsTopic], 1);
    const record = (n: number) => ({ topic: dlq, key: `k${n}`, value: `{"n":${n}}`, headers: {} });

    // The dead-letter agent runs, beats, and is stopped.
    await produce(transport, [record(1)]);
    const agent = start({
      HEARTH_FUNCTIONS: 'dead-letter-agent',
      HEARTH_DEAD_LETTER_TOPICS: dlq,
      HEARTH_ALERTS_TOPIC: alertsTopic,
    });
    const beats = async (): Promise<number> =>
      Number(
        (
          await pool.query<{ n: string }>(
            "SELECT count(*) AS n FROM hearth_agent_heartbeats WHERE agent = 'dead-letter-agent'",
          )
        ).rows[0]?.n ?? 0,
      );
    await waitUntil('the agent has a heartbeat', async () => (await beats()) > 0, 60_000);
    agent.child.kill('SIGTERM');
    expect((await agent.exited).code, agent.output()).toBe(0);
    // Work arrives for the stopped agent.
    await produce(transport, [record(2)]);

    const monitor = start({
      HEARTH_FUNCTIONS: 'health-monitor',
      HEARTH_HEALTH_SCHEDULE: '* * * * * *',
      HEARTH_HEALTH_MAX_HEARTBEAT_AGE_MS: '1000',
      HEARTH_ALERTS_TOPIC: alertsTopic,
    });
    const alerts = async () =>
      (
        await pool.query<{ rule: string; subject: string; detail: { lag: number } }>(
          "SELECT rule, subject, detail FROM hearth_alerts WHERE rule = 'agent-stopped'",
        )
      ).rows;
    await waitUntil('an agent-stopped alert', async () => (await alerts()).length > 0, 60_000);
    const seen = await doneTicks('health-monitor');
    await waitUntil('three more checks', async () => (await doneTicks('health-monitor')) >= seen + 3, 30_000);
    monitor.child.kill('SIGTERM');
    expect((await monitor.exited).code, monitor.output()).toBe(0);

    // One alert per rule and agent per window, however many checks ran.
    const raised = await alerts();
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ subject: 'dead-letter-agent', detail: { lag: 1 } });
    const published = (await readAllRecords(transport, alertsTopic)).map(
      (r) => JSON.parse(r.value?.toString('utf8') ?? '{}') as { rule: string; subject: string },
    );
    expect(published.filter((a) => a.rule === 'agent-stopped')).toEqual([
      expect.objectContaining({ subject: 'dead-letter-agent', severity: 'critical' }),
    ]);
  });

  it("the usage report prices yesterday's ledger by agent, model and session, and publishes it", async () => {
    const reportTopic = uniqueName('usage-report');
    topics.push(reportTopic, 'usage-report.dlq');
    await createTopics(transport, [reportTopic], 1);
    const store = new PgSqlStore({ pool: schema.poolConfig });
    await migrate(store, { sources: [agentMigrations] });
    await store.close();
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await pool.query(
      `INSERT INTO agent_token_ledger (agent, session_id, task_id, step, usage_day, model, prompt_tokens, completion_tokens, total_tokens, cost_usd)
       VALUES ('research', 's-1', 't-1', 1, $1, 'gpt-4o', 1000, 100, 1100, 0),
              ('research', 's-2', 't-2', 1, $1, 'gpt-4o-mini', 2000, 200, 2200, 0),
              ('writer', 's-1', 't-1', 2, $1, 'gpt-4o', 500, 500, 1000, 0),
              ('writer', 's-3', 't-3', 1, now()::date, 'gpt-4o', 9999, 9999, 19998, 0)`,
      [yesterday],
    );
    const host = start({
      HEARTH_FUNCTIONS: 'usage-report',
      HEARTH_USAGE_REPORT_SCHEDULE: '* * * * * *',
      HEARTH_USAGE_REPORT_TOPIC: reportTopic,
      HEARTH_LLM_PRICES: '{"gpt-4o":{"input":2.5,"output":10},"gpt-4o-mini":{"input":0.15,"output":0.6}}',
    });
    const reports = async () =>
      (await readAllRecords(transport, reportTopic)).map(
        (r) => JSON.parse(r.value?.toString('utf8') ?? '{}') as UsageReport,
      );
    await waitUntil('a usage report', async () => (await reports()).length > 0, 60_000);
    host.child.kill('SIGTERM');
    expect((await host.exited).code, host.output()).toBe(0);
    const report = (await reports()).find((r) => r.day === yesterday)!;
    // gpt-4o: 1500 in x $2.5 + 600 out x $10 per 1M; gpt-4o-mini: 2000 x $0.15 + 200 x $0.6 per 1M.
    expect(report.models.map((m) => [m.model, m.totalTokens, Number(m.estimatedCostUsd.toFixed(6))])).toEqual([
      ['gpt-4o', 2100, 0.00975],
      ['gpt-4o-mini', 2200, 0.00042],
    ]);
    expect(report.sessions.map((l) => [l.sessionId, l.calls, l.totalTokens])).toEqual([
      ['s-1', 2, 2100],
      ['s-2', 1, 2200],
    ]);
    expect(report.agents.map((a) => [a.agent, a.totalTokens])).toEqual([
      ['research', 3300],
      ['writer', 1000],
    ]);
    expect(report.totals.totalTokens).toBe(4300);
    const rows = await pool.query<{ agent: string; total_tokens: string }>(
      'SELECT agent, total_tokens FROM hearth_usage_reports WHERE day = $1 ORDER BY agent',
      [yesterday],
    );
    expect(rows.rows).toEqual([
      { agent: 'research', total_tokens: '3300' },
      { agent: 'writer', total_tokens: '1000' },
    ]);
  });
});
