// The Grafana dashboard as Grafana reads it: current schema, the datasource a variable, the
// panels docs/monitoring.md names, and every query over series the written rules, mtail, the
// blackbox exporter or `migrate ramp --metrics-port` produce (a typo would be an empty panel).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { writtenMonitoring } from './helpers.js';

interface Panel {
  title: string;
  type: string;
  datasource: { uid: string };
  targets: { expr: string; datasource: { uid: string } }[];
}

const RAMP_METRICS = ['migrate_ramp_stage', 'migrate_ramp_weight_percent', 'migrate_ramp_paused', 'migrate_gate_outcomes_total', 'migrate_rollbacks_total'];
const PROMQL_WORDS = new Set([
  'sum',
  'by',
  'rate',
  'changes',
  'ignoring',
  'group_left',
  'histogram_quantile',
  'environment',
  'provider',
  'node',
  'mirror',
  'job',
  'le',
  'status_class',
]);

/** Metric names in a PromQL expression: identifiers that are neither functions, keywords nor label names. */
function metricNames(expr: string): string[] {
  const withoutStrings = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]');
  return [...withoutStrings.matchAll(/[a-zA-Z_:][\w:]*/g)].map((m) => m[0]).filter((w) => !PROMQL_WORDS.has(w) && !/^\d/.test(w));
}

describe('the Grafana dashboard', () => {
  it('has the panels, the datasource variable and queries over series that exist', async () => {
    const { read } = await writtenMonitoring({ legacy: 'http://127.0.0.1:9/v1', target: 'http://127.0.0.1:10/v1' });
    const dash = JSON.parse(read('grafana/dashboard.json')) as {
      schemaVersion: number;
      templating: { list: { name: string; type: string; query: string }[] };
      panels: Panel[];
      annotations: { list: { expr: string; datasource: { uid: string } }[] };
    };
    expect(dash.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dash.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
    expect(dash.panels.map((p) => p.title)).toEqual([
      'P50 / P95 / P99 latency by provider',
      'Error rate by provider and status class',
      'Requests by provider (the real split)',
      'Node health (probe GET /models)',
      'Latency by node (p95)',
      'Time to first byte (p50 / p95)',
      'Target weight',
      'Ramp stage',
      'Requests per second by provider and node',
    ]);
    for (const p of dash.panels) {
      expect(p.datasource.uid, p.title).toBe('${datasource}');
      for (const t of p.targets) expect(t.datasource.uid).toBe('${datasource}');
    }
    const records = (parse(read('prometheus/rules.yml')) as { groups: { rules: { record: string }[] }[] }).groups[0]!.rules.map((r) => r.record);
    const mtail = [...read('mtail/gateway.mtail').matchAll(/^(?:counter|histogram) (\w+)/gm)].map((m) => m[1]!);
    expect(mtail).toEqual(['migrate_gateway_requests_total', 'migrate_gateway_request_duration_seconds', 'migrate_gateway_ttfb_seconds']);
    const known = new Set([...records, ...mtail, ...mtail.map((m) => `${m}_bucket`), 'probe_success', 'probe_duration_seconds', ...RAMP_METRICS]);
    const used = [...dash.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...dash.annotations.list.map((a) => a.expr)].flatMap(metricNames);
    expect(used.filter((m) => !known.has(m))).toEqual([]);
    // Every recording rule the panels need is one the rules file defines; the ramp's decisions are annotations.
    expect(used).toEqual(
      expect.arrayContaining([
        'environment_provider:migrate_gateway_request_duration_seconds:p99_1m',
        'migrate_gate_outcomes_total',
        'migrate_rollbacks_total',
        'migrate_ramp_weight_percent',
      ]),
    );
    expect(dash.annotations.list.every((a) => a.datasource.uid === '${datasource}')).toBe(true);
  });
});
