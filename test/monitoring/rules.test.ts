// The written Prometheus config and rules through the real promtool (Debian's prometheus):
// `check config`, `check rules`, and `test rules` with series proving each alert fires on
// its failure and none fires on healthy traffic.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { alertRules } from '../../src/core/monitoring/alerts.js';
import { BUCKETS } from '../../src/core/monitoring/names.js';
import { writtenMonitoring } from './helpers.js';

const PROMTOOL = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';
const gates = { maxErrorRate: 0.05, maxP95Ms: 2000, maxP95Ratio: 1.5, p95RatioFloorMs: 100 };
const urls = { legacy: 'http://127.0.0.1:9/v1', target: 'http://127.0.0.1:10/v1', nodes: { east: 'http://127.0.0.1:11/v1' } };

type Series = { series: string; values: string };
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;

/** `perMin` requests a minute with status `code`, each taking `seconds`, for 60 minutes. */
function traffic(provider: string, perMin: number, seconds: number, code = '200'): Series[] {
  const base = { environment: 'canary', provider, node: 'main' };
  const grow = (n: number) => (n ? `0+${n}x60` : '0x60');
  return [
    { series: `migrate_gateway_requests_total${labels({ ...base, code, model: '-', mirror: '0' })}`, values: grow(perMin) },
    ...[...BUCKETS.map(String), '+Inf'].map((le) => ({
      series: `migrate_gateway_request_duration_seconds_bucket${labels({ ...base, mirror: '0', le })}`,
      values: grow(Number(le) >= seconds ? perMin : 0),
    })),
  ];
}

function probe(provider: string, node: string, up: boolean): Series {
  return { series: `probe_success${labels({ job: 'migrate_nodes', instance: `${node}.${provider}`, environment: 'canary', provider, node })}`, values: `${up ? 1 : 0}x60` };
}

const healthyProbes = [probe('legacy', 'main', true), probe('target', 'main', true), probe('target', 'east', true)];
const healthyTraffic = [...traffic('legacy', 100, 0.3), ...traffic('target', 100, 0.3)];
const paused = (v: number): Series => ({ series: 'migrate_ramp_paused{environment="canary"}', values: `${v}x60` });

/** What an alert says, its $labels filled in as Prometheus would. */
function expected(name: string, l: Record<string, string>) {
  const rule = alertRules('canary', gates).find((r) => r.alert === name)!;
  const fill = (t: string) => t.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, k: string) => l[k] ?? '');
  return { exp_labels: { ...l, severity: rule.labels.severity }, exp_annotations: { summary: fill(rule.annotations.summary), description: fill(rule.annotations.description) } };
}

const ALERTS = ['MigrateTargetErrorRatioHigh', 'MigrateTargetP95High', 'MigrateTargetP95RatioHigh', 'MigrateNodeDown', 'MigrateNoHealthyNodes', 'MigrateRampPaused'];

function scenario(series: Series[], evalTime: string, firing: Record<string, Record<string, string>[]>) {
  return {
    interval: '1m',
    input_series: series,
    alert_rule_test: ALERTS.map((alertname) => ({ eval_time: evalTime, alertname, exp_alerts: (firing[alertname] ?? []).map((l) => expected(alertname, l)) })),
  };
}

describe('the written Prometheus config and rules (real promtool)', () => {
  it('pass promtool check config and check rules', async () => {
    const { out } = await writtenMonitoring(urls, JSON.stringify(gates));
    const config = await execa(PROMTOOL, ['check', 'config', path.join(out, 'prometheus/prometheus.yml')], { reject: false });
    expect(config.exitCode, config.stdout + config.stderr).toBe(0);
    expect(config.stdout).toContain('SUCCESS: 2 rule files found');
    const rules = await execa(PROMTOOL, ['check', 'rules', path.join(out, 'prometheus/rules.yml'), path.join(out, 'prometheus/alerts.yml')], { reject: false });
    expect(rules.exitCode, rules.stdout + rules.stderr).toBe(0);
    expect(rules.stdout).toMatch(/SUCCESS: 28 rules found[\s\S]*SUCCESS: 6 rules found/);
  });

  it('each alert fires on its failure and none on healthy traffic (promtool test rules)', async () => {
    const { dir, out } = await writtenMonitoring(urls, JSON.stringify(gates));
    const target = { environment: 'canary', provider: 'target' };
    const node = (provider: string, n: string) => ({ job: 'migrate_nodes', instance: `${n}.${provider}`, environment: 'canary', provider, node: n });
    const tests = [
      scenario([...healthyTraffic, ...healthyProbes, paused(0)], '20m', {}),
      // 10 % of target's requests fail: above the 5 % gate.
      scenario([...traffic('legacy', 100, 0.3), ...traffic('target', 90, 0.3), ...traffic('target', 10, 0.3, '503').slice(0, 1), ...healthyProbes], '10m', {
        MigrateTargetErrorRatioHigh: [target],
      }),
      // Target takes 4 s (gate 2 s) against legacy's 0.3 s.
      scenario([...traffic('legacy', 100, 0.3), ...traffic('target', 100, 4), ...healthyProbes], '10m', {
        MigrateTargetP95High: [target],
        MigrateTargetP95RatioHigh: [{ environment: 'canary' }],
      }),
      scenario([...healthyTraffic, probe('legacy', 'main', true), probe('target', 'main', true), probe('target', 'east', false)], '10m', {
        MigrateNodeDown: [node('target', 'east')],
      }),
      scenario([...healthyTraffic, probe('legacy', 'main', true), probe('target', 'main', false), probe('target', 'east', false)], '10m', {
        MigrateNodeDown: [node('target', 'east'), node('target', 'main')],
        MigrateNoHealthyNodes: [target],
      }),
      scenario([...healthyTraffic, ...healthyProbes, paused(1)], '40m', { MigrateRampPaused: [{ environment: 'canary' }] }),
      // Paused for less than 30 minutes is not yet an alert.
      scenario([...healthyTraffic, ...healthyProbes, paused(1)], '20m', {}),
    ];
    const file = path.join(dir, 'alerts.test.yml');
    writeFileSync(file, stringify({ rule_files: [path.join(out, 'prometheus/rules.yml'), path.join(out, 'prometheus/alerts.yml')], evaluation_interval: '1m', tests }));
    const res = await execa(PROMTOOL, ['test', 'rules', file], { reject: false });
    expect(res.exitCode, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toContain('SUCCESS');
  });
});
