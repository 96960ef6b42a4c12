// End to end: how `migrate validate` sends its requests (per-request timeout, bounded
// concurrency, retries), read from the request logs of two fake providers. Needs `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../helpers/cli.js';
import { startFakeProvider, type FakeProvider, type RequestRecord } from '../helpers/fake-provider.js';

const LEGACY_KEY = 'sk-legacy-e2e-secret-0123456789';
const TARGET_KEY = 'sk-target-e2e-secret-9876543210';
/** Every fake-provider answer takes this long in the concurrency tests. */
const LATENCY_MS = 300;

let legacy: FakeProvider;
let target: FakeProvider;

beforeAll(async () => {
  [legacy, target] = await Promise.all([startFakeProvider({ name: 'legacy', apiKey: LEGACY_KEY }), startFakeProvider({ name: 'target', apiKey: TARGET_KEY })]);
});
afterAll(async () => {
  await Promise.all([legacy.close(), target.close()]);
});
beforeEach(() => {
  for (const p of [legacy, target]) {
    p.resetFaults();
    p.resetCounts();
  }
});

/** One case run `repeat` times; the rate limit is lifted so only the concurrency bound paces the run. */
function project({ repeat = 1, targetExtra = '' } = {}) {
  return tempProject('validate-running-', {
    'suite.yaml': `cases:\n  - id: chat\n    prompt: 'Reply with exactly "PONG"'\n    repeat: ${repeat}\n    assert: [{ icontains: pong }]\n`,
    'migrate.yaml': `version: 1
providers:
  legacy: { baseUrl: "${legacy.url}", apiKey: "\${LEGACY_KEY}" }
  target: { baseUrl: "${target.url}", apiKey: "\${TARGET_KEY}"${targetExtra} }
models: [gpt-4.1]
validate: { suites: [suite.yaml], rpm: 60000 }
`,
  });
}

function migrate(dir: string, args: string[]) {
  return runCli(['validate', '--config', path.join(dir, 'migrate.yaml'), '--json', 'r.json', ...args], { cwd: dir, env: { LEGACY_KEY, TARGET_KEY }, timeoutMs: 20_000 });
}

const readReport = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8'));
const said = (r: { exitCode?: number; stderr: string }) => `exit ${r.exitCode}: ${r.stderr}`;

/** The suite case's requests (not the deliberately bad probes), in order of arrival. */
const caseRequests = (p: FakeProvider) => p.requests.filter((q) => q.path === '/v1/chat/completions' && q.authorized && q.model === 'gpt-4.1');

/**
 * The most requests in flight at once, from the logs' arrival times and durations. Each span is
 * shortened by `slackMs` so a worker's next request, sent as its previous answer ends, does not
 * count as overlapping it.
 */
function peakInFlight(requests: readonly RequestRecord[], slackMs = 30): number {
  const spans = requests.map((q) => ({ start: q.time, end: q.time + q.durationMs! - slackMs }));
  return Math.max(...spans.map(({ start }) => spans.filter((s) => s.start <= start && start < s.end).length));
}

describe('migrate validate: requests (built CLI, two fake providers)', () => {
  it('a target slower than its timeoutMs: that case is an error saying it timed out, not retried, exit 1; legacy passes', async () => {
    const dir = project({ targetExtra: ', timeoutMs: 300' });
    target.setFaults({ latency: { ms: 5000, firstN: 1 } });
    const started = Date.now();
    // One request at a time, so the slow answer is the case's, not a probe's.
    const r = await migrate(dir, ['--concurrency', '1']);
    expect(r.exitCode, said(r)).toBe(1);
    // Gave up without waiting for the answer; the margin is for start-up on a loaded 2-core machine.
    expect(Date.now() - started).toBeLessThan(4000);
    const [chat] = readReport(dir).cases;
    expect(chat).toMatchObject({ id: 'chat', verdict: 'error', legacy: { status: 'pass' }, target: { status: 'error', attempts: 1 } });
    expect(chat.target.error).toBe('total timeout: no progress after 300 ms for the whole request including retries');
    expect(r.stdout).toMatch(/^chat\s+pass\s+error\s+error$/m);
    expect(caseRequests(target)).toHaveLength(1);
  });

  it('default concurrency is 8: 20 cases on both providers keep exactly 8 requests in flight at the peak', async () => {
    const dir = project({ repeat: 20 });
    for (const p of [legacy, target]) p.setFaults({ latency: LATENCY_MS });
    const r = await migrate(dir, []);
    expect(r.exitCode, said(r)).toBe(0);
    expect(caseRequests(legacy)).toHaveLength(20);
    expect(caseRequests(target)).toHaveLength(20);
    // The bound is on the whole run (both providers together), so neither provider ever sees more.
    expect(peakInFlight([...legacy.requests, ...target.requests])).toBe(8);
  });

  it('--concurrency 2 keeps at most 2 requests in flight', async () => {
    const dir = project({ repeat: 4 });
    for (const p of [legacy, target]) p.setFaults({ latency: LATENCY_MS });
    const r = await migrate(dir, ['--concurrency', '2']);
    expect(r.exitCode, said(r)).toBe(0);
    expect(caseRequests(target)).toHaveLength(4);
    expect(peakInFlight([...legacy.requests, ...target.requests])).toBe(2);
  });

  it('--concurrency 32: all 32 requests in flight at once and no warning on stderr (one abort listener per run, not one per request)', async () => {
    const dir = project({ repeat: 16 });
    for (const p of [legacy, target]) p.setFaults({ latency: LATENCY_MS });
    const r = await migrate(dir, ['--concurrency', '32', '--no-probes']);
    expect(r.exitCode, said(r)).toBe(0);
    expect(peakInFlight([...legacy.requests, ...target.requests])).toBe(32);
    expect(r.stderr).not.toMatch(/Warning|MaxListeners/);
  });

  it('--no-probes and validate.probes: false send the suite only: no GET /models, no deliberately bad requests', async () => {
    const all = (p: FakeProvider) => p.requests.length;
    const dir = project({ repeat: 2 });
    expect(said(await migrate(dir, []))).toMatch(/^exit 0/);
    expect(all(target)).toBeGreaterThan(2); // the probes are on by default (so the checks below can fail)
    for (const p of [legacy, target]) p.resetCounts();

    expect(said(await migrate(dir, ['--no-probes']))).toMatch(/^exit 0/);
    expect([all(legacy), all(target)]).toEqual([2, 2]);
    expect([caseRequests(legacy).length, caseRequests(target).length]).toEqual([2, 2]);
    expect(readReport(dir).probes ?? {}).toEqual({});

    for (const p of [legacy, target]) p.resetCounts();
    const off = project({ repeat: 2 });
    const config = path.join(off, 'migrate.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('rpm: 60000 }', 'rpm: 60000, probes: false }'));
    expect(said(await migrate(off, []))).toMatch(/^exit 0/);
    expect([all(legacy), all(target)]).toEqual([2, 2]);
  });

  it('a 503 on the first attempt is retried: the case passes with attempts 2, and the provider saw both requests', async () => {
    const dir = project();
    target.setFaults({ error: { status: 503, firstN: 1 } });
    // One request at a time, so the 503 goes to the case, not to a probe (probes are never retried).
    const r = await migrate(dir, ['--concurrency', '1']);
    expect(r.exitCode, said(r)).toBe(0);
    expect(readReport(dir).cases[0]).toMatchObject({ verdict: 'pass', legacy: { status: 'pass', attempts: 1 }, target: { status: 'pass', attempts: 2 } });
    expect(caseRequests(target).map((q) => q.status)).toEqual([503, 200]);
  });
});
