// `ramp --metrics-port`: the ramp's own progress, scraped over HTTP while a real ramp runs
// against the fake providers, as Prometheus would scrape it.
import { createServer } from 'node:net';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { canaryProject, expectNoSecrets, legacyEnvFile, migrate, probeRamp, providers, spawnMigrate, waitForState } from './helpers.js';

/** `name{labels} value` lines of one scrape, as a map from the series to its value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(url);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const series = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const m = /^(\w+\{[^}]*\}) (\S+)$/.exec(line);
    if (m) series.set(m[1]!, Number(m[2]));
  }
  return series;
}

/** Scrape until `ok` holds (the ramp is another process and moves on its own clock). */
async function scrapeUntil(url: string, ok: (s: Map<string, number>) => boolean, timeoutMs = 20_000): Promise<Map<string, number>> {
  const until = Date.now() + timeoutMs;
  let last = new Map<string, number>();
  while (Date.now() < until) {
    last = await scrape(url).catch(() => last);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`metrics never matched; last: ${JSON.stringify([...last])}`);
}

const ENV = 'environment="canary"';
const stageIs = (stage: number, weight: number) => (s: Map<string, number>) =>
  s.get(`migrate_ramp_stage{${ENV}}`) === stage && s.get(`migrate_ramp_weight_percent{${ENV}}`) === weight;

describe('migrate ramp --metrics-port', () => {
  it('serves the stage, weight and gate outcomes as they move, and stops serving when the ramp ends', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, ramp: probeRamp('10, 50, 100', '2s', '400ms') });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary', '--metrics-port', String(port)], { targetUrl: target.url });

    const at10 = await scrapeUntil(url, stageIs(1, 10));
    expect(at10.get(`migrate_ramp_paused{${ENV}}`)).toBe(0);
    expect(at10.get(`migrate_rollbacks_total{${ENV}}`)).toBe(0);
    expect(at10.get(`migrate_ramp_info{${ENV},driver="env",status="running",stages="10,50,100"}`)).toBe(1);
    const at50 = await scrapeUntil(url, stageIs(2, 50));
    // Stage 1 advanced on a passing decision, so the probes gate counted at least one pass.
    const passes = at50.get(`migrate_gate_outcomes_total{${ENV},gate="probes",outcome="pass"}`) ?? 0;
    expect(passes).toBeGreaterThanOrEqual(1);
    await scrapeUntil(url, (s) => (s.get(`migrate_gate_outcomes_total{${ENV},gate="probes",outcome="pass"}`) ?? 0) > passes);
    await scrapeUntil(url, stageIs(3, 100));

    const r = await ramp;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stderr)).toContain(`ramp metrics on ${url}`);
    // The server is closed with the ramp: nothing answers on the port any more.
    await expect(fetch(url)).rejects.toThrow();
    await expectNoSecrets(dir, String(r.stdout), String(r.stderr));
  });

  it('ramp.metricsPort in migrate.yaml does the same as the flag', async () => {
    const { legacy, target } = await providers();
    const port = await freePort();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, ramp: [...probeRamp('50, 100', '1200ms', '400ms'), `  metricsPort: ${port}`] });
    const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });

    await scrapeUntil(`http://127.0.0.1:${port}/metrics`, stageIs(1, 50));
    expect((await ramp).exitCode).toBe(0);
  });

  it('a port in use is a one-line error (exit 2) before anything changes', async () => {
    const { legacy, target } = await providers();
    const dir = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url });
    const taken = createServer();
    const port = await new Promise<number>((resolve) => taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port)));
    try {
      const r = await migrate(dir, ['ramp', '--env', 'canary', '--metrics-port', String(port)], { targetUrl: target.url });

      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--metrics-port ${port}: 127.0.0.1:${port} is in use; nothing was changed`);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toBe(legacyEnvFile(legacy.url));
      await expect(fs.stat(path.join(dir, '.migrate'))).rejects.toThrow(); // no state, lock, backup or audit
      expect(target.count()).toBe(0);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('refuses a port outside 1..65535 as a usage error', async () => {
    const dir = canaryProject({ legacyUrl: 'http://127.0.0.1:9/v1', targetUrl: 'http://127.0.0.1:9/v1' });
    const r = await migrate(dir, ['ramp', '--env', 'canary', '--metrics-port', '70000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--metrics-port must be at most 65535');
  });
});
