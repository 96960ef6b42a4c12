// The gateway gate source over a log file the test writes: where it starts, which lines a
// window takes, other environments' lines, the size bound, and an unreadable log.
import { appendFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/core/gates/evaluate.js';
import { gatewaySource } from '../../src/core/gates/sources/gateway.js';
import type { Reading } from '../../src/core/gates/types.js';
import { nodeMap } from '../../src/core/gateway/traffic-stats.js';
import { tempProject } from '../helpers/project.js';

const nodes = { legacy: nodeMap('legacy', { baseUrl: 'http://127.0.0.1:9000/v1' }), target: nodeMap('target', { baseUrl: 'http://127.0.0.1:8001/v1' }) };
const limits = { maxErrorRate: 0.01, maxP95Ms: 3000, maxP95Ratio: 1.2, p95RatioFloorMs: 50, minSamples: 2, alpha: 0.01 };

function line(atMs: number, over: Record<string, string> = {}): string {
  return (
    JSON.stringify({
      msec: (atMs / 1000).toFixed(3),
      time: new Date(atMs).toISOString(),
      request_id: 'r',
      environment: 'canary',
      provider: 'target',
      upstream: '127.0.0.1:8001',
      status: '200',
      upstream_status: '200',
      request_time: '0.100',
      upstream_header_time: '0.050',
      upstream_connect_time: '0.001',
      mirror: '0',
      ...over,
    }) + '\n'
  );
}

let dir: string;
let file: string;
beforeEach(async () => {
  dir = tempProject('migrate-gw-source-');
  file = path.join(dir, 'gateway.json.log');
  await writeFile(file, line(1000, { request_id: 'old' }).repeat(5));
});

const measurement = (r: Reading) => {
  if (r.kind !== 'measurement') throw new Error(JSON.stringify(r));
  return r;
};

describe('gatewaySource', () => {
  it("starts at the log's end: requests logged before the ramp are not the stage's", async () => {
    const s = gatewaySource({ file, environment: 'canary', nodes });
    await s.start();
    await appendFile(file, line(10_000) + line(10_500, { provider: 'legacy', upstream: '127.0.0.1:9000' }));
    const r = measurement(await s.read({ environment: 'canary', stageIndex: 0, weight: 20, from: 9_000, to: 11_000 }));
    expect(r.target).toMatchObject({ requests: 1, errors: 0, p50Ms: 100, ttfbP50Ms: 50, nodes: { target: { requests: 1, errors: 0 } } });
    expect(r.legacy).toMatchObject({ requests: 1, nodes: { legacy: { requests: 1, errors: 0 } } });
    expect(r.samples).toEqual({ target: [100], legacy: [100] });
  });

  it("gives a window only its own lines and only its environment's, and counts lines it cannot read", async () => {
    const s = gatewaySource({ file, environment: 'canary', nodes });
    await s.start();
    await appendFile(
      file,
      line(10_000, { request_id: 'early' }) + line(20_000) + line(20_100, { environment: 'production' }) + 'garbage\n' + line(20_200, { status: '503', upstream_status: '503' }),
    );
    const r = measurement(await s.read({ environment: 'canary', stageIndex: 0, weight: 20, from: 15_000, to: 25_000 }));
    expect(r.target).toMatchObject({ requests: 2, errors: 1, errorKinds: { server: 1, rateLimited: 0, connect: 0, timeout: 0 } });
    expect(s.malformedLines()).toBe(1);
    // A later window no longer holds what fell out of it.
    const later = measurement(await s.read({ environment: 'canary', stageIndex: 0, weight: 20, from: 20_150, to: 25_000 }));
    expect(later.target.requests).toBe(1);
  });

  it('counts 401/403 as auth failures, which fail the gate at once', async () => {
    const s = gatewaySource({ file, environment: 'canary', nodes });
    await s.start();
    await appendFile(file, line(10_000, { status: '401', upstream_status: '401' }));
    const c = evaluate(await s.read({ environment: 'canary', stageIndex: 0, weight: 5, from: 9_000, to: 11_000 }), limits);
    expect(c).toMatchObject({
      outcome: 'fail',
      label: 'real traffic',
      reason: expect.stringMatching(/^target answered 401\/403 to 1 request: the key or base URL is wrong; target 0\.0% errors p95 100ms \(1 req\), legacy no requests$/),
    });
  });

  it('truncates the log past its bound once read, and goes on reading what nginx appends', async () => {
    const s = gatewaySource({ file, environment: 'canary', nodes, maxLogBytes: 2000 });
    await s.start();
    await appendFile(file, line(10_000).repeat(10));
    expect(measurement(await s.read({ environment: 'canary', stageIndex: 0, weight: 5, from: 9_000, to: 30_000 })).target.requests).toBe(10);
    expect((await stat(file)).size).toBe(0);
    await appendFile(file, line(20_000));
    expect(measurement(await s.read({ environment: 'canary', stageIndex: 0, weight: 5, from: 9_000, to: 30_000 })).target.requests).toBe(11);
  });

  it('a log that is missing is an error reading, named, never a pass', async () => {
    const s = gatewaySource({ file: path.join(dir, 'nope.log'), environment: 'canary', nodes });
    await s.start();
    const r = await s.read({ environment: 'canary', stageIndex: 0, weight: 5, from: 0, to: 1 });
    expect(r).toEqual({ source: 'gateway', kind: 'error', message: `cannot read the access log ${path.join(dir, 'nope.log')}: ENOENT` });
    expect(evaluate(r, limits)).toMatchObject({ outcome: 'error', reason: `gateway: cannot read the access log ${path.join(dir, 'nope.log')}: ENOENT` });
  });
});

describe('gatewaySource read concurrently', () => {
  it('counts each line once when the live line and a decision read at the same time', async () => {
    const s = gatewaySource({ file, environment: 'canary', nodes });
    await s.start();
    await appendFile(file, line(10_000).repeat(7));
    const w = { environment: 'canary', stageIndex: 0, weight: 5, from: 9_000, to: 30_000 };
    const [a, b] = await Promise.all([s.read(w), s.read(w)]);
    expect([measurement(a).target.requests, measurement(b).target.requests]).toEqual([7, 7]);
  });
});
