// The nginx driver against a real nginx (Debian package) and two counting upstreams on loopback.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunner } from '../helpers/run.js';
import { nginxDriver } from '../../src/core/traffic/nginx.js';
import { extraHeaderNames, renderLocation, renderNginxInclude } from '../../src/core/traffic/nginx-render.js';
import type { TrafficDriver } from '../../src/core/traffic/types.js';
import { appAgent, NGINX_BIN, postThrough, startNginx, type NginxRig } from '../helpers/nginx.js';

const KEYS = { legacy: 'sk-legacy-key-0000000000001111', target: 'hs-target-key-0000000000002222' };

interface Upstream {
  server: http.Server;
  baseUrl: string;
  hits: number;
  /** Requests that arrived with another provider's key, or a wrong Host or path. */
  wrong: string[];
}

async function upstream(role: 'legacy' | 'target', basePath: string): Promise<Upstream> {
  const u: Upstream = { server: http.createServer(), baseUrl: '', hits: 0, wrong: [] };
  u.server.on('request', (req, res) => {
    u.hits++;
    const host = `127.0.0.1:${(u.server.address() as AddressInfo).port}`;
    if (req.headers.authorization !== `Bearer ${KEYS[role]}`) u.wrong.push(`auth ${req.headers.authorization}`);
    if (req.headers.host !== host) u.wrong.push(`host ${req.headers.host}`);
    if (!req.url?.startsWith(`${basePath}/chat/completions?n=`)) u.wrong.push(`path ${req.url}`);
    // The target's own extra header reaches the target only.
    const tenant = req.headers['x-relay-tenant'];
    if (role === 'target' ? tenant !== 'acme' : tenant !== undefined) u.wrong.push(`x-relay-tenant ${tenant}`);
    req.resume();
    req.on('end', () => res.end(JSON.stringify({ provider: role })));
  });
  await new Promise<void>((r) => u.server.listen(0, '127.0.0.1', r));
  u.baseUrl = `http://127.0.0.1:${(u.server.address() as AddressInfo).port}${basePath}`;
  return u;
}

const post = (url: string) => postThrough(url, '{"model":"gpt-4.1","messages":[]}');

/** n requests, 16 in flight; returns the status codes. */
async function send(n: number): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < n) statuses.push(await post(`${rig.url}/v1/chat/completions?n=${next++}`));
    }),
  );
  return statuses;
}

let legacy: Upstream;
let target: Upstream;
let rig: NginxRig;
let driver: TrafficDriver;
const run = createRunner();

beforeAll(async () => {
  legacy = await upstream('legacy', '/v1');
  target = await upstream('target', '/relay/v1');
  const providers = {
    legacy: { baseUrl: legacy.baseUrl, apiKey: KEYS.legacy },
    target: { baseUrl: target.baseUrl, apiKey: KEYS.target, headers: { 'X-Relay-Tenant': 'acme' } },
  };
  rig = await startNginx({
    include: renderNginxInclude({ environment: 'canary', weight: 0, splitKey: '$request_id', providers }),
    server: renderLocation('canary', extraHeaderNames(providers)),
  });
  driver = nginxDriver({ environment: 'canary', file: rig.includeFile, binary: NGINX_BIN, args: rig.args, splitKey: '$request_id', providers });
});

afterAll(async () => {
  await rig?.stop();
  appAgent.destroy();
  legacy?.server.close();
  target?.server.close();
});

function reset(): void {
  for (const u of [legacy, target]) {
    u.hits = 0;
    u.wrong = [];
  }
}

describe('nginx driver (real nginx)', () => {
  it('at 20 %, 2000 requests reach target 20 % ± 3 %, each provider with its own key, Host and path', async () => {
    expect(await driver.apply(20, { run })).toEqual({ appliedWeight: 20 });
    reset();
    const statuses = await send(2000);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(legacy.hits + target.hits).toBe(2000);
    expect(target.hits / 2000).toBeGreaterThanOrEqual(0.17);
    expect(target.hits / 2000).toBeLessThanOrEqual(0.23);
    expect([...legacy.wrong, ...target.wrong]).toEqual([]);
  });

  it('writes the include private, since it holds both keys', async () => {
    expect((await stat(rig.includeFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(rig.includeFile, 'utf8')).toContain(`Bearer ${KEYS.target}`);
  });

  it('at 0 % (rollback) no request reaches target', async () => {
    expect(await driver.reset({ run })).toEqual({ appliedWeight: 0 });
    reset();
    expect((await send(300)).every((s) => s === 200)).toBe(true);
    expect(target.hits).toBe(0);
    expect(legacy.hits).toBe(300);
    expect(await driver.current()).toBe(0);
  });

  it('reloads keep nginx up: the same master serves every request while the weight changes', async () => {
    const master = await rig.pid();
    reset();
    const traffic = send(800);
    for (const w of [50, 100, 20]) await driver.apply(w, { run });
    expect((await traffic).filter((s) => s !== 200)).toEqual([]);
    expect(await rig.pid()).toBe(master);
    expect([...legacy.wrong, ...target.wrong]).toEqual([]);
  });

  it('at 100 % every request reaches target', async () => {
    await driver.apply(100, { run });
    reset();
    await send(200);
    expect(target.hits).toBe(200);
  });

  it('a config nginx -t rejects is put back, nginx keeps the old split, and the error hides the keys', async () => {
    await driver.apply(0, { run });
    const before = await readFile(rig.includeFile, 'utf8');
    const broken = nginxDriver({
      environment: 'canary',
      file: rig.includeFile,
      binary: NGINX_BIN,
      args: rig.args,
      splitKey: '$no_such_variable',
      providers: { legacy: { baseUrl: legacy.baseUrl, apiKey: KEYS.legacy }, target: { baseUrl: target.baseUrl, apiKey: KEYS.target } },
    });
    const err = await broken.apply(50, { run }).catch((e: Error & { hint?: string }) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/nginx .* -t` failed: .*unknown "no_such_variable" variable/);
    expect((err as { hint?: string }).hint).toContain('was put back');
    expect(await readFile(rig.includeFile, 'utf8')).toBe(before);
    reset();
    await send(100);
    expect(target.hits).toBe(0);
  });

  it('--dry-run writes nothing and runs nothing', async () => {
    const before = await readFile(rig.includeFile, 'utf8');
    const skipped: string[] = [];
    const dryRun = createRunner({ dryRun: true, onDryRun: (m) => skipped.push(m) });
    const applied = await driver.apply(50, { run: dryRun, dryRun: true, onDryRun: (m) => skipped.push(m) });
    expect(applied).toEqual({ appliedWeight: 0 });
    expect(await readFile(rig.includeFile, 'utf8')).toBe(before);
    expect(skipped).toEqual([
      `would write: ${rig.includeFile} (split 50% to target)`,
      `would run: ${[NGINX_BIN, ...rig.args, '-t'].join(' ')}`,
      `would run: ${[NGINX_BIN, ...rig.args, '-s', 'reload'].join(' ')}`,
    ]);
    expect(skipped.join('\n')).not.toContain(KEYS.target);
  });
});
