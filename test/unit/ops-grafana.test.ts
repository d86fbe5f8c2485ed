import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'prettier';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

// ops/ (docs/CLUSTER.md, "Metrics"): the Grafana dashboard and the Prometheus scrape config must
// only name metrics the centre exports, or a panel stays empty with no error to say why.

const root = join(import.meta.dirname, '../..');
const SKIP = new Set(['node_modules', 'test', 'docs', 'ops', 'dist', 'data', 'test-results', 'bench', '.git', 'web']);

/** Every `quantrac_...` metric name written as a string in the product's source. */
function quantracMetricsInCode(dir = root, found = new Set<string>()): Set<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name) && !entry.name.startsWith('.')) quantracMetricsInCode(join(dir, entry.name), found);
    } else if (entry.name.endsWith('.ts')) {
      for (const m of readFileSync(join(dir, entry.name), 'utf8').matchAll(/['"`](quantrac_[a-z0-9_]+)['"`]/g)) found.add(m[1]!);
    }
  }
  return found;
}

/** prom-client's process and Node metrics, as /metrics serves them (ingest/metrics-registry.ts). */
async function defaultMetrics(): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
}

interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

const dashboard = JSON.parse(readFileSync(join(root, 'ops/grafana/quantrac-dashboard.json'), 'utf8')) as {
  uid: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; definition?: string }> };
};
const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

/** The metric names of a PromQL expression: identifiers followed by a selector. */
const metricsOf = (expr: string): string[] => [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]!);

describe('ops/grafana/quantrac-dashboard.json', () => {
  it('parses, with unique panel ids and a query per graph', () => {
    expect(dashboard.uid).toBe('quantrac-centres');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels.filter((p) => p.type !== 'row')) expect(p.targets?.length, p.title).toBeGreaterThan(0);
  });

  it('uses only metrics that exist in the code or in prom-client default metrics', async () => {
    const known = new Set([...quantracMetricsInCode(), ...(await defaultMetrics()), 'up']);
    expect(known).toContain('quantrac_ingest_readings_accepted_total');
    const definition = dashboard.templating.list.find((v) => v.name === 'instance')!.definition!;
    const used = new Set([...exprs, definition].flatMap(metricsOf));
    const unknown = [...used].filter((m) => !known.has(m) && !known.has(m.replace(/_(bucket|sum|count)$/, '')));
    expect(unknown).toEqual([]);
    expect(used.size).toBeGreaterThan(15);
  });

  it('is a per-node view: every query is filtered by $instance and keeps the instance label', () => {
    for (const e of exprs) {
      expect(e, e).toContain('instance=~"$instance"');
      if (/\b(sum|max|min|avg) by/.test(e)) expect(e, e).toMatch(/by \(instance\b/);
    }
  });

  it('shows what the brief of an operator needs', () => {
    const all = exprs.join('\n');
    for (const m of [
      'quantrac_ingest_readings_accepted_total', // readings accepted per second
      'quantrac_ingest_admit_seconds_bucket', // PUBACK latency
      'quantrac_spool_cursor_backlog_bytes', // backlog
      'quantrac_influx_write_errors_total',
      'quantrac_alerts_worker_backlog_readings',
      'quantrac_live_clients',
      'quantrac_relay_lag_seconds',
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
    ])
      expect(all).toContain(m);
  });
});

describe('ops/prometheus/prometheus.yml', () => {
  it('is YAML scraping /metrics of several centres', async () => {
    const text = readFileSync(join(root, 'ops/prometheus/prometheus.yml'), 'utf8');
    await expect(format(text, { parser: 'yaml' })).resolves.toBeTypeOf('string');
    expect(text).toMatch(/job_name: quantrac\b/);
    expect(text).toMatch(/metrics_path: \/metrics/);
    expect([...text.matchAll(/targets: \['[^']+:\d+'\]/g)].length).toBeGreaterThanOrEqual(2);
    // The dashboard's node list comes from this job.
    expect(dashboard.templating.list.find((v) => v.name === 'instance')!.definition).toContain('job="quantrac"');
  });
});
