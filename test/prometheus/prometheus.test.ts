// Real Prometheus (Debian package) scraping a node:http server whose counters the test sets.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/core/gates/evaluate.js';
import { prometheusSource } from '../../src/core/gates/sources/prometheus.js';
import type { Reading, WindowSpec } from '../../src/core/gates/types.js';
import { queryInstant } from '../../src/core/prometheus/client.js';
import { startPrometheus, type PrometheusRig } from '../helpers/prometheus.js';

const counters = { requests: 200, errors: 10, p95: 850 };
const limits = { maxErrorRate: 0.01, maxP95Ms: 3000, maxP95Ratio: 1.2, p95RatioFloorMs: 50, minSamples: 20 };

function metrics(): string {
  const l = '{env="canary",provider="target"}';
  return [
    '# TYPE fake_requests_total counter',
    `fake_requests_total${l} ${counters.requests}`,
    '# TYPE fake_errors_total counter',
    `fake_errors_total${l} ${counters.errors}`,
    '# TYPE fake_p95_ms gauge',
    `fake_p95_ms${l} ${counters.p95}`,
    `fake_p95_ms{env="canary",provider="legacy"} 800`,
    '',
  ].join('\n');
}

const config = (url: string) => ({
  url,
  timeoutMs: 2000,
  errorRate: 'sum(fake_errors_total{env="{{env}}"}) / sum(fake_requests_total{env="{{env}}"})',
  samples: 'sum(max_over_time(fake_requests_total{env="{{env}}"}[{{window}}]))',
  p95Ms: 'max(fake_p95_ms{env="{{env}}",provider="target"})',
  baselineP95Ms: 'max(fake_p95_ms{env="{{env}}",provider="legacy"})',
});

const window = (environment = 'canary'): WindowSpec => ({ environment, stageIndex: 1, weight: 20, from: Date.now() - 30_000, to: Date.now() });

let server: http.Server;
let prom: PrometheusRig;

beforeAll(async () => {
  server = http.createServer((_req, res) => res.end(metrics()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  prom = await startPrometheus([`127.0.0.1:${(server.address() as AddressInfo).port}`]);
  await prom.waitFor('fake_requests_total');
});

afterAll(async () => {
  await prom?.stop();
  server?.close();
});

/** Read until the reading satisfies `ok` (a scrape happens every second). */
async function readUntil(source: ReturnType<typeof prometheusSource>, ok: (r: Reading) => boolean): Promise<Reading> {
  const until = Date.now() + 10_000;
  for (;;) {
    const r = await source.read(window());
    if (ok(r) || Date.now() > until) return r;
    await new Promise((res) => setTimeout(res, 200));
  }
}

describe('prometheus gate source (real Prometheus)', () => {
  it('reads the error ratio, samples and p95 of real traffic through templated PromQL', async () => {
    const reading = await prometheusSource(config(prom.url)).read(window());
    expect(reading).toEqual({
      source: 'prometheus',
      kind: 'measurement',
      label: 'Prometheus',
      target: { errorRate: 0.05, p95Ms: 850, requests: 200 },
      legacy: { p95Ms: 800 },
    });
    expect(evaluate(reading, limits)).toMatchObject({ outcome: 'fail', reason: 'error rate 5.0% > 1.0% over 200 requests' });
  });

  it('follows the counters as they change', async () => {
    counters.errors = 0;
    const source = prometheusSource(config(prom.url));
    const reading = await readUntil(source, (r) => r.kind === 'measurement' && r.target.errorRate === 0);
    expect(evaluate(reading, limits)).toMatchObject({ outcome: 'pass' });
  });

  it('an environment without traffic is no data (inconclusive), never a pass', async () => {
    const reading = await prometheusSource(config(prom.url)).read(window('production'));
    expect(reading).toMatchObject({ kind: 'measurement', target: { requests: 0 } });
    expect(evaluate(reading, limits).outcome).toBe('inconclusive');
  });

  it('a query returning several series is a source error that says how to fix it', async () => {
    const reading = await prometheusSource({ ...config(prom.url), p95Ms: 'fake_p95_ms' }).read(window());
    expect(reading).toMatchObject({ kind: 'error' });
    expect((reading as { message: string }).message).toContain('p95Ms query returned 2 series, expected one: aggregate with sum()');
  });

  it("bad PromQL is a source error carrying Prometheus's own message", async () => {
    await expect(queryInstant({ url: prom.url, timeoutMs: 2000 }, 'sum(')).rejects.toThrow(/rejected the query \(bad_data: /);
  });

  it('parses scalars', async () => {
    expect(await queryInstant({ url: prom.url, timeoutMs: 2000 }, 'scalar(vector(0.25))')).toEqual({ resultType: 'scalar', value: 0.25 });
  });

  it('a stopped Prometheus is a source error: not a pass, not a fail', async () => {
    const port = prom.port;
    await prom.stop();
    const reading = await prometheusSource(config(`http://u:secret@127.0.0.1:${port}`)).read(window());
    expect(reading.kind).toBe('error');
    const message = (reading as { message: string }).message;
    expect(message).toBe(`prometheus at http://127.0.0.1:${port} unreachable: ECONNREFUSED`);
    expect(evaluate(reading, limits).outcome).toBe('error');
  });
});
