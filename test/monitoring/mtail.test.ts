// The written mtail program run by the real mtail (Debian's) over the access log a real nginx
// writes while proxying an app's requests to two fake providers (target's first node dead, so
// nginx fails over; one in five of target's answers a 500). Its /metrics, scraped, must count
// what the app saw, per provider, node and status, with the duration and TTFB histograms.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/core/gates/evaluate.js';
import { prometheusSource } from '../../src/core/gates/sources/prometheus.js';
import type { Reading, Thresholds } from '../../src/core/gates/types.js';
import { stderrTail, stopChild } from '../helpers/child.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { appAgent, type NginxRig, startGateway } from '../helpers/nginx.js';
import { closedPort, freePort } from '../helpers/ports.js';
import { startPrometheus } from '../helpers/prometheus.js';
import { waitUntil } from '../helpers/wait.js';
import { writtenMonitoring } from './helpers.js';
import { tempProject } from '../helpers/project.js';

const MTAIL = process.env.MTAIL_BIN ?? '/usr/bin/mtail';

let legacy: FakeProvider;
let target: FakeProvider;
let deadPort: number;
let rig: NginxRig;
let mtail: ChildProcess;
let metricsUrl: string;
let logFile: string;
let tmp: string;
let out: string;

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy', faults: { latency: 20 } });
  target = await startFakeProvider({ name: 'target', faults: { latency: 300, error: { rate: 0.2, status: 500 } } });
  deadPort = await closedPort();
  tmp = tempProject('migrate-mtail-');
  let dir: string;
  ({ out, dir } = await writtenMonitoring({ legacy: legacy.url, target: target.url }, undefined, tmp));
  logFile = path.join(dir, 'logs/access.json');
  rig = await startGateway({ legacy, target, weight: 50, logFile, deadTargetPort: deadPort });
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  mtail = spawn(MTAIL, ['--progs', path.join(out, 'mtail'), '--logs', logFile, '--address', '127.0.0.1', '--port', String(port), '--logtostderr'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log = stderrTail(mtail);
  await waitUntil('mtail to serve /metrics', async () => (await fetch(metricsUrl)).ok, { dead: () => (mtail.exitCode !== null ? `mtail exited: ${log()}` : undefined) });
}, 30_000);

afterAll(async () => {
  if (mtail) await stopChild(mtail, 'SIGTERM');
  await rig?.stop();
  appAgent.destroy();
  await legacy?.close();
  await target?.close();
});

interface Answer {
  status: number;
  provider: string;
}

function chat(): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${rig.url}/v1/chat/completions`,
      { method: 'POST', agent: appAgent, headers: { authorization: 'Bearer app-key', 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, provider: String(res.headers['x-migrate-provider']) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }));
  });
}

type Samples = { name: string; labels: Record<string, string>; value: number }[];

/** The Prometheus text format, as Prometheus would read it. */
async function scrape(): Promise<Samples> {
  const text = await (await fetch(metricsUrl)).text();
  return text.split('\n').flatMap((line) => {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m) return [];
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    return [{ name: m[1]!, labels, value: Number(m[3]) }];
  });
}

const sum = (s: Samples, name: string, where: Record<string, string> = {}) =>
  s.filter((x) => x.name === name && Object.entries(where).every(([k, v]) => x.labels[k] === v)).reduce((n, x) => n + x.value, 0);

describe('mtail over the gateway access log (real nginx, real mtail)', () => {
  it('counts requests by provider, node and status as the app saw them, with duration and TTFB histograms', async () => {
    const answers: Answer[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = 0; i < 10; i++) answers.push(await chat());
      }),
    );
    let s: Samples = [];
    await waitUntil('mtail to count 80 requests', async () => sum((s = await scrape()), 'migrate_gateway_requests_total') === 80, { timeoutMs: 20_000 });
    const seen = (provider: string, status?: number) => answers.filter((a) => a.provider === provider && (status === undefined || a.status === status)).length;
    expect(seen('target')).toBeGreaterThan(10);
    expect(seen('target', 500)).toBeGreaterThan(0);
    const req = 'migrate_gateway_requests_total';
    const env = { environment: 'canary', mirror: '0', model: '-' };
    expect(sum(s, req, { ...env, provider: 'legacy', code: '200' })).toBe(seen('legacy', 200));
    expect(sum(s, req, { ...env, provider: 'legacy' })).toBe(seen('legacy'));
    expect(sum(s, req, { ...env, provider: 'target', code: '200' })).toBe(seen('target', 200));
    expect(sum(s, req, { ...env, provider: 'target', code: '500' })).toBe(seen('target', 500));
    // The node is the one that answered after the failover, never the dead one.
    expect(sum(s, req, { provider: 'target', node: `127.0.0.1:${target.port}` })).toBe(seen('target'));
    expect(sum(s, req, { provider: 'legacy', node: `127.0.0.1:${legacy.port}` })).toBe(seen('legacy'));
    expect(sum(s, req, { node: `127.0.0.1:${deadPort}` })).toBe(0);
    expect(target.count({ path: '/v1/chat/completions' })).toBe(seen('target'));
    // No 503 yet, but its series is there at 0 for each provider and node, so rate() will count the first burst of 503s.
    for (const [provider, fake] of [
      ['target', target],
      ['legacy', legacy],
    ] as const) {
      const zero = s.filter((x) => x.name === req && x.labels.provider === provider && x.labels.code === '503' && x.labels.node === `127.0.0.1:${fake.port}`);
      expect(zero.map((x) => x.value)).toEqual([0]);
    }

    // Histograms: target's answers take at least 300 ms, so none is in the 0.25 s bucket; every
    // request is in +Inf. (Upper bounds are left alone: a loaded machine adds its own delay.)
    const dur = 'migrate_gateway_request_duration_seconds_bucket';
    expect(sum(s, dur, { provider: 'target', le: '0.25' })).toBe(0);
    expect(sum(s, dur, { provider: 'target', le: '+Inf' })).toBe(seen('target'));
    expect(sum(s, dur, { provider: 'legacy', le: '+Inf' })).toBe(seen('legacy'));
    expect(sum(s, 'migrate_gateway_request_duration_seconds_count', { provider: 'target' })).toBe(seen('target'));
    expect(sum(s, 'migrate_gateway_request_duration_seconds_sum', { provider: 'target' })).toBeGreaterThanOrEqual(0.29 * seen('target'));
    expect(sum(s, 'migrate_gateway_ttfb_seconds_count', { provider: 'target' })).toBe(seen('target'));
    expect(sum(s, 'migrate_gateway_ttfb_seconds_bucket', { provider: 'target', le: '0.25' })).toBe(0);
  });

  it('labels a node id, a model and a mirrored request when the log carries them', async () => {
    const before = sum(await scrape(), 'migrate_gateway_requests_total');
    const line = (extra: Record<string, string>) =>
      `${JSON.stringify({ time: new Date().toISOString(), request_id: 'r', environment: 'canary', provider: 'target', upstream: '127.0.0.1:1, 127.0.0.1:2', status: '200', upstream_status: '502, 200', request_time: '1.500', upstream_header_time: '-, 0.700', upstream_connect_time: '-, 0.001', mirror: '0', ...extra })}\n`;
    appendFileSync(logFile, line({ node: 'cn-east', model: 'gpt-4.1' }) + line({ mirror: '1' }) + 'not json\n');
    let s: Samples = [];
    await waitUntil('mtail to count the appended lines', async () => sum((s = await scrape()), 'migrate_gateway_requests_total') === before + 2, { timeoutMs: 20_000 });
    expect(sum(s, 'migrate_gateway_requests_total', { node: 'cn-east', model: 'gpt-4.1', mirror: '0', code: '200' })).toBe(1);
    expect(sum(s, 'migrate_gateway_requests_total', { node: '127.0.0.1:2', model: '-', mirror: '1' })).toBe(1);
    expect(sum(s, 'migrate_gateway_ttfb_seconds_bucket', { node: 'cn-east', le: '0.5' })).toBe(0);
    expect(sum(s, 'migrate_gateway_ttfb_seconds_bucket', { node: 'cn-east', le: '1' })).toBe(1);
    expect(sum(s, 'migrate_gateway_request_duration_seconds_bucket', { node: '127.0.0.1:2', mirror: '1', le: '2' })).toBe(1);
  });

  it('feeds the Prometheus gate with no queries: the default queries read the recording rules (real Prometheus)', async () => {
    const prom = await startPrometheus([new URL(metricsUrl).host], { ruleFiles: [path.join(out, 'prometheus/rules.yml')] });
    try {
      // Two scrapes before the traffic, so the rates below cover exactly the requests sent next.
      const scrapes = async () =>
        Number(((await prom.query('count_over_time(migrate_gateway_requests_total{provider="target",code="200"}[1m])')) as { value: [number, string] }[])[0]?.value[1] ?? 0);
      await waitUntil('two scrapes of mtail', async () => (await scrapes()) >= 2, { timeoutMs: 15_000 });
      const answers: Answer[] = [];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = 0; i < 15; i++) answers.push(await chat());
        }),
      );
      const t = answers.filter((a) => a.provider === 'target');
      const ratio = t.filter((a) => a.status === 500).length / t.length;
      const source = prometheusSource({ url: prom.url, timeoutMs: 2000 });
      const read = () => source.read({ environment: 'canary', stageIndex: 1, weight: 50, from: Date.now() - 60_000, to: Date.now() });
      let r: Reading | undefined;
      await waitUntil(
        `the gate to read target's ${ratio} error ratio`,
        async () => {
          r = await read();
          return r.kind === 'measurement' && Math.abs((r.target.errorRate ?? -1) - ratio) < 0.01 && (r.target.requests ?? 0) >= t.length;
        },
        { timeoutMs: 20_000 },
      );
      if (r?.kind !== 'measurement') throw new Error(JSON.stringify(r));
      // rate() extrapolates a little past the samples, so the count is at least what was sent.
      expect(r.target.requests).toBeLessThan(2 * t.length);
      expect(r.target.p95Ms).toBeGreaterThan(250); // answers of 300 ms and more: above the 0.25 s bucket
      expect(r.legacy?.p95Ms).toBeLessThan(r.target.p95Ms!); // legacy answers in 20 ms
      const limits: Thresholds = { maxErrorRate: 0.01, maxP95Ms: 3000, maxP95Ratio: 1.2, p95RatioFloorMs: 50, minSamples: 20, alpha: 0.01 };
      expect(evaluate(r, limits).outcome).toBe('fail');
    } finally {
      await prom.stop();
    }
  }, 60_000);
});
