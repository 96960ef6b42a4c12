import { stringify } from 'yaml';
import type { GatesConfig } from '../config/schema.js';
import { JOBS, errorRatio, latency } from './names.js';

// Alert rules. Thresholds are the environment's ramp gates, so Prometheus pages on what would
// fail a ramp stage; each alert says what to run.

interface Alert {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

export function alertRules(environment: string, gates: Pick<GatesConfig, 'maxErrorRate' | 'maxP95Ms' | 'maxP95Ratio' | 'p95RatioFloorMs'>): Alert[] {
  const env = `environment=${JSON.stringify(environment)}`;
  const status = `\`migrate status --env ${environment}\``;
  const rollback = `\`migrate rollback --env ${environment}\``;
  const p95 = (provider: string) => `${latency('provider', 95, '5m')}{${env},provider="${provider}"}`;
  const alert = (name: string, expr: string, forTime: string, severity: string, summary: string, description: string): Alert => ({
    alert: name,
    expr,
    for: forTime,
    labels: { severity },
    annotations: { summary, description },
  });
  return [
    alert(
      'MigrateTargetErrorRatioHigh',
      `${errorRatio('provider', '5m')}{${env},provider="target"} > ${gates.maxErrorRate}`,
      '2m',
      'critical',
      `${environment}: target error ratio is above the ramp gate (${gates.maxErrorRate * 100} % over 5 minutes)`,
      `Requests through the gateway to target fail (5xx or 429). Run ${status}; to move traffic back to legacy run ${rollback}.`,
    ),
    alert(
      'MigrateTargetP95High',
      `${p95('target')} > ${gates.maxP95Ms / 1000}`,
      '5m',
      'warning',
      `${environment}: target p95 is above the ramp gate (${gates.maxP95Ms} ms over 5 minutes)`,
      `Target is slower than the gate allows. Run ${status}; if it persists run ${rollback}.`,
    ),
    alert(
      'MigrateTargetP95RatioHigh',
      `(${p95('target')} / ignoring(provider) ${p95('legacy')} > ${gates.maxP95Ratio}) and ignoring(provider) (${p95('target')} - ignoring(provider) ${p95('legacy')} > ${gates.p95RatioFloorMs / 1000})`,
      '5m',
      'warning',
      `${environment}: target p95 is more than ${gates.maxP95Ratio}x legacy's (the ramp gate)`,
      `Target answers slower than legacy by more than the ramp gate allows. Run ${status}; if it persists run ${rollback}.`,
    ),
    alert(
      'MigrateNodeDown',
      `probe_success{job="${JOBS.nodes}",${env}} == 0`,
      '1m',
      'warning',
      `${environment}: {{ $labels.provider }} node {{ $labels.node }} fails its probe (GET /models)`,
      `The gateway fails over to the provider's other nodes. Run \`migrate check --env ${environment}\` to see why (auth, reachability).`,
    ),
    alert(
      'MigrateNoHealthyNodes',
      `max by (environment, provider) (probe_success{job="${JOBS.nodes}",${env}}) == 0`,
      '1m',
      'critical',
      `${environment}: No healthy nodes available for {{ $labels.provider }}`,
      `Every node of {{ $labels.provider }} fails its probe. Run ${status}; if target is down run ${rollback}.`,
    ),
    alert(
      'MigrateRampPaused',
      `migrate_ramp_paused{${env}} == 1`,
      '30m',
      'warning',
      `${environment}: the ramp has waited 30 minutes on an operator's answer`,
      `Its terminal asks whether to pause, roll back or continue, and traffic stays split between legacy and target meanwhile. Answer it, or run ${status}; then ${rollback} if in doubt.`,
    ),
  ];
}

export function renderAlertRules(environment: string, gates: Parameters<typeof alertRules>[1]): string {
  const doc = { groups: [{ name: `migrate-${environment}-alerts`, rules: alertRules(environment, gates) }] };
  return `# Written by \`migrate monitoring --env ${environment}\`: thresholds from the environment's ramp gates.\n${stringify(doc, { lineWidth: 0 })}`;
}
