// The fixture's PromQL against a real Prometheus scraping two fake providers' /metrics, with
// traffic from the probe source: the Prometheus gate sees what the target really served.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { evaluate } from '../../src/core/gates/evaluate.js';
import { probeSource, type ProbeSource } from '../../src/core/gates/sources/probes.js';
import { prometheusSource, type PrometheusSourceConfig } from '../../src/core/gates/sources/prometheus.js';
import type { Reading } from '../../src/core/gates/types.js';
import { ProbeClient } from '../../src/core/http/client.js';
import { endpointOf } from '../../src/core/providers/endpoint.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { startPrometheus, type PrometheusRig } from '../helpers/prometheus.js';

const limits = { maxErrorRate: 0.01, maxP95Ms: 3000, maxP95Ratio: 1.2, p95RatioFloorMs: 50, minSamples: 20 };
let legacy: FakeProvider;
let target: FakeProvider;
let prom: PrometheusRig;
let probes: ProbeSource;

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy' });
  target = await startFakeProvider({ name: 'target', faults: { error: { rate: 0.5, status: 503 }, seed: 3 } });
  const hostOf = (p: FakeProvider) => new URL(p.url).host;
  prom = await startPrometheus({ legacy: [hostOf(legacy)], target: [hostOf(target)] });
  const provider = (p: FakeProvider) => ({ baseUrl: p.url, apiKey: p.apiKey, timeoutMs: 5000, nodes: [], strictModels: false });
  probes = probeSource({
    client: new ProbeClient({ processEnv: {} }),
    target: endpointOf('target', provider(target)),
    legacy: endpointOf('legacy', provider(legacy)),
    model: 'gpt-4.1',
    rps: 20,
  });
  probes.start();
});

afterAll(async () => {
  await probes?.close?.();
  await prom?.stop();
  await legacy?.close();
  await target?.close();
});

it('a target failing half its requests fails the Prometheus gate on real traffic figures', async () => {
  const fixture = parse(readFileSync(path.resolve(import.meta.dirname, '../../fixtures/prometheus/fake-provider-gates.yaml'), 'utf8'));
  const config: PrometheusSourceConfig = { ...fixture.prometheus, url: prom.url, timeoutMs: 2000 };
  const source = prometheusSource(config);
  const window = () => ({ environment: 'canary', stageIndex: 1, weight: 20, from: Date.now() - 15_000, to: Date.now() });
  let reading: Reading = await source.read(window());
  for (const until = Date.now() + 20_000; Date.now() < until;) {
    if (reading.kind === 'measurement' && (reading.target.requests ?? 0) >= 40 && reading.legacy) break;
    await new Promise((r) => setTimeout(r, 500));
    reading = await source.read(window());
  }
  expect(reading.kind, JSON.stringify(reading)).toBe('measurement');
  if (reading.kind !== 'measurement') return;
  expect(reading.target.requests).toBeGreaterThanOrEqual(40);
  expect(reading.target.errorRate).toBeGreaterThan(0.3);
  expect(reading.target.errorRate).toBeLessThan(0.7);
  expect(reading.target.p95Ms).toBeGreaterThan(0);
  expect(reading.legacy?.p95Ms).toBeGreaterThan(0);
  const check = evaluate(reading, limits);
  expect(check.outcome).toBe('fail');
  expect(check.reason).toMatch(/^error rate \d+\.\d% > 1\.0% over \d+ requests$/);
});
