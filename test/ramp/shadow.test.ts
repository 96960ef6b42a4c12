// `migrate ramp` with a shadow stage through a real nginx (Debian's): the test plays the app
// sending requests through it; during the shadow stage every answer comes from legacy while a
// sampled share is copied to target, and the real-traffic gate judges target on those copies.
import http from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderLocation, renderNginxInclude } from '../../src/core/traffic/nginx-render.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { appAgent, NGINX_BIN, startNginx, type NginxRig } from '../helpers/nginx.js';
import { canaryProject, LEGACY_KEY, migrate, readState, spawnMigrate, TARGET_KEY, waitForState } from './helpers.js';
import { tempProject } from '../helpers/project.js';

let legacy: FakeProvider;
let target: FakeProvider;
let rig: NginxRig;
let logDir: string;
let logFile: string;

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy', apiKey: LEGACY_KEY });
  target = await startFakeProvider({ name: 'target', apiKey: TARGET_KEY });
  logDir = tempProject('migrate-ramp-shadow-');
  logFile = path.join(logDir, 'access.json');
  const providers = { legacy: { baseUrl: legacy.url, apiKey: LEGACY_KEY }, target: { baseUrl: target.url, apiKey: TARGET_KEY } };
  rig = await startNginx({
    include: renderNginxInclude({ environment: 'canary', weight: 0, splitKey: '$request_id', providers }),
    server: renderLocation('canary', [], { accessLog: logFile }),
  });
});
afterEach(() => target.resetFaults());
afterAll(async () => {
  await rig?.stop();
  appAgent.destroy();
  await legacy?.close();
  await target?.close();
});

interface Seen {
  status: number;
  provider: string;
  /** The ramp's stage index when the answer came. */
  during?: number;
}

/** The app: requests through nginx, 4 in flight, each answer with the provider that served it. */
function appTraffic(stageNow: () => number | undefined): { stop(): Promise<Seen[]> } {
  let running = true;
  const seen: Seen[] = [];
  // A reload closes idle keep-alive connections: a request racing that close is retried once, as SDKs do.
  const one = (retried = false) =>
    new Promise<Seen>((resolve) => {
      const req = http.request(`${rig.url}/v1/chat/completions`, { method: 'POST', agent: appAgent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, provider: String(res.headers['x-migrate-provider']), during: stageNow() }));
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (!retried && err.code === 'ECONNRESET' && req.reusedSocket) resolve(one(true));
        else resolve({ status: 0, provider: `none (${err.code})`, during: stageNow() });
      });
      req.end('{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}');
    });
  const workers = Array.from({ length: 4 }, async () => {
    while (running) seen.push(await one());
  });
  return { stop: async () => ((running = false), await Promise.all(workers), seen) };
}

function shadowProject(): string {
  return canaryProject({
    legacyUrl: legacy.url,
    targetUrl: target.url,
    environments: [
      '  canary:',
      '    envFiles: [.env.canary]',
      `    traffic: { driver: nginx, file: ${rig.includeFile}, binary: ${NGINX_BIN}, args: ${JSON.stringify(rig.args)}, accessLog: ${logFile} }`,
    ],
    ramp: ['  stages: [shadow, 50]', '  shadow: 30', '  soak: 2s', '  interval: 500ms', '  gates: { minSamples: 10, p95RatioFloorMs: 500 }', '  sources: { probes: false }'],
  });
}

/** The stage the ramp is soaking now, from its state file (cached between polls). */
function stageWatcher(dir: string): { now(): number | undefined; stop(): void } {
  let current: number | undefined;
  const timer = setInterval(() => {
    void readState(dir).then(
      (s) => (current = s && s.stages[s.current]?.status === 'soaking' ? s.current : undefined),
      () => undefined,
    );
  }, 50);
  return { now: () => current, stop: () => clearInterval(timer) };
}

describe('ramp with a shadow stage', () => {
  it('--dry-run names the shadow stage and what it costs', async () => {
    const r = await migrate(shadowProject(), ['ramp', '--env', 'canary', '--dry-run', '--shadow', '20%', '--stages', '10,50'], { targetUrl: target.url });
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toContain('stage 1/3: shadow 20% for 2s, gates every 500ms');
    expect(out).toContain('(split 0% to target and mirror 20% to target (shadow))');
    expect(out).toContain("shadow: stage 1 copies 20% of real requests to target while legacy answers every user: those requests' tokens are paid twice");
    expect(out).toContain('do not shadow requests with side effects');
  });

  it('serves every user from legacy while target is judged on the copies, then moves on', async () => {
    const dir = shadowProject();
    const watch = stageWatcher(dir);
    const app = appTraffic(watch.now);
    const before = target.count({ path: '/v1/chat/completions' });
    let seen: Seen[];
    try {
      const r = await spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
      expect(r.exitCode, String(r.stderr)).toBe(0);
      const stderr = String(r.stderr);
      expect(stderr).toContain('ramp canary: 2 stages, shadow 30% → 50%');
      expect(stderr).toContain('stage 1/2: every user on legacy, 30% of requests copied to target (shadow), soaking');
      expect(stderr).toMatch(/stage shadow 30%: real traffic: target 0\.0% errors p95 \d+ms \((\d+) req\), legacy 0\.0% errors p95 \d+ms \(\d+ req\).* → (holding|passed)/);
      expect(stderr).toContain('✓ stage 1/2 (shadow 30%) passed');
    } finally {
      seen = await app.stop();
      watch.stop();
    }
    const shadowAnswers = seen.filter((s) => s.during === 0);
    expect(shadowAnswers.length).toBeGreaterThan(50);
    expect(shadowAnswers.every((s) => s.status === 200 && s.provider === 'legacy')).toBe(true);
    expect(seen.filter((s) => s.during === 1).some((s) => s.provider === 'target')).toBe(true);
    expect(target.count({ path: '/v1/chat/completions' }) - before).toBeGreaterThan(10);
    const state = await readState(dir);
    expect(state?.status).toBe('completed');
    expect(state?.stages[0]).toMatchObject({ weight: 0, mirror: 30, status: 'passed' });
    const status = await migrate(dir, ['status', '--env', 'canary']);
    expect(status.stdout).toContain('stages shadow 30% ✓ → 50% ✓');
  }, 60_000);

  it('a target failing the copies is rolled back while the app never sees a failure', async () => {
    const dir = shadowProject();
    const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    // From the shadow stage on (nginx still holds the last test's 50 % until it is applied).
    await waitForState(dir, (s) => s.stages[0]?.status === 'soaking');
    const app = appTraffic(() => undefined);
    let seen: Seen[];
    try {
      target.setFaults({ error: { status: 500 } });
      const r = await ramp;
      expect(r.exitCode, String(r.stderr)).toBe(1);
      expect(String(r.stderr)).toMatch(/stage shadow 30%: real traffic: error rate \d+\.\d% > 1\.0%.* → rolling back/);
    } finally {
      seen = await app.stop();
    }
    expect((await readState(dir))?.status).toBe('rolled-back');
    expect(seen.length).toBeGreaterThan(50);
    expect(seen.filter((s) => s.status !== 200 || s.provider !== 'legacy')).toEqual([]);
  }, 60_000);
});
