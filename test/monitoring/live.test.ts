// The whole written monitoring stack, live: a real nginx gateway writing the JSON access log,
// the real mtail running the written program over it, the real blackbox_exporter with the
// written modules and targets, and a real Prometheus with the written prometheus.yml, rules.yml
// and alerts.yml. Real traffic goes through nginx; what Prometheus computes must match what the
// client saw, every dashboard panel must show data, the node-down alert must fire when a node
// dies, and a ramp gated only by the default Prometheus queries must roll back a failing target
// (the error-ratio alert firing too). One stack serves all cases (start-up is most of the cost).
//
// Changed in the test's copy only, and why: prometheus.yml's scrape/evaluation interval 15s → 1s
// and alerts.yml's `for:` → 2s, so alerts fire in seconds rather than minutes. Every other
// byte is what `migrate monitoring` wrote (ports come from its --mtail-port/--blackbox-port/
// --metrics-port flags). The ramp's own metrics are served by the real RampMetrics/serveMetrics
// pair fed one stage event, as `ramp --metrics-port` does (a whole ramp is not needed here).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RampMetrics } from '../../src/core/metrics/ramp-metrics.js';
import { serveMetrics, type MetricsServer } from '../../src/core/metrics/server.js';
import type { RampEvent } from '../../src/core/ramp/events.js';
import { BUCKETS } from '../../src/core/monitoring/names.js';
import { stderrTail, stopChild } from '../helpers/child.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { appAgent, NGINX_BIN, type NginxRig, startGateway } from '../helpers/nginx.js';
import { freePort } from '../helpers/ports.js';
import { startPrometheus, type PrometheusRig } from '../helpers/prometheus.js';
import { waitUntil } from '../helpers/wait.js';
import { canaryProject, readState, spawnMigrate, waitForState } from '../ramp/helpers.js';
import { KEYS, monitoringConfig, runMigrate } from './helpers.js';
import { tempProject } from '../helpers/project.js';

const MTAIL = process.env.MTAIL_BIN ?? '/usr/bin/mtail';
const BLACKBOX = process.env.BLACKBOX_BIN ?? '/usr/bin/prometheus-blackbox-exporter';

// Latencies in the middle of a bucket, so a loaded machine's extra milliseconds keep them there.
const LEGACY_MS = 20; // (0, 0.05]
const TARGET_MS = 700; // (0.5, 1]

let legacy: FakeProvider;
let target: FakeProvider;
/** A second node of target's: probed, never routed to by nginx; the test kills it. */
let spare: FakeProvider;
let rig: NginxRig;
let mtail: ChildProcess;
let blackbox: ChildProcess;
let ramp: MetricsServer;
let prom: PrometheusRig;
let tmp: string;
let out: string;
let logFile: string;

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy, faults: { seed: 1, latency: LEGACY_MS, error: { rate: 0.25, status: 500 } } });
  target = await startFakeProvider({ name: 'target', apiKey: KEYS.target, faults: { latency: TARGET_MS } });
  spare = await startFakeProvider({ name: 'target-spare', apiKey: KEYS.target });
  tmp = tempProject('migrate-live-');
  writeFileSync(path.join(tmp, 'migrate.yaml'), monitoringConfig({ legacy: legacy.url, target: target.url, nodes: { spare: spare.url } }));
  writeFileSync(path.join(tmp, '.env'), 'OPENAI_BASE_URL=x\n');
  logFile = path.join(tmp, 'logs/access.json');
  await mkdir(path.dirname(logFile), { recursive: true });
  writeFileSync(logFile, '');
  const ports = { mtail: await freePort(), blackbox: await freePort(), ramp: await freePort() };
  const res = await runMigrate(tmp, [
    'monitoring',
    '--env',
    'canary',
    '--mtail-port',
    String(ports.mtail),
    '--blackbox-port',
    String(ports.blackbox),
    '--metrics-port',
    String(ports.ramp),
  ]);
  if (res.exitCode !== 0) throw new Error(`migrate monitoring exited ${res.exitCode}: ${res.stderr}`);
  out = path.join(tmp, 'monitoring/canary');

  rig = await startGateway({ legacy, target, weight: 50, logFile });
  mtail = spawn(MTAIL, ['--progs', path.join(out, 'mtail'), '--logs', logFile, '--address', '127.0.0.1', '--port', String(ports.mtail), '--logtostderr'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  blackbox = spawn(BLACKBOX, [`--config.file=${path.join(out, 'blackbox/blackbox.yml')}`, `--web.listen-address=127.0.0.1:${ports.blackbox}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const mtailLog = stderrTail(mtail);
  const blackboxLog = stderrTail(blackbox);
  await waitUntil('mtail to serve /metrics', async () => (await fetch(`http://127.0.0.1:${ports.mtail}/metrics`)).ok, {
    dead: () => (mtail.exitCode !== null ? `mtail exited: ${mtailLog()}` : undefined),
  });
  await waitUntil('blackbox_exporter to answer', async () => (await fetch(`http://127.0.0.1:${ports.blackbox}/metrics`)).ok, {
    dead: () => (blackbox.exitCode !== null ? `blackbox_exporter exited: ${blackboxLog()}` : undefined),
  });

  const metrics = new RampMetrics('canary');
  metrics.observe({ event: 'stage', stage: 2, of: 4, weight: 20, status: 'soaking', appliedWeight: 20 } as RampEvent);
  ramp = await serveMetrics(ports.ramp, () => metrics.render());

  // One line per series the traffic will move (and one mirrored request, which the "requests by
  // provider" panel shows apart), before Prometheus' first scrape: every counter then has a
  // first sample from before the traffic, so rate() covers exactly the requests sent below.
  const seed = (provider: string, port: number, status: string, mirror = '0') =>
    `${JSON.stringify({ time: new Date().toISOString(), request_id: 'seed', environment: 'canary', provider, upstream: `127.0.0.1:${port}`, status, upstream_status: status, request_time: '0.010', upstream_header_time: '0.010', upstream_connect_time: '0.001', mirror })}\n`;
  appendFileSync(
    logFile,
    seed('legacy', legacy.port, '200') +
      seed('legacy', legacy.port, '500') +
      seed('target', target.port, '200') +
      seed('target', target.port, '500') +
      seed('target', target.port, '200', '1'),
  );
  await waitUntil('mtail to read the seed lines', async () => (await (await fetch(`http://127.0.0.1:${ports.mtail}/metrics`)).text()).includes('mirror="1"'), {
    timeoutMs: 10_000,
  });

  const promYml = path.join(out, 'prometheus/prometheus.yml');
  const alertsYml = path.join(out, 'prometheus/alerts.yml');
  writeFileSync(alertsYml, readFileSync(alertsYml, 'utf8').replace(/^(\s+for: )\S+$/gm, '$12s'));
  const config = readFileSync(promYml, 'utf8').replace(
    /scrape_interval: 15s\n\s*evaluation_interval: 15s/,
    'scrape_interval: 1s\n  scrape_timeout: 900ms\n  evaluation_interval: 1s',
  );
  expect(config).toContain('evaluation_interval: 1s');
  prom = await startPrometheus([], { config });
  // Bounded: two scrapes of every series the traffic moves (about 2 s once Prometheus is up).
  await waitUntil(
    'two scrapes of every seeded series',
    async () => {
      // The five seeded series, and the zero series mtail makes beside them for the gate's error codes.
      const all = await prom.query('migrate_gateway_requests_total');
      const young = await prom.query('count_over_time(migrate_gateway_requests_total[1m]) < 2');
      return all.length >= 5 && young.length === 0;
    },
    { timeoutMs: 20_000 },
  );
}, 60_000);

afterAll(async () => {
  await prom?.stop();
  await ramp?.close();
  if (mtail) await stopChild(mtail, 'SIGTERM');
  if (blackbox) await stopChild(blackbox, 'SIGTERM');
  await rig?.stop();
  appAgent.destroy();
  await legacy?.close();
  await target?.close();
  await spare?.close().catch(() => {});
});

interface Answer {
  status: number;
  provider: string;
  ms: number;
}

/** The app's request through nginx. A reload (the ramp's) closes idle keep-alive connections:
 *  one racing that close gets ECONNRESET and is retried once, as postThrough and HTTP clients do. */
function chat(retried = false): Promise<Answer> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${rig.url}/v1/chat/completions`,
      { method: 'POST', agent: appAgent, headers: { authorization: 'Bearer app-key', 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, provider: String(res.headers['x-migrate-provider']), ms: performance.now() - start }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!retried && err.code === 'ECONNRESET' && req.reusedSocket) resolve(chat(true));
      else reject(err);
    });
    req.end(JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }));
  });
}

/** `workers` clients in a loop, `each` requests apiece, as an app under load sends them. */
async function traffic(workers: number, each: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let i = 0; i < each; i++) answers.push(await chat());
    }),
  );
  return answers;
}

type Series = { metric: Record<string, string>; value: [number, string] };
const series = async (q: string) => (await prom.query(q)) as Series[];
const value = async (q: string) => Number((await series(q))[0]?.value[1] ?? NaN);

/** The bucket (upper bound, seconds) a duration falls in: what histogram_quantile can resolve. */
const bucketOf = (seconds: number) => BUCKETS.find((b) => seconds <= b) ?? Infinity;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Alert {
  labels: Record<string, string>;
  state: string;
}
async function alerts(): Promise<Alert[]> {
  const body = (await (await fetch(`${prom.url}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } };
  return body.data.alerts;
}
const firing = async (name: string) => (await alerts()).filter((a) => a.labels.alertname === name && a.state === 'firing');

describe('the written monitoring stack, live (real nginx, mtail, blackbox_exporter, Prometheus)', () => {
  let answers: Answer[] = [];
  const seen = (provider: string, error?: boolean) => answers.filter((a) => a.provider === provider && (error === undefined || a.status >= 500 === error)).length;

  it('after real traffic, every recording rule returns series and the rates, error ratios and quantiles match what the client saw', async () => {
    answers = await traffic(8, 12);
    expect(answers).toHaveLength(96);
    expect(seen('legacy')).toBeGreaterThan(15);
    expect(seen('target')).toBeGreaterThan(15);
    expect(seen('legacy', true)).toBeGreaterThan(0);
    expect(seen('target', true)).toBe(0);
    const env = 'environment="canary"';
    const wantSplit = seen('target') / answers.length;
    const wantLegacyErrors = seen('legacy', true) / seen('legacy');
    // Bounded: the traffic's last requests reach Prometheus within a scrape and an evaluation (~2 s).
    await waitUntil(
      'the rules to read the traffic',
      async () => {
        const rt = await value(`environment_provider:migrate_gateway_requests:rate1m{${env},provider="target"}`);
        const rl = await value(`environment_provider:migrate_gateway_requests:rate1m{${env},provider="legacy"}`);
        const err = await value(`environment_provider:migrate_gateway_error_ratio:rate1m{${env},provider="legacy"}`);
        return Math.abs(rt / (rt + rl) - wantSplit) < 0.03 && Math.abs(err - wantLegacyErrors) < 0.03;
      },
      { timeoutMs: 15_000 },
    );

    // Every recording rule in the written rules.yml returns series.
    const rules = [...readFileSync(path.join(out, 'prometheus/rules.yml'), 'utf8').matchAll(/record: (\S+)/g)].map((m) => m[1]!);
    expect(rules.length).toBeGreaterThan(20);
    const empty: string[] = [];
    for (const r of rules) if ((await series(r)).length === 0) empty.push(r);
    expect(empty).toEqual([]);

    // The 5m windows hold the same traffic; target answered no errors; one node each answered.
    const rate5 = await value(`environment_provider:migrate_gateway_requests:rate5m{${env},provider="target"}`);
    expect(rate5).toBeGreaterThan(0);
    expect(await value(`environment_provider:migrate_gateway_error_ratio:rate5m{${env},provider="target"}`)).toBe(0);
    const node = await series(`environment_provider_node:migrate_gateway_requests:rate1m{${env}}`);
    expect(node.map((s) => `${s.metric.provider} ${s.metric.node}`).sort()).toEqual([`legacy 127.0.0.1:${legacy.port}`, `target 127.0.0.1:${target.port}`]);
    // Status classes: legacy's 5xx share as the client saw it.
    const classes = await series(`environment_provider_status_class:migrate_gateway_requests:rate1m{${env},provider="legacy"}`);
    const cls = Object.fromEntries(classes.map((s) => [s.metric.status_class, Number(s.value[1])]));
    expect(Math.abs(cls['5xx']! / (cls['5xx']! + cls['2xx']!) - wantLegacyErrors)).toBeLessThan(0.03);

    // Quantiles: histogram_quantile resolves to a bucket; it is the bucket of the client's median.
    for (const [provider, ms] of [
      ['legacy', median(answers.filter((a) => a.provider === 'legacy').map((a) => a.ms))],
      ['target', median(answers.filter((a) => a.provider === 'target').map((a) => a.ms))],
    ] as const) {
      const p50 = await value(`environment_provider:migrate_gateway_request_duration_seconds:p50_1m{${env},provider="${provider}"}`);
      // The client's clock adds its own side of the connection to nginx's: allow the bucket of
      // its median less 30 ms too, never a bucket above.
      expect([bucketOf(ms / 1000), bucketOf(ms / 1000 - 0.03)], `${provider} p50 ${p50}s vs the client's median ${ms} ms`).toContain(bucketOf(p50));
    }
    const p95t = await value(`environment_provider:migrate_gateway_request_duration_seconds:p95_1m{${env},provider="target"}`);
    const p99t = await value(`environment_provider:migrate_gateway_request_duration_seconds:p99_1m{${env},provider="target"}`);
    expect(p95t).toBeGreaterThan(TARGET_MS / 1000 - 0.2); // in target's bucket (0.5, 1] or above
    expect(p99t).toBeGreaterThanOrEqual(p95t);
    expect(await value(`environment_provider:migrate_gateway_ttfb_seconds:p50_1m{${env},provider="target"}`)).toBeGreaterThan(0.5);
  }, 40_000);

  it("every dashboard panel's queries return series (template variables substituted)", async () => {
    const dashboard = JSON.parse(readFileSync(path.join(out, 'grafana/dashboard.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(8);
    // The only variable is the datasource; an expression naming any other would fail here.
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ title: p.title, expr: t.expr.replace(/\$__rate_interval|\$\{__rate_interval\}/g, '1m') })));
    // Bounded: the blackbox probes and the ramp's metrics are scraped every second.
    await waitUntil(
      'a scrape of the probes and the ramp metrics',
      async () => (await series('probe_success{job="migrate_nodes"}')).length === 3 && (await series('migrate_ramp_stage')).length === 1,
      { timeoutMs: 10_000 },
    );
    const empty: string[] = [];
    for (const { title, expr } of exprs) {
      expect(expr, title).not.toContain('$');
      if ((await series(expr)).length === 0) empty.push(`${title}: ${expr}`);
    }
    expect(empty).toEqual([]);
    expect(await value('migrate_ramp_weight_percent{environment="canary"}')).toBe(20);
    expect((await series('probe_success{job="migrate_nodes"} == 1')).length).toBe(3);
  }, 20_000);

  it('a slow target: MigrateTargetP95RatioHigh fires (700 ms against 20 ms, gate 1.5x), MigrateTargetP95High does not (gate 2000 ms); no key reached Prometheus', async () => {
    // Bounded: the rules already hold the traffic above; then the rewritten `for: 2s`.
    await waitUntil('MigrateTargetP95RatioHigh to fire', async () => (await firing('MigrateTargetP95RatioHigh')).length === 1, { timeoutMs: 10_000 });
    expect(await firing('MigrateTargetP95High')).toEqual([]);
    expect(await firing('MigrateRampPaused')).toEqual([]);
    const loaded = JSON.stringify(await (await fetch(`${prom.url}/api/v1/status/config`)).json());
    expect(loaded).toContain('migrate_nodes');
    for (const key of Object.values(KEYS)) expect(loaded).not.toContain(key);
  }, 15_000);

  it('a killed node: MigrateNodeDown fires for it (and not "no healthy nodes": target still has one)', async () => {
    expect(await firing('MigrateNodeDown')).toEqual([]);
    await spare.close();
    // Bounded: a failed probe within a scrape (1 s), then the rewritten `for: 2s`.
    await waitUntil('MigrateNodeDown to fire', async () => (await firing('MigrateNodeDown')).length > 0, { timeoutMs: 15_000 });
    expect((await firing('MigrateNodeDown')).map((a) => `${a.labels.provider} ${a.labels.node}`)).toEqual(['target spare']);
    expect(await firing('MigrateNoHealthyNodes')).toEqual([]);
  }, 20_000);

  // Target fails last: its errors stay in Prometheus' windows for minutes after.
  it('a ramp gated only by the default Prometheus queries rolls back a failing target (nginx driver, real traffic); MigrateTargetErrorRatioHigh fires', async () => {
    expect(await firing('MigrateTargetErrorRatioHigh')).toEqual([]);
    // Legacy's 25 % of 500s served the tests above; here legacy must answer the rollback's one
    // verification (three attempts at 25 % failed together in one CI run), and target is what fails.
    legacy.setFaults({ error: null });
    // Gates on errors only: target's latency (700 ms vs legacy's 20 ms) is not what this tests.
    const dir = canaryProject({
      legacyUrl: legacy.url,
      targetUrl: target.url,
      environments: [
        '  canary:',
        '    envFiles: [.env.canary]',
        `    traffic: { driver: nginx, file: ${rig.includeFile}, binary: ${NGINX_BIN}, args: ${JSON.stringify(rig.args)} }`,
      ],
      ramp: [
        '  stages: [20, 100]',
        '  soak: 60s',
        '  interval: 1s',
        '  gates: { minSamples: 3, maxP95Ms: 60000, maxP95Ratio: 1000 }',
        `  sources: { probes: false, gateway: false, prometheus: { url: ${prom.url}, timeoutMs: 1000 } }`,
      ],
    });
    const keys = { LEGACY_KEY: KEYS.legacy, TARGET_KEY: KEYS.target };
    // The app's traffic flows through nginx for the whole ramp, as it would in production.
    let stop = false;
    const sent: Answer[] = [];
    const app = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!stop) sent.push(await chat());
      }),
    );
    let r: Awaited<ReturnType<typeof spawnMigrate>>;
    try {
      const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url, env: keys });
      // Bounded: Prometheus sees stage 20 % traffic within a scrape and an evaluation.
      await waitForState(dir, (st) => st.gates.some((d) => d.weight === 20 && d.action === 'continue' && d.outcome === 'pass'), 30_000);
      target.setFaults({ latency: null, error: { status: 503 } });
      // Bounded: the gate reads the errors within a scrape and an evaluation, then the rollback.
      await waitUntil('the ramp to roll back and exit', () => ramp.exitCode !== null, { timeoutMs: 30_000 });
      r = await ramp;
      // Bounded: a scrape, an evaluation, then the rewritten `for: 2s`.
      await waitUntil('MigrateTargetErrorRatioHigh to fire', async () => (await firing('MigrateTargetErrorRatioHigh')).length > 0, { timeoutMs: 15_000 });
    } finally {
      stop = true;
      await app;
    }
    const stderr = String(r.stderr);
    expect(r.exitCode, stderr).toBe(1);
    expect(sent.filter((a) => a.provider === 'target' && a.status === 503).length).toBeGreaterThan(0);
    const state = await readState(dir);
    expect(state?.status).toBe('rolled-back');
    const decision = state!.gates.find((d) => d.action === 'rollback')!;
    expect(decision.checks).toContainEqual(expect.objectContaining({ source: 'prometheus', outcome: 'fail' }));
    expect((decision.checks as { source: string }[]).map((c) => c.source)).toEqual(['prometheus']);
    expect(stderr).toMatch(/stage 20%: Prometheus: error rate 0\.0% ≤ 1\.0%, .* over \d+ requests → holding/);
    expect(stderr).toMatch(/stage 20%: Prometheus: error rate \d+\.\d% > 1\.0% over \d+ requests → rolling back/);
    expect(stderr).toMatch(/nginx driver at 0%/);
    // The include is back at 0 %: the app's next requests all go to legacy.
    target.resetCounts();
    const after = await traffic(4, 5);
    expect(after.every((a) => a.provider === 'legacy')).toBe(true);
    expect(target.count({ path: '/v1/chat/completions' })).toBe(0);
    if (process.env.SHOW) console.log(stderr);
  }, 60_000);
});
