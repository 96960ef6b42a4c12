// `migrate ramp` gated by real traffic alone (probes off): a real nginx (Debian's) writes the
// gateway's JSON access log, the test plays the app sending requests through it, and the ramp
// holds on healthy traffic, then rolls back when target's real requests start failing.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { NGINX_BIN, type NginxRig, postThrough, startGateway } from '../helpers/nginx.js';
import { canaryProject, LEGACY_KEY, readState, soakingAt, spawnMigrate, TARGET_KEY, waitForState } from './helpers.js';
import { tempProject } from '../helpers/project.js';

let legacy: FakeProvider;
let target: FakeProvider;
let rig: NginxRig;
let logDir: string;
let logFile: string;

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy', apiKey: LEGACY_KEY });
  target = await startFakeProvider({ name: 'target', apiKey: TARGET_KEY });
  logDir = tempProject('migrate-ramp-log-');
  logFile = path.join(logDir, 'gateway.json.log');
  rig = await startGateway({ legacy, target, logFile });
});
afterAll(async () => {
  await rig?.stop();
  await legacy?.close();
  await target?.close();
});

/** The app: requests through the gateway, 8 in flight, until stopped. */
function appTraffic(): { stop(): Promise<number[]> } {
  let running = true;
  const statuses: number[] = [];
  const workers = Array.from({ length: 8 }, async () => {
    while (running) statuses.push(await postThrough(`${rig.url}/v1/chat/completions`, '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}'));
  });
  return { stop: async () => ((running = false), await Promise.all(workers), statuses) };
}

describe('ramp gated by real traffic (ramp.sources.gateway)', () => {
  it('holds on healthy real requests, names the source in each decision, and rolls back when target fails them', async () => {
    const dir = canaryProject({
      legacyUrl: legacy.url,
      targetUrl: target.url,
      environments: [
        '  canary:',
        '    envFiles: [.env.canary]',
        `    traffic: { driver: nginx, file: ${rig.includeFile}, binary: ${NGINX_BIN}, args: ${JSON.stringify(rig.args)}, accessLog: ${logFile} }`,
      ],
      ramp: ['  stages: [20, 100]', '  soak: 60s', '  interval: 500ms', '  gates: { minSamples: 20 }', '  sources: { probes: false }'],
    });
    const app = appTraffic();
    try {
      const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
      await waitForState(dir, soakingAt(20));
      // A few healthy decisions on real traffic first.
      await waitForState(dir, (s) => s.gates.some((d) => / legacy 0\.0% errors p95 \d+ms \(\d+ req\);.*→ holding/.test(d.line)), 20_000);
      target.setFaults({ error: { status: 503 } });
      const r = await ramp;
      const stderr = String(r.stderr);
      expect(r.exitCode, stderr).toBe(1);
      expect((await readState(dir))?.status).toBe('rolled-back');
      expect(stderr).toMatch(
        /stage 20%: real traffic: target 0\.0% errors p95 \d+ms \(\d+ req\), legacy 0\.0% errors p95 \d+ms \(\d+ req\); latency vs legacy Mann-Whitney U=[\d.]+ p[=<][\d.]+ n=\d+\/\d+ → holding/,
      );
      expect(stderr).toMatch(
        /stage 20%: real traffic: error rate \d+\.\d% > 1\.0% \(\d+ errors; binomial p[=<][\d.]+, vs legacy Fisher p[=<][\d.]+ ≤ α 0\.01\); target \d+\.\d% errors \[\d+ 5xx\] p95 \d+ms \(\d+ req\), legacy 0\.0% errors p95 \d+ms \(\d+ req\) → rolling back/,
      );
      if (process.env.SHOW) console.log(stderr);
    } finally {
      target.resetFaults();
      await app.stop();
    }
    // After the rollback the app's requests all stay on legacy.
    target.resetCounts();
    const after = appTraffic();
    await new Promise((res) => setTimeout(res, 500));
    const statuses = await after.stop();
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(target.count({ model: 'gpt-4o' })).toBe(0);
  }, 90_000);
});
