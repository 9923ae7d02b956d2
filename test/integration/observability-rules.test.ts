// The alert rules and ServiceMonitor validate against the Prometheus Operator schemas (shown to reject a
// broken copy), every alert and dashboard expression names only metrics the runtime exports, and the
// compose observability profile is a valid compose file wired to those configs.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createHostMetrics } from '../../shared/host/metrics.ts';
import { repoRoot } from '../support/host-process.ts';
import { SCHEMAS_DIR } from '../support/schemas.ts';

const obs = path.join(repoRoot, 'observability');
const schemas = path.join(SCHEMAS_DIR, 'monitoring.coreos.com');
const ajv = new Ajv({ strict: false, allErrors: true });
const load = async (file: string): Promise<unknown> => parse(await readFile(file, 'utf8')) as unknown;
const validator = async (file: string) =>
  ajv.compile(JSON.parse(await readFile(path.join(schemas, file), 'utf8'), goPatterns) as object);

/** The CRDs carry Go regexps; `(?i)` (case-insensitive) has no JS inline form, so it is dropped (stricter, not looser). */
function goPatterns(key: string, value: unknown): unknown {
  return key === 'pattern' && typeof value === 'string' ? value.replaceAll('(?i)', '') : value;
}

interface Rule {
  alert: string;
  expr: string;
  for?: string;
}
interface RuleDoc {
  kind: string;
  spec: { groups: { name: string; rules: Rule[] }[] };
}

/** Metric names the runtime registers (what /metrics can expose). */
async function exportedNames(): Promise<Set<string>> {
  const text = await createHostMetrics().registry.render();
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] as string));
}

/** The hearth_* metric names an expression uses, histogram suffixes removed. */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\bhearth_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));
}

describe('PrometheusRule and ServiceMonitor', () => {
  it('validate against the Prometheus Operator schemas, which reject a broken copy', async () => {
    const rules = (await load(path.join(obs, 'prometheus-rules.yaml'))) as RuleDoc;
    const validateRule = await validator('prometheusrule_v1.json');
    expect(validateRule(rules), JSON.stringify(validateRule.errors)).toBe(true);
    expect(rules.kind).toBe('PrometheusRule');
    const broken = structuredClone(rules);
    broken.spec.groups[0]!.rules[0]!.for = 'ten minutes';
    expect(validateRule(broken)).toBe(false);

    const monitor = await load(path.join(obs, 'servicemonitor.yaml'));
    const validateMonitor = await validator('servicemonitor_v1.json');
    expect(validateMonitor(monitor), JSON.stringify(validateMonitor.errors)).toBe(true);
    expect(monitor).toMatchObject({ kind: 'ServiceMonitor', spec: { endpoints: [{ path: '/metrics' }] } });
    expect(validateMonitor({ ...(monitor as object), spec: { endpoints: 'http' } })).toBe(false);
  });

  it('alert on every promised condition, using only exported metrics', async () => {
    const rules = (await load(path.join(obs, 'prometheus-rules.yaml'))) as RuleDoc;
    const exported = await exportedNames();
    const all = rules.spec.groups.flatMap((g) => g.rules);
    for (const rule of all) {
      const used = metricsIn(rule.expr);
      if (rule.alert !== 'HearthHostDown') expect(used.length, rule.alert).toBeGreaterThan(0);
      else expect(rule.expr).toMatch(/^up\{/);
      for (const name of used) expect(exported.has(name), `${rule.alert} uses ${name}`).toBe(true);
    }
    const exprOf = (alert: string) => all.find((r) => r.alert === alert)?.expr ?? '';
    expect(exprOf('HearthAgentHighErrorRate')).toContain('hearth_agent_tasks_total{status="failed"}');
    expect(exprOf('HearthAgentRunawaySteps')).toContain('hearth_agent_steps_bucket');
    expect(exprOf('HearthTokenSpike')).toContain('hearth_llm_tokens_total');
    expect(exprOf('HearthAgentLatencyHigh')).toContain('histogram_quantile(0.99');
    expect(exprOf('HearthConsumerLagHigh')).toContain('hearth_consumer_lag');
    expect(exprOf('HearthDeadLetterGrowth')).toContain('hearth_dead_letter_depth');
    expect(exprOf('HearthAgentDown')).toContain('hearth_function_up');

    // Plain Prometheus (compose) evaluates the same groups.
    const plain = (await load(path.join(obs, 'prometheus/hearth.rules.yaml'))) as { groups: unknown };
    expect(plain.groups).toEqual(rules.spec.groups);
  });

  it('the Grafana dashboard queries only exported metrics', async () => {
    const dashboard = JSON.parse(await readFile(path.join(obs, 'grafana/dashboards/hearth-agents.json'), 'utf8')) as {
      uid: string;
      panels: { type: string; title: string; targets?: { expr: string }[] }[];
    };
    const exported = await exportedNames();
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(15);
    const used = new Set(exprs.flatMap(metricsIn));
    for (const name of used) expect(exported.has(name), name).toBe(true);
    for (const name of [
      'hearth_agent_tasks_total',
      'hearth_llm_tokens_total',
      'hearth_tool_calls_total',
      'hearth_consumer_lag',
      'hearth_dead_letter_depth',
    ]) {
      expect(used.has(name), name).toBe(true);
    }
  });
});

describe('docker-compose observability profile', () => {
  it('is valid compose with the collector, Jaeger, Prometheus and Grafana wired to the committed configs', async () => {
    const original = await readFile(path.join(repoRoot, 'docker-compose.yml'), 'utf8');
    // compose-check loads no profiles; the copy drops the profile lines so those services are checked too.
    const scratch = await mkdtemp(path.join(tmpdir(), 'hearth-obs-compose-'));
    try {
      const file = path.join(scratch, 'docker-compose.yml');
      await writeFile(file, original.replace(/^ {4}profiles: \[observability\]\n/gm, ''));
      const { stdout } = await promisify(execFile)('bash', [path.join(repoRoot, 'scripts/compose-check.sh'), file], {
        maxBuffer: 16 * 1024 * 1024,
      });
      const project = JSON.parse(stdout) as {
        services: Record<
          string,
          { image?: string; volumes?: { source: string; target: string }[]; environment?: Record<string, string> }
        >;
      };
      for (const name of ['otel-collector', 'jaeger', 'prometheus', 'grafana'])
        expect(project.services[name], name).toBeDefined();
      expect(project.services['hearth']?.environment?.['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe(
        'http://otel-collector:4318',
      );
      for (const name of ['otel-collector', 'prometheus', 'grafana']) {
        for (const volume of project.services[name]?.volumes ?? []) {
          const source = path.resolve(repoRoot, path.relative(scratch, path.resolve(scratch, volume.source)));
          expect(existsSync(source), `${name} mounts ${volume.source}`).toBe(true);
        }
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    const prometheus = (await load(path.join(obs, 'prometheus/prometheus.yml'))) as {
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/rules/hearth.rules.yaml']);
    expect(prometheus.scrape_configs.find((s) => s.job_name === 'hearth')?.static_configs[0]?.targets).toEqual([
      'hearth:8080',
    ]);
  });
});
