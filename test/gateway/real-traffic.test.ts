// The gateway with real parts end to end, on one compose project: docker compose, the nginx
// image from .ci/docker.sh as llm-gateway, a busybox app sending requests in four loops with a
// 10 ms pause (100-300 a second here, by load), legacy and a target with two nodes on its own host (fake
// providers on loopback). One test walks the user's path: setup, a 20 % stage on real traffic,
// a node killed, the split measured, the target failing, remove; each phase counts what the app saw.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nginxImageAvailable } from '../helpers/docker.js';
import { waitUntil } from '../helpers/wait.js';
import { LEGACY_KEY, migrate, readState, soakingAt, spawnMigrate, TARGET_KEY, waitForState } from '../ramp/helpers.js';
import { gatewayApp, moreAppRequests, providerOf } from './helpers.js';

// The example interval. The rollback's fixed costs (a lock, the backup, `docker exec`
// nginx -t and -s reload) take 1-3 s on this loaded 2-core machine, which at a 1 s interval would
// be the whole budget; bench/gateway.js measures the gate itself at 1 s on a host nginx.
const INTERVAL_MS = 5000;

interface LogLine {
  provider: string;
  node: string;
  upstream: string;
  status: string;
  upstream_status: string;
}

/** The gateway's access log from byte `from` on, and where it ends now. */
async function logSince(file: string, from: number): Promise<{ lines: LogLine[]; end: number }> {
  const text = await fs.readFile(file);
  const lines = text
    .subarray(from)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLine);
  return { lines, end: text.length };
}

const fails = (results: string[]) => results.filter((r) => r !== 'ok').length;

/** A decision's real-traffic figures show errors on the dead node and requests served by the live one. */
function deadNodeSeen(checks: unknown[], dead: string, live: string): boolean {
  return checks.some((c) => {
    const nodes = (c as { target?: { nodes?: Record<string, { requests: number; errors: number }> } }).target?.nodes ?? {};
    return (nodes[dead]?.errors ?? 0) > 0 && (nodes[live]?.requests ?? 0) > 0;
  });
}

/** When the app last saw a failure, to 50 ms: its results are read until stop(). */
function watchFailures(results: () => Promise<string[]>): { stop(): Promise<number> } {
  let running = true;
  let count = -1;
  let last = Date.now();
  const loop = (async () => {
    while (running) {
      const now = fails(await results());
      if (now !== count) [count, last] = [now, Date.now()];
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return { stop: async () => ((running = false), await loop, last) };
}

describe.skipIf(!(await nginxImageAvailable()))('the gateway on real app traffic', () => {
  it('setup loses no request; 20 % splits real requests within 3 points; a dead node costs nothing; a failing target is rolled back within 2 intervals; remove goes direct', async () => {
    const { dir, port, legacy, target, node2, app } = await gatewayApp({
      loops: 4,
      pause: 0.01,
      secondNode: true,
      // Real traffic alone decides (no probes); a soak long enough that the stage never ends by itself.
      ramp: ['  stages: [20, 100]', '  soak: 300s', `  interval: ${INTERVAL_MS}ms`, '  gates: { minSamples: 20 }', '  sources: { probes: false }'],
    });
    const log = path.join(dir, 'llm-gateway/canary/logs/access.json');

    // 1. setup: the app is recreated onto the gateway without one failed request, and stays on legacy.
    const setup = await migrate(dir, ['gateway', 'setup', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(setup.code, setup.stderr).toBe(0);
    await moreAppRequests(() => app.at(legacy), 200, "the app's requests through the gateway");
    expect((await logSince(log, 0)).lines.filter((l) => l.provider === 'legacy').length).toBeGreaterThan(100);
    expect(app.atTarget()).toEqual([]);
    expect(fails(await app.results())).toBe(0);

    // 2. 20 %: real requests split by the gateway, the gate holding on them.
    const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary', '--yes'], { targetUrl: target.url });
    await waitForState(dir, soakingAt(20), 60_000);
    await moreAppRequests(() => app.atTarget(), 5, "the app's first requests at target"); // the reload is in effect
    const from = { legacy: app.at(legacy).length, target: app.atTarget().length, log: (await logSince(log, 0)).end, at: Date.now() };
    await waitForState(dir, (st) => st.gates.some((g) => /^stage 20%: real traffic: target .* → holding/.test(g.line)), 30_000);
    // The node measured fastest at the stage's apply is the primary and takes every target request; the other is its backup.
    const nodes = [
      { id: 'node-1', fake: target },
      { id: 'node-2', fake: node2! },
    ];
    const primary = nodes.find((n) => app.at(n.fake).length > 0)!;
    const backup = nodes.find((n) => n !== primary)!;
    expect(primary).toBeDefined();
    expect(app.at(backup.fake)).toEqual([]);

    // 3. A target node dies mid-stage: its requests fail over to the other node within the request.
    const beforeKill = (await app.results()).length;
    const logAtKill = (await logSince(log, 0)).end;
    const killedAt = Date.now();
    await primary.fake.close();
    await moreAppRequests(() => app.at(backup.fake), 100, "the app's requests at the surviving node");
    const results = await app.results();
    expect(results.length - beforeKill).toBeGreaterThan(100);
    expect(fails(results)).toBe(0);
    // Reported: the log lists both tries (the dead node's hop, then the live one's) and names the node that answered.
    const failedOver = (await logSince(log, logAtKill)).lines.filter((l) => l.upstream.includes(', ') && l.node === backup.id);
    expect(failedOver.length).toBeGreaterThan(0);
    expect(failedOver.every((l) => l.status === '200' && l.upstream_status.startsWith('502, '))).toBe(true);
    // …and so do the gate's decisions, per node (the failed try counts against the dead node).
    await waitForState(dir, (st) => st.gates.some((g) => Date.parse(g.at) > killedAt && deadNodeSeen(g.checks, primary.id, backup.id)), 20_000);
    const status = await migrate(dir, ['gateway', 'status', '--env', 'canary', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ weight: 20, requests: { target: { errors: 0 } } });
    expect((await readState(dir))?.status).toBe('running'); // the gate held: the app saw no error

    // The split over all of the 20 % stage so far, 1500 requests at least (±3 points is 2.9
    // standard deviations), counted at the providers and in the gateway's log.
    await waitUntil('1500 app requests at 20 %', () => app.at(legacy).length + app.atTarget().length - from.legacy - from.target >= 1500, { timeoutMs: 60_000, everyMs: 200 });
    const atLegacy = app.at(legacy).length - from.legacy;
    const atTarget = app.atTarget().length - from.target;
    const appRate = (atLegacy + atTarget) / (Date.now() - from.at); // requests a millisecond
    expect(Math.abs((100 * atTarget) / (atLegacy + atTarget) - 20)).toBeLessThanOrEqual(3);
    const logged = (await logSince(log, from.log)).lines;
    expect(logged.length).toBeGreaterThanOrEqual(1500);
    expect(Math.abs((100 * logged.filter((l) => l.provider === 'target').length) / logged.length - 20)).toBeLessThanOrEqual(3);

    // 4. The target starts failing: the real-traffic gate rolls back, and app requests are back on legacy within 2 intervals.
    const beforeFault = (await app.results()).length;
    const watch = watchFailures(app.results);
    const fault = Date.now();
    backup.fake.setFaults({ error: { status: 503 } });
    const done = await ramp;
    const stderr = String(done.stderr);
    expect(done.exitCode, stderr).toBe(1);
    expect(stderr).toMatch(/stage 20%: real traffic: error rate .* → rolling back/);
    await moreAppRequests(() => app.at(legacy), 200, "the app's requests back on legacy");
    const lastFailure = await watch.stop();
    // The gate decides within 2 intervals; the reset after it (lock, backup, `docker exec` nginx -t
    // and -s reload) took 1-3 s alone and up to 8 s with the whole suite's docker tests running.
    const decided = Date.parse((await readState(dir))!.gates.findLast((g) => g.action === 'rollback')!.at);
    expect((decided - fault) / INTERVAL_MS).toBeLessThanOrEqual(2);
    const intervals = (lastFailure - fault) / INTERVAL_MS;
    expect(lastFailure - decided).toBeLessThanOrEqual(10_000);
    // At most the requests the app sends in those 2 intervals (at its healthy rate) fail.
    const failed = fails((await app.results()).slice(beforeFault));
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThanOrEqual(appRate * 2 * INTERVAL_MS);
    if (process.env.SHOW) console.log({ appRate, atLegacy, atTarget, intervals, failed, bound: appRate * 2 * INTERVAL_MS });
    backup.fake.resetFaults();

    // 5. remove: the app goes straight to legacy again, past the gateway (whose log stops growing).
    const remove = await migrate(dir, ['gateway', 'remove', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(remove.code, remove.stderr).toBe(0);
    expect(await fs.readFile(path.join(dir, '.env'), 'utf8')).toBe(`OPENAI_BASE_URL=${legacy.url}\nOPENAI_API_KEY=${LEGACY_KEY}\n`);
    const beforeDirect = (await app.results()).length;
    const gone = await fs.readFile(log, 'utf8');
    await moreAppRequests(() => app.at(legacy), 200, "the app's requests at legacy directly");
    expect(await fs.readFile(log, 'utf8')).toBe(gone);
    await expect(providerOf(port)).rejects.toThrow();
    expect(fails((await app.results()).slice(beforeDirect))).toBe(0);
    expect(fails(await app.results())).toBe(failed); // no failure but the rollback's

    for (const text of [setup.stdout, setup.stderr, stderr, String(done.stdout), status.stdout, remove.stdout, remove.stderr, gone]) {
      expect(text).not.toContain(LEGACY_KEY);
      expect(text).not.toContain(TARGET_KEY);
    }
  }, 300_000);
});
