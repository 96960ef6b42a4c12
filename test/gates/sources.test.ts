// Gate sources against real servers on loopback: fake providers for probes, a shell for the
// command source, a node:http server for the webhook.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRunner } from '../helpers/run.js';
import { evaluate } from '../../src/core/gates/evaluate.js';
import { commandSource } from '../../src/core/gates/sources/command.js';
import { createGateSources } from '../../src/core/gates/sources/create.js';
import { probeSource, type ProbeSource } from '../../src/core/gates/sources/probes.js';
import { readChecks } from '../../src/core/gates/sources/read.js';
import { webhookSource } from '../../src/core/gates/sources/webhook.js';
import type { GateSource, WindowSpec } from '../../src/core/gates/types.js';
import { ProbeClient } from '../../src/core/http/client.js';
import { endpointOf } from '../../src/core/providers/endpoint.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';

const limits = { maxErrorRate: 0.01, maxP95Ms: 3000, maxP95Ratio: 1.2, p95RatioFloorMs: 50, minSamples: 20 };
const provider = (p: FakeProvider, apiKey = p.apiKey) => ({ baseUrl: p.url, apiKey, timeoutMs: 5000, nodes: [], strictModels: false });
const windowOf = (from: number, to = Date.now()): WindowSpec => ({ environment: 'canary', stageIndex: 1, weight: 20, from, to });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('probe source (real fake providers)', () => {
  let legacy: FakeProvider;
  let target: FakeProvider;
  let source: ProbeSource | undefined;
  const client = new ProbeClient({ processEnv: {} });

  beforeAll(async () => {
    legacy = await startFakeProvider({ name: 'legacy' });
    target = await startFakeProvider({ name: 'target' });
  });
  afterEach(async () => {
    await source?.close?.();
    target.resetFaults();
  });
  afterAll(async () => {
    await legacy.close();
    await target.close();
  });

  function start(apiKey?: string): { source: ProbeSource; from: number } {
    source = probeSource({
      client,
      target: endpointOf('target', provider(target, apiKey)),
      legacy: endpointOf('legacy', provider(legacy)),
      model: 'gpt-4.1',
      rps: 40,
    });
    const from = Date.now();
    source.start();
    return { source, from };
  }

  it('sends chat completions to both providers at the rate and passes a healthy target', async () => {
    target.resetCounts();
    legacy.resetCounts();
    const { source: s, from } = start();
    await sleep(1000);
    const reading = await s.read(windowOf(from));
    expect(reading.kind).toBe('measurement');
    if (reading.kind !== 'measurement') return;
    // 40 rps for 1 s; the lower bound is loose because a loaded 2-core CI machine delays timers.
    expect(reading.target.requests).toBeGreaterThanOrEqual(15);
    expect(reading.target.requests).toBeLessThanOrEqual(45);
    expect(reading.legacy!.requests).toBeGreaterThanOrEqual(15);
    expect(reading.target).toMatchObject({ errors: 0, authFailures: 0 });
    expect(target.count({ path: '/v1/chat/completions' })).toBeGreaterThanOrEqual(reading.target.requests!);
    expect(evaluate(reading, limits).outcome).toBe('pass');
  });

  it('counts every error a failing target gives (no retries) and fails the gate', async () => {
    target.setFaults({ error: { rate: 0.5, status: 503 }, seed: 7 });
    const { source: s, from } = start();
    await sleep(1000);
    const check = evaluate(await s.read(windowOf(from)), limits);
    expect(check.outcome).toBe('fail');
    expect(check.reason).toMatch(/^error rate \d+\.\d% > 1\.0% over \d+ requests$/);
    expect(check.target!.errors! / check.target!.requests!).toBeGreaterThan(0.3);
  });

  it('a wrong target key fails at once as an auth failure', async () => {
    const { source: s, from } = start('sk-wrong-key-000000000000');
    await sleep(300);
    const check = evaluate(await s.read(windowOf(from)), limits);
    expect(check).toMatchObject({ outcome: 'fail' });
    expect(check.reason).toMatch(/^target answered 401\/403 to \d+ requests?: the key or base URL is wrong$/);
  });

  it('only counts answers inside the window', async () => {
    const { source: s } = start();
    await sleep(500);
    // A window that starts after now: no answer can have landed in it (the same millisecond could).
    const later = Date.now() + 60_000;
    const reading = await s.read(windowOf(later, later + 1));
    expect(reading.kind === 'measurement' && reading.target.requests).toBe(0);
    expect(evaluate(reading, limits).outcome).toBe('inconclusive');
  });

  it('stops sending when closed', async () => {
    const { source: s } = start();
    await sleep(200);
    await s.close!();
    await sleep(100);
    const before = target.count();
    await sleep(300);
    expect(target.count()).toBe(before);
  });
});

describe('command source (real shell)', () => {
  const run = createRunner();
  const read = (command: string, timeoutMs?: number) => commandSource({ command, cwd: process.cwd(), run, timeoutMs }).read(windowOf(0, 30_000));

  it('exit 0 passes, non-zero fails with its last stderr line', async () => {
    expect(await read('true')).toEqual({ source: 'command', kind: 'verdict', verdict: 'pass' });
    expect(await read('echo "p95 too high" >&2; exit 4')).toEqual({ source: 'command', kind: 'verdict', verdict: 'fail', detail: 'exit code 4: p95 too high' });
  });

  it('a JSON verdict on the last stdout line wins over the exit status', async () => {
    expect(await read('echo checking; echo \'{"verdict":"inconclusive","reason":"only 3 orders"}\'; exit 1')).toEqual({
      source: 'command',
      kind: 'verdict',
      verdict: 'inconclusive',
      detail: 'only 3 orders',
    });
  });

  it('sees the environment, the weight, the 1-based stage and the window', async () => {
    const r = await read('test "$MIGRATE_ENV $MIGRATE_WEIGHT $MIGRATE_STAGE $MIGRATE_WINDOW_SECONDS" = "canary 20 2 30"');
    expect(r).toMatchObject({ verdict: 'pass' });
  });

  it('a command that cannot start or times out is a source error, not a fail', async () => {
    const missing = await commandSource({ command: ['/nonexistent/check'], cwd: process.cwd(), run }).read(windowOf(0, 1));
    expect(missing).toMatchObject({ source: 'command', kind: 'error' });
    // `exec`: the shared runner waits for a killed shell's children to close stdout (reported to its owner).
    expect(await read('exec sleep 5', 200)).toEqual({ source: 'command', kind: 'error', message: 'timed out after 200ms' });
  });
});

describe('webhook source (real http server)', () => {
  let server: http.Server;
  let url: string;
  let answer: { status: number; body: string };
  const received: unknown[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/gate?token=secret-token`;
  });
  afterAll(() => server.close());

  it('POSTs the stage and honours the verdict', async () => {
    answer = { status: 200, body: '{"verdict":"fail","reason":"refund rate up"}' };
    const r = await webhookSource({ url }).read({
      environment: 'canary',
      stageIndex: 0,
      weight: 5,
      from: Date.parse('2026-01-01T00:00:00Z'),
      to: Date.parse('2026-01-01T00:01:00Z'),
    });
    expect(r).toEqual({ source: 'webhook', kind: 'verdict', verdict: 'fail', detail: 'refund rate up' });
    expect(received.at(-1)).toEqual({ environment: 'canary', stage: 1, weight: 5, window: { from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T00:01:00.000Z' } });
  });

  it('a non-2xx or an answer without a verdict is a source error that does not show the token', async () => {
    answer = { status: 500, body: 'oops' };
    const r = await webhookSource({ url }).read(windowOf(0, 1));
    expect(r).toMatchObject({ kind: 'error', message: `${new URL(url).origin} answered HTTP 500` });
    answer = { status: 200, body: '{"ok":true}' };
    const r2 = await webhookSource({ url }).read(windowOf(0, 1));
    expect(r2.kind).toBe('error');
    expect(JSON.stringify([r, r2])).not.toContain('secret-token');
  });

  it('no answer in time is a source error', async () => {
    const hang = http.createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const r = await webhookSource({ url: `http://127.0.0.1:${(hang.address() as AddressInfo).port}/`, timeoutMs: 200 }).read(windowOf(0, 1));
    expect(r).toMatchObject({ kind: 'error', message: expect.stringContaining('no answer within 200ms') });
    hang.closeAllConnections();
    hang.close();
  });
});

describe('sources from config', () => {
  it("turns on probes by default and each configured source; a throwing source is that source's error", async () => {
    const p = { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-x-000000000000', timeoutMs: 1000, nodes: [], strictModels: false };
    const { all, probes } = createGateSources({
      sources: { probes: { rps: 1, baseline: true }, command: 'true', webhook: 'http://127.0.0.1:9/h' },
      providers: { legacy: p, target: p },
      model: 'gpt-4.1',
      client: new ProbeClient({ processEnv: {} }),
      configDir: process.cwd(),
      run: createRunner(),
      environment: 'canary',
      traffic: { driver: 'env', weightKey: 'LLM_TARGET_WEIGHT' },
    });
    expect(all.map((s) => s.name)).toEqual(['probes', 'command', 'webhook']);
    expect(probes).toBe(all[0]);
    const broken: GateSource = { name: 'custom', read: () => Promise.reject(new Error('boom')) };
    expect(await readChecks([broken], windowOf(0, 1), limits)).toEqual([{ source: 'custom', outcome: 'error', reason: 'custom: boom' }]);
  });
});
