import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupKafka,
  createTopics,
  produce,
  readAllRecords,
  testKafkaTransport,
  uniqueName,
  waitUntil,
} from '../support/kafka.ts';
import { databaseUrlForSchema, repoRoot, startHostProcess, type HostProcess } from '../support/host-process.ts';
import { createTestSchema, type TestSchema } from '../support/pg.ts';
import { startScriptedProvider, type ScriptedProvider } from '../support/scripted-provider.ts';
import { startStepServer, type StepServer } from '../support/step-server.ts';
import { answer, callTools } from './agent-harness.ts';

const FIXTURES = path.join(repoRoot, 'test/fixtures/functions');
const transport = testKafkaTransport();

/** Durable executions on real `hearth dev` processes: crash resume, rebalances and parked waits. */
describe('durable executions on real hosts', () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  const hosts: HostProcess[] = [];
  const topics: string[] = [];

  beforeAll(async () => {
    schema = await createTestSchema('durable_host');
    pool = new pg.Pool({ ...schema.poolConfig });
  });
  afterAll(async () => {
    for (const h of hosts) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL');
    await Promise.all(hosts.map((h) => h.exited));
    await pool.end();
    await schema.drop();
    await cleanupKafka(transport, topics, [
      'hearth.durable-agent',
      'hearth.long-step',
      'hearth.parked-waiter',
      'hearth.parked-waiter.waits',
    ]);
  });

  function start(fn: string, env: Record<string, string>): HostProcess {
    const host = startHostProcess(['dev'], {
      DATABASE_URL: databaseUrlForSchema(schema.name),
      HEARTH_FUNCTIONS_DIR: FIXTURES,
      HEARTH_FUNCTIONS: fn,
      HEARTH_HTTP_PORT: '0',
      HEARTH_KAFKA_SESSION_TIMEOUT_MS: '6000',
      HEARTH_DURABLE_LEASE_MS: '4000',
      ...env,
    });
    hosts.push(host);
    return host;
  }

  async function newTopic(prefix: string, extra: string[] = []): Promise<string> {
    const topic = uniqueName(prefix);
    topics.push(topic, ...extra.map((suffix) => `${topic}${suffix}`));
    await createTopics(transport, [topic, ...extra.map((suffix) => `${topic}${suffix}`)], 2);
    return topic;
  }

  describe('an agent run killed after step 2', () => {
    let llm: ScriptedProvider;
    beforeAll(async () => {
      llm = await startScriptedProvider();
    });
    afterAll(() => llm.close());

    it('resumes with 2 provider requests, not 4, and its side-effecting tool ran once per step', async () => {
      const topic = await newTopic('agent');
      const table = `charges_${topic.replace(/-/g, '_')}`;
      await pool.query(`CREATE TABLE ${table} (task_id TEXT, idempotency_key TEXT, amount INT)`);
      const model = uniqueName('model');
      llm.script(model, [
        callTools([{ name: 'charge', args: { amount: 1 } }]),
        callTools([{ name: 'charge', args: { amount: 2 } }]),
        // Step 3's first request is in flight when the host dies.
        { ...callTools([{ name: 'charge', args: { amount: 3 } }]), delayMs: 60_000 },
        callTools([{ name: 'charge', args: { amount: 3 } }]),
        answer('charged 6'),
      ]);
      const env = {
        E2E_TOPIC: topic,
        E2E_TABLE: table,
        HEARTH_LLM_PROVIDER: 'openai',
        HEARTH_LLM_BASE_URL: llm.url,
        HEARTH_LLM_MODELS: model,
        HEARTH_LLM_TIMEOUT_MS: '90000',
      };
      await produce(transport, [{ topic, key: 't1', value: JSON.stringify({ taskId: 'task-1' }), headers: {} }]);
      const first = start('durable-agent', env);
      await waitUntil(`step 3 requested\n${first.output()}`, () => llm.requestsFor(model).length >= 3, 60_000);
      first.child.kill('SIGKILL');
      await first.exited;
      const before = llm.requestsFor(model).length;

      const second = start('durable-agent', env);
      await waitUntil(
        `the run completed\n${second.output()}`,
        async () => {
          const { rows } = await pool.query<{ status: string }>(
            "SELECT status FROM hearth_executions WHERE function_name = 'durable-agent'",
          );
          return rows[0]?.status === 'done';
        },
        90_000,
      );
      expect(llm.requestsFor(model).length - before).toBe(2);
      const { rows: charges } = await pool.query<{ idempotency_key: string }>(
        `SELECT idempotency_key FROM ${table} ORDER BY idempotency_key`,
      );
      expect(charges.map((c) => c.idempotency_key)).toEqual(['task-1:1:0', 'task-1:2:0', 'task-1:3:0']);
      const { rows } = await pool.query<{ result: unknown }>(
        "SELECT result FROM hearth_executions WHERE function_name = 'durable-agent'",
      );
      expect(rows[0]?.result).toBe('completed');
      // The resumer may finish the run while this host is still starting; a SIGTERM then still drains.
      second.child.kill('SIGTERM');
      expect((await second.exited).code, second.output()).toBe(0);
    }, 180_000);
  });

  describe('a long step while a second replica joins', () => {
    let server: StepServer;
    beforeAll(async () => {
      server = await startStepServer();
    });
    afterAll(() => server.close());

    it('a 90 s step completes once, with no duplicate request, and the event is done once', async () => {
      const topic = await newTopic('long', ['.out']);
      const env = { E2E_TOPIC: topic, STEP_SERVER_URL: server.url, LONG_STEP_MS: '90000' };
      const a = start('long-step', env);
      await produce(transport, [{ topic, key: 'k', value: JSON.stringify({ id: 'long-1' }), headers: {} }]);
      await waitUntil(`the long step started\n${a.output()}`, () => server.calls.length >= 1, 60_000);
      const b = start('long-step', env);
      await waitUntil(
        'the execution is done',
        async () => {
          const { rows } = await pool.query<{ status: string }>(
            "SELECT status FROM hearth_executions WHERE function_name = 'long-step'",
          );
          return rows[0]?.status === 'done';
        },
        180_000,
      );
      expect(server.calls.filter((c) => c.stepId === 'think')).toHaveLength(1);
      await waitUntil('emitted', async () => (await readAllRecords(transport, `${topic}.out`)).length >= 1, 30_000);
      // Let any duplicate show up before counting.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const out = await readAllRecords(transport, `${topic}.out`);
      expect(new Set(out.map((r) => r.headers['ce_id'])).size).toBe(1);
      expect(server.calls).toHaveLength(1);
      for (const host of [a, b]) {
        expect(host.child.exitCode, host.output()).toBeNull();
        host.child.kill('SIGTERM');
        expect((await host.exited).code, host.output()).toBe(0);
      }
    }, 300_000);
  });

  it('1,000 parked executions hold no connection, and their partitions keep flowing', async () => {
    const topic = await newTopic('parked', ['.answers']);
    const table = `waiters_${topic.replace(/-/g, '_')}`;
    await pool.query(`CREATE TABLE ${table} (id TEXT NOT NULL, answer TEXT)`);
    const app = uniqueName('hearth-parked');
    const host = start('parked-waiter', { E2E_TOPIC: topic, E2E_TABLE: table, PGAPPNAME: app });
    const event = (id: string, wait: boolean) => ({ topic, key: id, value: JSON.stringify({ id, wait }), headers: {} });
    await produce(
      transport,
      Array.from({ length: 1_000 }, (_, i) => event(`w${i}`, true)),
    );
    const parked = async (): Promise<number> =>
      Number(
        (
          await pool.query<{ n: string }>(
            "SELECT count(*) AS n FROM hearth_executions WHERE function_name = 'parked-waiter' AND status = 'parked'",
          )
        ).rows[0]?.n,
      );
    await waitUntil(`1,000 parked\n${host.output()}`, async () => (await parked()) === 1_000, 120_000);
    // Later events on the same partitions (and keys) run while the 1,000 wait.
    await produce(
      transport,
      Array.from({ length: 200 }, (_, i) => event(`n${i}`, false)),
    );
    const done = async (prefix: string): Promise<number> =>
      Number(
        (await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE id LIKE $1`, [`${prefix}%`])).rows[0]
          ?.n,
      );
    await waitUntil('200 events behind the parked ones done', async () => (await done('n')) === 200, 60_000);
    // The host's connections: only its pools' idle ones, none busy, none more than the pool allows.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const { rows: connections } = await pool.query<{ state: string; n: string }>(
      'SELECT state, count(*) AS n FROM pg_stat_activity WHERE application_name = $1 GROUP BY state',
      [app],
    );
    const byState = Object.fromEntries(connections.map((c) => [c.state, Number(c.n)]));
    expect(Object.keys(byState).filter((state) => state !== 'idle')).toEqual([]);
    expect(byState['idle'] ?? 0).toBeLessThanOrEqual(10);
    expect(await parked()).toBe(1_000);
    // Answers resume them, on whichever replica is free.
    await produce(
      transport,
      Array.from({ length: 50 }, (_, i) => ({
        topic: `${topic}.answers`,
        key: `w${i}`,
        value: JSON.stringify({ id: `w${i}`, text: `answer ${i}` }),
        headers: {},
      })),
    );
    await waitUntil('50 answered waits done', async () => (await done('w')) === 50, 60_000);
    const { rows } = await pool.query<{ answer: string }>(`SELECT answer FROM ${table} WHERE id = 'w7'`);
    expect(rows).toEqual([{ answer: 'answer 7' }]);
    expect(await parked()).toBe(950);
    host.child.kill('SIGTERM');
    expect((await host.exited).code, host.output()).toBe(0);
  }, 240_000);
});
