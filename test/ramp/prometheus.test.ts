// A real Prometheus (Debian package) scraping the fake providers' /metrics, used as a gate
// source in end-to-end ramps; then stopped mid-soak, which must be retried and never passed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startPrometheus, type PrometheusRig } from '../helpers/prometheus.js';
import { canaryProject, LEGACY_KEY, readState, spawnMigrate, TARGET_KEY, waitForState } from './helpers.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';

const queries = parse(readFileSync(path.join(import.meta.dirname, '../../fixtures/prometheus/fake-provider-gates.yaml'), 'utf8')).prometheus as Record<string, string>;

let prom: PrometheusRig;
let fakes: { legacy: FakeProvider; target: FakeProvider };

beforeAll(async () => {
  // Not the per-test helper: these fakes and Prometheus live for the whole file.
  fakes = {
    legacy: await startFakeProvider({ name: 'legacy', apiKey: LEGACY_KEY }),
    target: await startFakeProvider({ name: 'target', apiKey: TARGET_KEY }),
  };
  fakes.legacy.setFaults({ latency: 5 });
  const host = (p: FakeProvider) => new URL(p.url).host;
  prom = await startPrometheus({ legacy: [host(fakes.legacy)], target: [host(fakes.target)] });
});
afterAll(async () => {
  await prom?.stop();
  await fakes?.legacy.close();
  await fakes?.target.close();
});

function config(soak: string) {
  const q = (name: string) => `      ${name}: ${JSON.stringify(queries[name])}`;
  return canaryProject({
    legacyUrl: fakes.legacy.url,
    targetUrl: fakes.target.url,
    ramp: [
      '  stages: [50, 100]',
      `  soak: ${soak}`,
      '  interval: 1s',
      '  gates: { minSamples: 5, maxExtensions: 3 }',
      '  sources:',
      '    probes: { rps: 10 }', // the traffic Prometheus sees on the target
      '    prometheus:',
      `      url: ${prom.url}`,
      '      timeoutMs: 1000',
      q('errorRate'),
      q('p95Ms'),
      q('baselineP95Ms'),
      q('samples'),
    ],
  });
}

const promChecks = (s: Awaited<ReturnType<typeof readState>>) =>
  (s?.gates ?? []).flatMap((g) =>
    (g.checks as Array<{ source: string; outcome: string; target?: { requests?: number; errorRate?: number } }>)
      .filter((c) => c.source === 'prometheus')
      .map((c) => ({ ...c, weight: g.weight, action: g.action })),
  );

describe('Prometheus as a gate source', () => {
  it('a ramp gated on real Prometheus figures completes', async () => {
    const dir = config('4s');
    const r = await spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: fakes.target.url });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const passes = promChecks(await readState(dir)).filter((c) => c.outcome === 'pass');
    expect(passes.length).toBeGreaterThan(0);
    expect(passes[0]!.target?.requests).toBeGreaterThanOrEqual(5);
    expect(passes[0]!.target?.errorRate ?? 0).toBe(0); // no error series at all reads as no errors
  }, 60_000);

  it('Prometheus stopped mid-soak: errors are retried, never taken as a pass, then roll back', async () => {
    const dir = config('30s');
    const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: fakes.target.url });
    await waitForState(dir, (s) => promChecks(s).some((c) => c.outcome === 'pass'), 30_000);
    await prom.stop();
    const r = await ramp;

    expect(r.exitCode, String(r.stderr)).toBe(1);
    const state = await readState(dir);
    const afterOutage = state!.gates.slice(state!.gates.findIndex((g) => g.outcome === 'error'));
    expect(afterOutage.map((g) => `${g.outcome}:${g.action}`)).toEqual(['error:continue', 'error:continue', 'error:rollback']);
    expect(state?.reason).toMatch(/gates unreadable 3 times in a row/);
    expect(state?.stages[0]?.status).toBe('failed'); // the 50 % stage never passed
  }, 60_000);
});
