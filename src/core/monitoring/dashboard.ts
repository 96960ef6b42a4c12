import { JOBS, REQUESTS, byStatusClass, errorRatio, latency, requestRate, ttfb } from './names.js';

// A Grafana dashboard (schema 39, Grafana 10/11): the Prometheus datasource is a variable, the
// ramp's decisions (gate outcomes, rollbacks) are annotations from migrate's own metrics.

interface Target {
  expr: string;
  legendFormat: string;
}

const DS = { type: 'prometheus', uid: '${datasource}' };

export function renderDashboard(environment: string): string {
  const env = `environment="${environment}"`;
  let id = 0;
  const panel = (title: string, unit: string, targets: Target[], x: number, y: number, type = 'timeseries', w = 12) => ({
    id: ++id,
    type,
    title,
    datasource: DS,
    gridPos: { h: 8, w, x, y },
    fieldConfig: { defaults: { unit }, overrides: [] },
    options: type === 'stat' ? { reduceOptions: { calcs: ['lastNotNull'] } } : { legend: { displayMode: 'table', placement: 'bottom' } },
    targets: targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), datasource: DS, ...t })),
  });
  const panels = [
    panel(
      'P50 / P95 / P99 latency by provider',
      's',
      ([50, 95, 99] as const).map((q) => ({ expr: `${latency('provider', q, '1m')}{${env}}`, legendFormat: `{{provider}} p${q}` })),
      0,
      0,
    ),
    panel(
      'Error rate by provider and status class',
      'percentunit',
      [
        { expr: `${errorRatio('provider', '1m')}{${env}}`, legendFormat: '{{provider}} errors' },
        {
          expr: `${byStatusClass('1m')}{${env}} / ignoring(status_class) group_left sum by (environment, provider) (${byStatusClass('1m')}{${env}})`,
          legendFormat: '{{provider}} {{status_class}}',
        },
      ],
      12,
      0,
    ),
    panel(
      'Requests by provider (the real split)',
      'reqps',
      [
        { expr: `sum by (provider) (rate(${REQUESTS}{${env},mirror!="1"}[1m]))`, legendFormat: '{{provider}}' },
        { expr: `sum by (provider) (rate(${REQUESTS}{${env},mirror="1"}[1m]))`, legendFormat: '{{provider}} (mirrored)' },
      ],
      0,
      8,
    ),
    panel('Node health (probe GET /models)', 'none', [{ expr: `probe_success{job="${JOBS.nodes}",${env}}`, legendFormat: '{{provider}} {{node}}' }], 12, 8),
    panel(
      'Latency by node (p95)',
      's',
      [
        { expr: `${latency('provider_node', 95, '1m')}{${env}}`, legendFormat: '{{provider}} {{node}} traffic' },
        { expr: `probe_duration_seconds{job="${JOBS.nodes}",${env}}`, legendFormat: '{{provider}} {{node}} probe' },
      ],
      0,
      16,
    ),
    panel(
      'Time to first byte (p50 / p95)',
      's',
      ([50, 95] as const).map((q) => ({
        expr: `${ttfb(q, '1m')}{${env}}`,
        legendFormat: `{{provider}} p${q}`,
      })),
      12,
      16,
    ),
    panel('Target weight', 'percent', [{ expr: `migrate_ramp_weight_percent{${env}}`, legendFormat: 'weight' }], 0, 24, 'stat', 6),
    panel('Ramp stage', 'none', [{ expr: `migrate_ramp_stage{${env}}`, legendFormat: 'stage' }], 6, 24, 'stat', 6),
    panel('Requests per second by provider and node', 'reqps', [{ expr: `${requestRate('provider_node', '1m')}{${env}}`, legendFormat: '{{provider}} {{node}}' }], 12, 24),
  ];
  const annotation = (name: string, expr: string, titleFormat: string, iconColor: string) => ({
    name,
    datasource: DS,
    enable: true,
    iconColor,
    expr,
    step: '15s',
    titleFormat,
    textFormat: '',
    tagKeys: 'gate,outcome',
    useValueForTime: false,
  });
  const dashboard = {
    uid: `migrate-${environment}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40),
    title: `migrate: ${environment}`,
    tags: ['migrate'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    templating: {
      list: [{ name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0, refresh: 1 }],
    },
    annotations: {
      list: [
        annotation('Gate decisions', `changes(migrate_gate_outcomes_total{${env}}[1m]) > 0`, 'gate {{gate}}: {{outcome}}', 'blue'),
        annotation('Stage changes', `changes(migrate_ramp_stage{${env}}[1m]) > 0`, 'stage changed', 'green'),
        annotation('Rollbacks', `changes(migrate_rollbacks_total{${env}}[1m]) > 0`, 'rollback', 'red'),
      ],
    },
    panels,
  };
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
