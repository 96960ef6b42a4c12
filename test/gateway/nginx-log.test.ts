// The real-traffic gate source against a real nginx (Debian's) proxying to two fake providers
// and writing the gateway's JSON access log: the reader's counts match the requests sent, what
// the app saw and what the providers received, and nginx's own failures are classified right.
import http from 'node:http';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combine } from '../../src/core/gates/combine.js';
import { evaluate } from '../../src/core/gates/evaluate.js';
import { gatewaySource, type RealTrafficSource } from '../../src/core/gates/sources/gateway.js';
import type { Figures, Reading, Thresholds } from '../../src/core/gates/types.js';
import { nodeMap } from '../../src/core/gateway/traffic-stats.js';
import { renderLocation, renderNginxInclude } from '../../src/core/traffic/nginx-render.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { appAgent, gatewayLogFormat, type NginxRig, startGateway, startNginx } from '../helpers/nginx.js';
import { closedPort } from '../helpers/ports.js';
import { tempProject } from '../helpers/project.js';

const limits: Thresholds = { maxErrorRate: 0.01, maxP95Ms: 3000, maxP95Ratio: 1.2, p95RatioFloorMs: 50, minSamples: 20, alpha: 0.01 };

let legacy: FakeProvider;
let target: FakeProvider;
let deadPort: number;
let rig: NginxRig;
let logDir: string;
let source: RealTrafficSource;
const started = Date.now();

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy' });
  target = await startFakeProvider({ name: 'target' });
  deadPort = await closedPort();
  logDir = tempProject('migrate-gateway-log-');
  const providers = { legacy: { baseUrl: legacy.url, apiKey: legacy.apiKey }, target: { baseUrl: target.url, apiKey: target.apiKey } };
  const logFile = path.join(logDir, 'access.json.log');
  rig = await startGateway({
    legacy,
    target,
    weight: 50,
    logFile,
    // target gets a dead node in front of its live one: nginx fails over within the request.
    deadTargetPort: deadPort,
    // A 1 s read timeout makes a slow provider a timeout within the test.
    location: (l) => l.replace('proxy_read_timeout 300s', 'proxy_read_timeout 1s'),
  });
  const nodes = {
    legacy: nodeMap('legacy', providers.legacy),
    target: nodeMap('target', { ...providers.target, nodes: [{ id: 'dead', baseUrl: `http://127.0.0.1:${deadPort}/v1` }] }),
  };
  source = gatewaySource({ file: logFile, environment: 'canary', nodes });
  await source.start();
}, 30_000);

afterAll(async () => {
  await rig?.stop();
  appAgent.destroy();
  await legacy?.close();
  await target?.close();
});

interface Answer {
  status: number;
  provider: string;
}

/** An app's chat completion through the gateway: the status and which provider served it. */
function chat(): Promise<Answer> {
  return chatVia(rig.url);
}

function chatVia(base: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}/v1/chat/completions`,
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

async function send(n: number, concurrency = 16): Promise<Answer[]> {
  const answers: Answer[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) answers.push(await chat());
    }),
  );
  return answers;
}

/** Reads until the log holds `total` requests (nginx logs just after answering). */
async function readUntil(total: number): Promise<Extract<Reading, { kind: 'measurement' }>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await source.read({ environment: 'canary', stageIndex: 1, weight: 50, from: started, to: Date.now() + 1000 });
    if (r.kind !== 'measurement') throw new Error(`reading: ${JSON.stringify(r)}`);
    if ((r.target.requests ?? 0) + (r.legacy!.requests ?? 0) >= total || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
}

const count = (answers: Answer[], provider: string, status?: number) => answers.filter((a) => a.provider === provider && (status === undefined || a.status === status)).length;

describe('the gateway source on a real nginx access log', () => {
  const all: Answer[] = [];

  it('counts every request per provider as the app saw it and the providers received it; a failover is no error', async () => {
    all.push(...(await send(200)));
    const r = await readUntil(200);
    expect(all.every((a) => a.status === 200)).toBe(true);
    expect(count(all, 'target')).toBeGreaterThan(40); // a 50 % split
    expect(r.target).toMatchObject({ requests: count(all, 'target'), errors: 0 });
    expect(r.legacy).toMatchObject({ requests: count(all, 'legacy'), errors: 0 });
    expect(target.count({ path: '/v1/chat/completions' })).toBe(r.target.requests);
    expect(legacy.count({ path: '/v1/chat/completions' })).toBe(r.legacy!.requests);
    // Every try on the dead node failed over to the live one, within the request.
    const nodes = r.target.nodes!;
    expect(nodes.dead!.requests).toBeGreaterThanOrEqual(1);
    expect(nodes.dead!.errors).toBe(nodes.dead!.requests);
    expect(nodes.target).toEqual({ requests: r.target.requests, errors: 0, failovers: 0 });
    expect(nodes.dead!.failovers).toBe(nodes.dead!.requests);
    expect(r.target.p95Ms).toBeGreaterThan(0);
    expect(r.target.ttfbP50Ms).toBeDefined();
    const c = evaluate(r, limits);
    expect(c.outcome).toBe('pass');
    expect(combine([c]).reason).toMatch(
      new RegExp(
        `^real traffic: target 0\\.0% errors p95 \\d+ms \\(${r.target.requests} req; nodes [^)]+\\), legacy 0\\.0% errors p95 \\d+ms \\(${r.legacy!.requests} req\\); latency vs legacy Mann-Whitney U=[\\d.]+ p[=<][\\d.]+ n=${r.target.requests}/${r.legacy!.requests}$`,
      ),
    );
  });

  it("splits errors into the provider's 5xx and nginx's timeouts, and the gate fails target", async () => {
    target.setFaults({ error: { status: 500 } });
    legacy.setFaults({ latency: { ms: 2000, firstN: 4 } });
    try {
      all.push(...(await send(60)));
    } finally {
      target.resetFaults();
      legacy.resetFaults();
    }
    const r = await readUntil(all.length);
    const errorKinds = (f: Figures) => f.errorKinds;
    expect(r.target.requests).toBe(count(all, 'target'));
    expect(errorKinds(r.target)).toEqual({ server: count(all, 'target', 500), rateLimited: 0, connect: 0, timeout: 0 });
    expect(count(all, 'target', 500)).toBeGreaterThan(5);
    expect(errorKinds(r.legacy!)).toEqual({ server: 0, rateLimited: 0, connect: 0, timeout: count(all, 'legacy', 504) });
    expect(count(all, 'legacy', 504)).toBe(4);
    const c = evaluate(r, limits);
    expect(c.outcome).toBe('fail');
    expect(c.reason).toMatch(
      /^error rate \d+\.\d% > 1\.0% \(\d+ errors; binomial p[=<][\d.]+, vs legacy Fisher p[=<][\d.]+ ≤ α 0\.01\); target \d+\.\d% errors \[\d+ 5xx\] p95 \d+ms \(\d+ req; nodes [^)]+\), legacy \d+\.\d% errors \[\d+ timeout\]/,
    );
  }, 60_000);

  it('a log that cannot be read is an error reading, never a pass', async () => {
    await rm(path.join(logDir, 'access.json.log'));
    const r = await source.read({ environment: 'canary', stageIndex: 1, weight: 50, from: started, to: Date.now() });
    expect(r).toMatchObject({ kind: 'error', message: expect.stringContaining('ENOENT') });
    expect(evaluate(r, limits).outcome).toBe('error');
  });
});

describe('a provider nginx cannot connect to', () => {
  it("is counted as connect errors from nginx's own 502s, on the dead node", async () => {
    const dead = await closedPort();
    const logFile = path.join(logDir, 'dead.json.log');
    const providers = { legacy: { baseUrl: `http://127.0.0.1:${dead}/v1`, apiKey: legacy.apiKey }, target: { baseUrl: target.url, apiKey: target.apiKey } };
    const deadRig = await startNginx({
      include: renderNginxInclude({ environment: 'canary', weight: 50, splitKey: '$request_id', providers }),
      server: `${renderLocation('canary')}\naccess_log ${logFile} migrate_gateway;`,
      http: gatewayLogFormat('canary'),
    });
    try {
      const s = gatewaySource({ file: logFile, environment: 'canary', nodes: { legacy: nodeMap('legacy', providers.legacy), target: nodeMap('target', providers.target) } });
      await s.start();
      const answers: Answer[] = [];
      for (let i = 0; i < 40; i++) answers.push(await chatVia(deadRig.url));
      const deadline = Date.now() + 10_000;
      let r: Reading;
      do r = await s.read({ environment: 'canary', stageIndex: 0, weight: 50, from: started, to: Date.now() + 1000 });
      while (r.kind === 'measurement' && (r.target.requests ?? 0) + (r.legacy?.requests ?? 0) < 40 && Date.now() < deadline);
      if (r.kind !== 'measurement') throw new Error(JSON.stringify(r));
      expect(count(answers, 'legacy')).toBeGreaterThan(5);
      expect(count(answers, 'legacy', 502)).toBe(count(answers, 'legacy'));
      expect(r.legacy).toMatchObject({
        requests: count(answers, 'legacy'),
        errors: count(answers, 'legacy'),
        errorKinds: { server: 0, rateLimited: 0, connect: count(answers, 'legacy'), timeout: 0 },
      });
      expect(r.legacy!.nodes).toEqual({ legacy: { requests: count(answers, 'legacy'), errors: count(answers, 'legacy'), failovers: 0 } });
      expect(r.target).toMatchObject({ requests: count(answers, 'target'), errors: 0 });
    } finally {
      await deadRig.stop();
    }
  }, 30_000);
});
