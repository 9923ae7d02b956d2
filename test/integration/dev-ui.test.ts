/**
 * The dev UI in a real browser (Debian's Chromium driven by playwright-core) against `hearth dev` in dev
 * mode with the example functions: no JWT key is configured, so the host generates one and hands the
 * page a token. The test submits a task from the functions page and follows its executions to the end,
 * then dead-letters a poison event, replays a fixed copy from the dead-letters page and sees it processed.
 * Screenshots land in .hearth/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { produce, testKafkaTransport, waitUntil } from '../support/kafka.ts';
import { databaseUrlForSchema, repoRoot, startHostProcess } from '../support/host-process.ts';
import { agentsEnv, API_FUNCTIONS, CONTROL_FUNCTIONS, WORKER_FUNCTIONS, type AgentsEnv } from './agents-harness.ts';

const SHOTS = path.join(repoRoot, '.hearth');
let env: AgentsEnv;
let url: string;
let cache: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const transport = testKafkaTransport();

beforeAll(async () => {
  env = await agentsEnv('dev_ui');
  cache = mkdtempSync(path.join(tmpdir(), 'hearth-dev-cache-'));
  ({ url } = await env.start([...API_FUNCTIONS, ...CONTROL_FUNCTIONS, ...WORKER_FUNCTIONS, 'usage-recorder'], {
    HEARTH_DEV: 'true',
    HEARTH_CACHE: cache,
    HEARTH_JWT_SECRET: '',
    HEARTH_JWT_ISSUER: '',
    HEARTH_JWT_AUDIENCE: '',
    HEARTH_JWT_ALLOWED_CALLERS: '',
  }));
  browser = await launchBrowser();
  page = await browser.context.newPage();
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
  rmSync(cache, { recursive: true, force: true });
});

/** Opens a function's test-event form and waits until the page shows that function's form. */
async function openForm(name: string): Promise<void> {
  await page.goto(`${url}/_hearth/#/functions/${name}`);
  await page
    .getByTestId('form-title')
    .filter({ hasText: `${name}:` })
    .waitFor();
}

describe('dev UI in a browser', () => {
  it('lists the functions with their triggers and shows the live stream connected', async () => {
    await page.goto(`${url}/_hearth/`);
    await page.getByTestId('function-tasks-submit').waitFor();
    expect(await page.getByTestId('function-tasks-submit').textContent()).toContain('http POST /tasks');
    expect(await page.getByTestId('function-orchestrator').textContent()).toContain('kafka');
    expect(await page.getByTestId('function-research-agent').textContent()).toContain('durable');
    await waitUntil('live stream', async () => (await page.getByTestId('live').textContent()) === 'live', 10_000);
    await page.screenshot({ path: path.join(SHOTS, 'dev-ui-functions.png'), fullPage: true });
  });

  it('refuses a test event that does not match the schema, naming the field', async () => {
    await openForm('usage-recorder');
    await page.getByTestId('event-body').fill('{"agent": "x", "sessionId": "s", "model": "m", "inputTokens": -1}');
    await page.getByTestId('send').click();
    const error = page.getByTestId('result').getByTestId('error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/inputTokens: .*>=0|inputTokens: .*0/);
    expect(await error.textContent()).toContain('outputTokens');
  });

  it('submits a task and follows its executions to the end; the task reads completed', async () => {
    await openForm('tasks-submit');
    await page.getByTestId('event-body').fill(JSON.stringify({ prompt: 'Summarize why durable steps matter' }));
    await page.getByTestId('send').click();
    await page.getByTestId('http-status').waitFor();
    expect(await page.getByTestId('http-status').textContent()).toBe('HTTP 202');
    const taskId = (JSON.parse((await page.getByTestId('http-body').textContent()) ?? '{}') as { taskId: string })
      .taskId;
    expect(taskId).toBeTruthy();
    await page.getByTestId('group-link').click();
    // The group page refreshes itself while executions run; the agents' executions end done.
    await waitUntil(
      `task ${taskId}'s executions to end`,
      async () => (await page.getByTestId('group-summary').textContent()) === 'all executions ended',
      90_000,
    );
    const rows = page.getByTestId('group-execution');
    const statuses = await Promise.all(
      Array.from({ length: await rows.count() }, (_, i) => rows.nth(i).getAttribute('data-status')),
    );
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 'done')).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'dev-ui-task.png'), fullPage: true });

    // One execution's step journal: every model and tool call is a journaled step with a duration.
    await page.locator('[data-testid=group-execution] a').first().click();
    await page.getByTestId('step').first().waitFor();
    expect(await page.getByTestId('step').count()).toBeGreaterThan(1);

    // The same journal from the CLI: `hearth runs <function> --group <task>` lists the run, done.
    const runs = startHostProcess(['runs', 'research-agent', '--group', taskId, '--json'], {
      DATABASE_URL: databaseUrlForSchema(env.schema.name),
    });
    expect((await runs.exited).code).toBe(0);
    const listed = runs
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { status: string; group: string });
    expect(listed).toEqual([expect.objectContaining({ status: 'done', group: taskId })]);

    // The app's own API, from the same page with the dev token: the task completed.
    await waitUntil(
      `task ${taskId} completed`,
      async () => {
        await openForm('tasks-get');
        await page.getByTestId('param-id').fill(taskId);
        await page.getByTestId('send').click();
        await page.getByTestId('http-body').waitFor();
        return (await page.getByTestId('http-body').textContent())?.includes('"status": "completed"') ?? false;
      },
      60_000,
    );
  });

  it('shows a poison event under dead letters, replays a fixed copy and sees it processed', async () => {
    const agent = `ui-${randomBytes(4).toString('hex')}`;
    const poison = { agent, sessionId: 's-1', model: 'm', inputTokens: -5, outputTokens: 2 };
    await produce(transport, [{ topic: 'agent.usage', key: agent, value: JSON.stringify(poison), headers: {} }]);
    let row = page.getByTestId('letter').first();
    await waitUntil(
      'the poison event under dead letters',
      async () => {
        await page.goto(`${url}/_hearth/#/dead-letters/usage-recorder`);
        await page.getByTestId('letters').waitFor();
        const bodies = await page
          .getByTestId('letter-body')
          .evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
        const index = bodies.findIndex((v) => v.includes(agent));
        if (index < 0) return false;
        row = page.getByTestId('letter').nth(index);
        return true;
      },
      30_000,
    );
    const body = row.getByTestId('letter-body');
    expect(await row.getAttribute('data-reason')).toBe('schema-invalid');
    await body.fill(JSON.stringify({ ...poison, inputTokens: 5 }));
    await row.getByTestId('replay').click();
    await waitUntil(
      'replay answered',
      async () => ((await row.getByTestId('replay-result').textContent()) ?? '').startsWith('replayed'),
      10_000,
    );
    expect(await row.getByTestId('replay-result').textContent()).toBe('replayed to agent.usage (edited)');
    await page.screenshot({ path: path.join(SHOTS, 'dev-ui-dead-letters.png'), fullPage: true });

    // Processed exactly once: the usage row holds the fixed copy's tokens.
    await waitUntil(
      'the fixed copy processed',
      async () => {
        const { rows } = await env.pool.query<{ total_tokens: string }>(
          'SELECT total_tokens FROM example_usage_daily WHERE agent = $1',
          [agent],
        );
        return rows[0]?.total_tokens === '7';
      },
      30_000,
    );
    await page.goto(`${url}/_hearth/#/invocations`);
    await page.locator('[data-testid=invocation][data-function=usage-recorder][data-outcome=done]').first().waitFor();
    await page
      .locator('[data-testid=invocation][data-function=usage-recorder][data-outcome=dead_letter]')
      .first()
      .waitFor();
  });

  it('answers writes from another origin or without JSON with 403 and 415', async () => {
    const foreign = await fetch(`${url}/_hearth/api/cancel`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ group: 'x' }),
    });
    expect(foreign.status).toBe(403);
    const form = await fetch(`${url}/_hearth/api/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ group: 'x' }),
    });
    expect(form.status).toBe(415);
  });
});
