import { randomBytes, randomUUID } from 'node:crypto';
import type { MarketParams, MarketReport } from '../../../functions/_ops/market/api.ts';
import type { OutgoingMessage } from '../../core/index.ts';
import { loadFunctions } from '../../host/registry.ts';
import { createRuntime } from '../../host/runtime.ts';
import { startHost, type Host } from '../../host/host.ts';
import { parseArgs, progress, UsageError, type Command } from '../command.ts';

const INT_OPTIONS = [
  'buyers',
  'sellers',
  'items-per-seller',
  'wanted',
  'max-rounds',
  'max-negotiations',
  'seed',
  'timeout',
  'stuck-after',
] as const;

function intOption(options: Record<string, string>, name: (typeof INT_OPTIONS)[number], fallback: number): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}

/**
 * `hearth market`: the agent-society simulation. Seeds a run (default 100 buyers, 500 sellers), serves
 * market-buyer and market-seller in this process (unless --external: a running `hearth dev` serves
 * them), sends every buyer a start event, waits until all buyers finish, the remaining ones are stuck,
 * or --timeout seconds pass, then prints the report as JSON on stdout. Exit 0 when the run converged
 * with no consistency violation, 1 otherwise.
 */
export const marketCommand: Command = {
  summary: 'market [--buyers 100 --sellers 500 --timeout 180 --external]: run the market simulation, print a report',
  async run(args, env) {
    const { positional, options } = parseArgs(args, { flags: ['external'], values: INT_OPTIONS });
    if (positional.length > 0)
      throw new UsageError(`market takes no positional arguments, got "${positional.join(' ')}"`);
    // The simulation lives with its functions; only this command loads it.
    const { DEFAULT_MARKET_PARAMS, MARKET_TOPICS, marketReport, seedMarket } =
      await import('../../../functions/_ops/market/api.ts');
    const d = DEFAULT_MARKET_PARAMS;
    const params: MarketParams = {
      ...d,
      buyers: intOption(options, 'buyers', d.buyers),
      sellers: intOption(options, 'sellers', d.sellers),
      itemsPerSeller: intOption(options, 'items-per-seller', d.itemsPerSeller),
      wanted: intOption(options, 'wanted', d.wanted),
      maxRounds: intOption(options, 'max-rounds', d.maxRounds),
      maxNegotiations: intOption(options, 'max-negotiations', d.maxNegotiations),
      seed: intOption(options, 'seed', d.seed),
    };
    const timeoutMs = intOption(options, 'timeout', 180) * 1000;
    const stuckAfterMs = intOption(options, 'stuck-after', 15) * 1000;

    // The host's HTTP port must not collide with a `hearth dev` on this machine.
    const rt = await createRuntime({ ...env, HEARTH_HTTP_PORT: env['HEARTH_HTTP_PORT'] ?? '0' });
    let host: Host | undefined;
    try {
      if (!options['external'])
        host = await startHost(await loadFunctions(undefined, ['market-buyer', 'market-seller']), rt);
      const runId = `m-${randomBytes(4).toString('hex')}`;
      await seedMarket(rt.sql, runId, params);
      const starts: OutgoingMessage[] = Array.from({ length: params.buyers }, (_, n) => ({
        topic: MARKET_TOPICS.buyers,
        key: `b${n}`,
        value: JSON.stringify({ type: 'start', runId, buyerId: `b${n}` }),
        headers: { ce_id: randomUUID(), ce_source: 'hearth/cli-market', 'content-type': 'application/json' },
      }));
      await rt.producer.send(starts);
      const report = await waitForRun(() => marketReport(rt.sql, runId, stuckAfterMs), timeoutMs);
      process.stdout.write(`${JSON.stringify(report)}\n`);
      process.stderr.write(summary(report));
      return report.converged && report.violations.length === 0 ? 0 : 1;
    } finally {
      if (host) await host.stop();
      else await rt.close();
    }
  },
};

async function waitForRun(read: () => Promise<MarketReport>, timeoutMs: number): Promise<MarketReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = await read();
    const b = report.buyers;
    progress(
      `market ${report.runId}: ${b.done} done, ${b.gaveUp} gave up, ${b.negotiating} negotiating, ${report.deals} deals, ${report.events} events`,
    );
    const open = b.negotiating + b.idle;
    if (report.converged || (open > 0 && report.stuckAgents === open) || Date.now() > deadline) {
      progress('', true);
      return report;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function summary(r: MarketReport): string {
  return [
    `market run ${r.runId}: ${r.buyers.total} buyers, ${r.sellers.total} sellers`,
    `  deals ${r.deals} (average price ${(r.averagePriceCents / 100).toFixed(2)}), items sold ${r.sellers.sold}`,
    `  buyers done ${r.buyers.done}, gave up ${r.buyers.gaveUp}, still negotiating ${r.buyers.negotiating}, idle ${r.buyers.idle}`,
    `  converged ${r.converged}, stuck agents ${r.stuckAgents}`,
    `  ${r.events} events in ${r.seconds.toFixed(1)} s: ${r.eventsPerSecond.toFixed(0)} events/s`,
    `  consistency: ${r.violations.length === 0 ? 'ok' : `${r.violations.length} violation(s)\n    ${r.violations.join('\n    ')}`}`,
    '',
  ].join('\n');
}
