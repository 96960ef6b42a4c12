import { stringify } from 'yaml';
import { DURATION, ERROR_CODES, QUANTILES, REQUESTS, TTFB, WINDOWS, byStatusClass, errorRatio, labelsOf, latency, requestRate, ttfb, type Level } from './names.js';

// Recording rules over the mtail metrics: what the dashboard, the alerts and the ramp's default
// Prometheus gate read. Mirrored (shadow) requests count: they are real target traffic.

interface Rule {
  record: string;
  expr: string;
}

export function recordingRules(environment: string): Rule[] {
  const sel = `environment=${JSON.stringify(environment)}`;
  const rules: Rule[] = [];
  for (const w of WINDOWS) {
    for (const level of ['provider', 'provider_node'] as Level[]) {
      const by = labelsOf(level);
      rules.push({ record: requestRate(level, w), expr: `sum by (${by}) (rate(${REQUESTS}{${sel}}[${w}]))` });
      rules.push({
        record: errorRatio(level, w),
        expr: `sum by (${by}) (rate(${REQUESTS}{${sel},code=~"${ERROR_CODES}"}[${w}])) / sum by (${by}) (rate(${REQUESTS}{${sel}}[${w}]))`,
      });
      for (const q of QUANTILES) {
        rules.push({ record: latency(level, q, w), expr: `histogram_quantile(${q / 100}, sum by (${by}, le) (rate(${DURATION}_bucket{${sel}}[${w}])))` });
      }
    }
    for (const q of QUANTILES) {
      rules.push({ record: ttfb(q, w), expr: `histogram_quantile(${q / 100}, sum by (environment, provider, le) (rate(${TTFB}_bucket{${sel}}[${w}])))` });
    }
    rules.push({
      record: byStatusClass(w),
      expr: `sum by (environment, provider, status_class) (label_replace(rate(${REQUESTS}{${sel}}[${w}]), "status_class", "\${1}xx", "code", "(.).*"))`,
    });
  }
  return rules;
}

export function renderRecordingRules(environment: string): string {
  const doc = { groups: [{ name: `migrate-${environment}-gateway`, rules: recordingRules(environment) }] };
  return `# Written by \`migrate monitoring --env ${environment}\`: error ratio and latency quantiles per provider and node.\n${stringify(doc, { lineWidth: 0 })}`;
}
